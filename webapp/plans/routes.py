"""The plans blueprint with every one of its views: what ``create_app`` registers.

The views modules add their routes to the one blueprint in ``blueprint.py``; naming them here,
in one place, is what puts their routes on it."""

from __future__ import annotations

from webapp.plans import agreement_views, goal_views, step_views, views
from webapp.plans.blueprint import bp

VIEW_MODULES = (views, goal_views, step_views, agreement_views)

__all__ = ["VIEW_MODULES", "bp"]
