"""The sessions blueprint with every one of its views: what the sessions area registers.

The parent's pages (``views``) and the keyworker's diary (``diary_views``) add their routes to
the one blueprint; naming them here, in one place, is what puts their routes on it."""

from __future__ import annotations

from webapp.sessions import confirm_views, diary_views, views
from webapp.sessions.views import bp

VIEW_MODULES = (views, diary_views, confirm_views)

__all__ = ["VIEW_MODULES", "bp"]
