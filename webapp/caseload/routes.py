"""The caseload blueprint with every one of its views: what the caseload area registers.

The views modules add their routes to the one blueprint in ``blueprint.py``; naming them here,
in one place, is what puts their routes on it."""

from __future__ import annotations

from webapp.caseload import entry_views, lifecycle_views, own_views, record_views, views
from webapp.caseload.blueprint import bp

VIEW_MODULES = (views, record_views, entry_views, lifecycle_views, own_views)

__all__ = ["VIEW_MODULES", "bp"]
