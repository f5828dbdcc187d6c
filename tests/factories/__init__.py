"""Keyword-only factories per area: each takes the database session first, returns the model
and only flushes. ``Factories`` (the ``make`` fixture) commits the people ones instead."""

from tests.factories.committed import Factories
from tests.factories.people import PASSWORD

__all__ = ["PASSWORD", "Factories"]
