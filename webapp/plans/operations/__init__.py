"""Changing a plan, one module per topic, used together as ``ops``.

Every change is attributed, recorded as a plan event, tells the other side, and is checked
against the version the person was looking at. These functions only flush; the request
commits once. Reads are in ``webapp.plans.queries``."""

from webapp.plans.operations.agreement import agree
from webapp.plans.operations.changes import (
    MissingVersion,
    PlanChanged,
    StaleVersion,
    plan_for,
    side_of,
)
from webapp.plans.operations.comments import add_comment
from webapp.plans.operations.goals import (
    add_goal,
    edit_goal,
    move_goal,
    remove_goal,
    set_goal_status,
)
from webapp.plans.operations.notices import mark_read, notify_other_side
from webapp.plans.operations.steps import (
    add_step,
    edit_step,
    move_step,
    remove_step,
    set_step_done,
)

__all__ = [
    "MissingVersion",
    "PlanChanged",
    "StaleVersion",
    "add_comment",
    "add_goal",
    "add_step",
    "agree",
    "edit_goal",
    "edit_step",
    "mark_read",
    "move_goal",
    "move_step",
    "notify_other_side",
    "plan_for",
    "remove_goal",
    "remove_step",
    "set_goal_status",
    "set_step_done",
    "side_of",
]
