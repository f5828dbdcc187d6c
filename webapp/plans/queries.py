"""What the plan pages and the Today page read about plans."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from webapp.models import Goal, GoalStatus, Notification, Plan, Step, User

TODAY_STEPS = 3
TODAY_NOTICES = 2


def next_steps(goals: list[Goal]) -> list[tuple[Step, Goal]]:
    """Steps not yet done on goals being worked on: dated ones first, soonest first."""
    pending = [
        (step, goal)
        for goal in goals
        if goal.status == GoalStatus.ACTIVE
        for step in goal.steps
        if not step.done
    ]
    return sorted(
        pending,
        key=lambda pair: (pair[0].due_on is None, pair[0].due_on or 0, pair[1].position),
    )


def next_plan_steps(session: Session, participant_id: int, limit: int) -> list[tuple[Step, Goal]]:
    """The parent's next steps."""
    plan = session.scalar(
        select(Plan)
        .where(Plan.participant_id == participant_id)
        .options(selectinload(Plan.goals).selectinload(Goal.steps))
    )
    return next_steps(plan.goals if plan else [])[:limit]


def plan_notices(session: Session, user_id: int, limit: int = 20) -> list[Notification]:
    """The person's unread notices about plans, newest first."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .options(joinedload(Notification.plan).joinedload(Plan.participant))
            .order_by(Notification.updated_at.desc())
            .limit(limit)
        )
    )


def today_panel(session: Session, parent: User) -> dict:
    """The parent's next steps and newest notices, for their Today page."""
    return {
        "upcoming": next_plan_steps(session, parent.id, TODAY_STEPS),
        "notices": plan_notices(session, parent.id, TODAY_NOTICES),
    }
