"""The plans blueprint, defined once; each of the area's views modules adds its routes to it,
and ``webapp.plans.routes`` gathers them for ``create_app``."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from webapp.clock import london_today
from webapp.models import Step, User
from webapp.plans.history import owner_label
from webapp.web.htmx import vary_on_htmx

bp = Blueprint("plans", __name__)

# The same address answers a whole page or a fragment, depending on who asks.
bp.after_request(vary_on_htmx)
bp.add_app_template_global(london_today, "london_today")


@bp.app_template_global()
def step_owner(step: Step, participant: User) -> str:
    """Who does a step, in the words of the person reading."""
    return owner_label(step.owner, step.partner_name, viewer=current_user, participant=participant)
