"""Changing a plan's goals: adding, rewording, marking, removing and moving them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import Area, EventKind, Goal, GoalStatus, Plan, PlanEvent, User, utcnow
from webapp.plans.agreement import as_text
from webapp.plans.operations.changes import (
    check_version,
    guard_stale,
    move_row,
    plan_changed,
    record,
    record_edits,
    remove_row,
)
from webapp.services.records import ensure_record_open


def add_goal(
    session: Session, *, plan: Plan, actor: User, title: str, area: Area, why: str = ""
) -> Goal:
    """Add a goal at the end of the plan (refused, ``RecordErased``, on an erased record)."""
    ensure_record_open(plan.participant)
    last = session.scalar(
        select(func.max(Goal.position)).where(Goal.plan_id == plan.id, Goal.removed_at.is_(None))
    )
    goal = Goal(
        plan_id=plan.id,
        title=title,
        area=Area(area),
        why=why or "",
        position=(last or 0) + 1,
        created_by_id=actor.id,
        updated_by_id=actor.id,
    )
    session.add(goal)
    session.flush()
    record(session, plan, actor, EventKind.GOAL_ADDED, goal=goal, subject=title)
    plan_changed(session, plan, actor)
    session.flush()
    return goal


GOAL_FIELDS = ("title", "area", "why")


@guard_stale
def edit_goal(
    session: Session,
    *,
    goal: Goal,
    actor: User,
    version: int | None,
    title: str,
    area: Area,
    why: str = "",
) -> list[PlanEvent]:
    """Change a goal's words, area or reason. Raises StaleVersion if it changed meanwhile."""
    check_version(goal, version)
    new = {"title": title, "area": Area(area), "why": why or ""}
    return record_edits(
        session,
        goal,
        new,
        actor=actor,
        kind=EventKind.GOAL_CHANGED,
        goal=goal,
        recorded=_recorded,
    )


def _recorded(goal: Goal) -> dict[str, str | None]:
    return {field: as_text(getattr(goal, field)) for field in GOAL_FIELDS}


@guard_stale
def set_goal_status(
    session: Session, *, goal: Goal, actor: User, version: int | None, status: GoalStatus
) -> PlanEvent | None:
    """Mark a goal achieved, paused or active again."""
    check_version(goal, version)
    status = GoalStatus(status)
    if goal.status == status:
        return None
    event = record(
        session,
        goal.plan,
        actor,
        EventKind.GOAL_CHANGED,
        goal=goal,
        subject=goal.title,
        field="status",
        before=goal.status.value,
        after=status.value,
    )
    goal.status = status
    goal.updated_at, goal.updated_by_id = utcnow(), actor.id
    plan_changed(session, goal.plan, actor)
    session.flush()
    return event


@guard_stale
def remove_goal(session: Session, *, goal: Goal, actor: User, version: int | None) -> PlanEvent:
    """Take a goal (and its steps) off the plan; the history keeps what it said."""
    check_version(goal, version)
    return remove_row(session, goal, actor=actor, kind=EventKind.GOAL_REMOVED, goal=goal)


def move_goal(session: Session, *, goal: Goal, actor: User, direction: str) -> bool:
    """Move a goal one place up or down. Order is not content: it never makes an edit stale."""
    scope = Goal.plan_id == goal.plan_id
    return move_row(
        session, goal, scope, actor=actor, direction=direction, kind=EventKind.GOAL_MOVED, goal=goal
    )
