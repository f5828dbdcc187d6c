"""The conversation about a goal."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.models import EventKind, Goal, GoalComment, User
from webapp.plans.operations.changes import record
from webapp.plans.operations.notices import notify_other_side
from webapp.services.records import ensure_record_open


def add_comment(session: Session, *, goal: Goal, actor: User, body: str) -> GoalComment:
    """Add to the conversation about a goal (refused on an erased record)."""
    ensure_record_open(goal.plan.participant)
    comment = GoalComment(goal_id=goal.id, author_id=actor.id, body=body)
    session.add(comment)
    record(session, goal.plan, actor, EventKind.COMMENTED, goal=goal, subject=goal.title)
    notify_other_side(session, goal.plan, actor, what="commented on")
    session.flush()
    return comment
