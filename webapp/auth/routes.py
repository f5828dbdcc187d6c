"""The auth blueprint with every one of its views: signing in (``views``) and a parent's own
sign-in details (``account_views``); naming them here is what puts their routes on it."""

from __future__ import annotations

from webapp.auth import account_views, views
from webapp.auth.views import bp

VIEW_MODULES = (views, account_views)

__all__ = ["VIEW_MODULES", "bp"]
