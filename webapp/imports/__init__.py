"""Bringing an existing caseload into CoPlan from a spreadsheet, checked line by line."""
