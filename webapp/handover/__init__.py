"""Handing parents on: changing a parent's keyworker (or a whole caseload's), and cover while
a keyworker is away."""
