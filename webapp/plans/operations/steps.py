"""Changing a goal's steps: adding, rewording, ticking off, removing and moving them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import EventKind, Goal, PlanEvent, Step, StepOwner, User, utcnow
from webapp.plans.agreement import as_text, owner_text
from webapp.plans.operations.changes import (
    StaleVersion,
    check_version,
    guard_stale,
    move_row,
    plan_changed,
    record,
    record_edits,
    remove_row,
)
from webapp.plans.operations.notices import notify_other_side
from webapp.services.records import ensure_record_open


def add_step(
    session: Session,
    *,
    goal: Goal,
    actor: User,
    text: str,
    owner: StepOwner = StepOwner.ME,
    partner_name: str | None = None,
    due_on: date | None = None,
) -> Step:
    """Add a step at the end of a goal's steps (refused on an erased record)."""
    ensure_record_open(goal.plan.participant)
    if goal.removed_at is not None:
        raise StaleVersion(goal)
    last = session.scalar(
        select(func.max(Step.position)).where(Step.goal_id == goal.id, Step.removed_at.is_(None))
    )
    owner = StepOwner(owner)
    step = Step(
        goal_id=goal.id,
        text=text,
        owner=owner,
        partner_name=partner_name if owner == StepOwner.PARTNER else None,
        due_on=due_on,
        position=(last or 0) + 1,
        created_by_id=actor.id,
        updated_by_id=actor.id,
    )
    session.add(step)
    session.flush()
    record(session, goal.plan, actor, EventKind.STEP_ADDED, goal=goal, step=step, subject=text)
    plan_changed(session, goal.plan, actor)
    session.flush()
    return step


@guard_stale
def edit_step(
    session: Session,
    *,
    step: Step,
    actor: User,
    version: int | None,
    text: str,
    owner: StepOwner,
    partner_name: str | None = None,
    due_on: date | None = None,
) -> list[PlanEvent]:
    """Change a step's words, who does it, or when it is due."""
    check_version(step, version)
    owner = StepOwner(owner)
    new = {
        "text": text,
        "owner": owner,
        "partner_name": (partner_name or None) if owner == StepOwner.PARTNER else None,
        "due_on": due_on,
    }
    return record_edits(
        session,
        step,
        new,
        actor=actor,
        kind=EventKind.STEP_CHANGED,
        goal=step.goal,
        step=step,
        recorded=_recorded,
    )


def _recorded(step: Step) -> dict[str, str | None]:
    # Who does it is one fact, "partner:Citizens Advice", rather than two changes.
    return {"text": step.text, "owner": owner_text(step), "due_on": as_text(step.due_on)}


@guard_stale
def set_step_done(
    session: Session, *, step: Step, actor: User, version: int | None, done: bool
) -> PlanEvent | None:
    """Tick a step off, or untick it."""
    check_version(step, version)
    if step.done == done:
        return None
    step.done_at = utcnow() if done else None
    step.done_by_id = actor.id if done else None
    step.updated_at, step.updated_by_id = utcnow(), actor.id
    event = record(
        session,
        step.goal.plan,
        actor,
        EventKind.STEP_DONE if done else EventKind.STEP_UNDONE,
        goal=step.goal,
        step=step,
        subject=step.text,
    )
    # Progress, not a change of plan: ticking a step leaves an agreed plan agreed.
    notify_other_side(session, step.goal.plan, actor)
    session.flush()
    return event


@guard_stale
def remove_step(session: Session, *, step: Step, actor: User, version: int | None) -> PlanEvent:
    """Take a step off its goal; the history keeps what it said."""
    check_version(step, version)
    return remove_row(
        session, step, actor=actor, kind=EventKind.STEP_REMOVED, goal=step.goal, step=step
    )


def move_step(session: Session, *, step: Step, actor: User, direction: str) -> bool:
    """Move a step one place up or down; like a goal's, its order is not content."""
    scope = Step.goal_id == step.goal_id
    return move_row(
        session,
        step,
        scope,
        actor=actor,
        direction=direction,
        kind=EventKind.STEP_MOVED,
        goal=step.goal,
        step=step,
    )
