"""What every change to a plan shares: the refusals, the plan event it records, the version
check, and counting it as a change the two sides must agree again. These only flush."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from webapp.models import EventKind, Goal, Plan, PlanEvent, Role, Side, Step, User, utcnow
from webapp.plans.operations.notices import notify_other_side
from webapp.plans.queries import find_plan

P = ParamSpec("P")
R = TypeVar("R")


class MissingVersion(ValueError):
    """A save arrived without the version the person was editing: refuse it."""


class StaleVersion(Exception):
    """Someone else changed (or removed) the row since the person loaded it."""

    def __init__(self, row: Goal | Step | None = None):
        super().__init__("changed by someone else")
        self.row = row


class PlanChanged(Exception):
    """The plan moved on since the person read it, so they cannot agree to what they saw."""


def side_of(user: User) -> Side:
    """Which side of the plan someone is on: the parent, or the service."""
    return Side.PARTICIPANT if user.role == Role.PARTICIPANT else Side.SERVICE


def plan_for(session: Session, participant: User) -> Plan:
    """The participant's plan, made on first use."""
    plan = find_plan(session, participant)
    if plan is not None:
        return plan
    try:
        with session.begin_nested():
            plan = Plan(participant_id=participant.id)
            session.add(plan)
    except IntegrityError:
        # The other side made it a moment ago.
        plan = find_plan(session, participant)
    return plan


def plan_changed(session: Session, plan: Plan, actor: User) -> None:
    """Count a change to what the two sides agree on, and tell the other side."""
    # The goal and step lists are read-only views that filter out removed rows: reload them.
    session.expire(plan, ["goals"])
    for goal in session.identity_map.values():
        if isinstance(goal, Goal) and goal.plan_id == plan.id:
            session.expire(goal, ["steps"])
    # In SQL, so two people changing different goals at once both count and never collide.
    plan.revision = Plan.revision + 1
    plan.updated_at = utcnow()
    notify_other_side(session, plan, actor)


def record(
    session: Session,
    plan: Plan,
    actor: User,
    kind: EventKind,
    *,
    goal: Goal | None = None,
    step: Step | None = None,
    subject: str = "",
    field: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> PlanEvent:
    """Write one plan event: who did what to which goal or step, before and after."""
    event = PlanEvent(
        plan_id=plan.id,
        actor_id=actor.id,
        kind=kind,
        goal_id=goal.id if goal else None,
        step_id=step.id if step else None,
        subject=subject[:300],
        field=field,
        before=before,
        after=after,
    )
    session.add(event)
    return event


def record_edits(
    session: Session,
    row: Goal | Step,
    new: dict,
    *,
    actor: User,
    kind: EventKind,
    goal: Goal,
    step: Step | None = None,
    recorded: Callable[[Goal | Step], dict[str, str | None]],
) -> list[PlanEvent]:
    """Change ``row`` to ``new``, recording one event for each fact ``recorded`` reads off it
    that changed; any change is a change of plan."""
    subject = goal.title if step is None else step.text
    before = recorded(row)
    for field, value in new.items():
        if getattr(row, field) != value:
            setattr(row, field, value)
    after = recorded(row)
    events = [
        record(
            session,
            goal.plan,
            actor,
            kind,
            goal=goal,
            step=step,
            subject=subject,
            field=fact,
            before=before[fact],
            after=after[fact],
        )
        for fact in before
        if before[fact] != after[fact]
    ]
    if events:
        row.updated_at, row.updated_by_id = utcnow(), actor.id
        plan_changed(session, goal.plan, actor)
        session.flush()
    return events


def remove_row(
    session: Session, row: Goal | Step, *, actor: User, kind: EventKind, goal: Goal, step=None
) -> PlanEvent:
    """Take a goal or step off the plan, as a change of plan; the history keeps its words."""
    row.removed_at = utcnow()
    row.updated_by_id = actor.id
    subject = goal.title if step is None else step.text
    event = record(session, goal.plan, actor, kind, goal=goal, step=step, subject=subject)
    plan_changed(session, goal.plan, actor)
    session.flush()
    return event


def move_row(
    session: Session,
    row: Goal | Step,
    scope,
    *,
    actor: User,
    direction: str,
    kind: EventKind,
    goal: Goal,
    step: Step | None = None,
) -> bool:
    """Move a goal or step one place up or down among ``scope``; False at either end.

    Order is not content: it tells the other side but never makes an edit stale."""
    other = neighbour(session, type(row), scope, row.position, direction)
    if other is None or row.removed_at is not None:
        return False
    swap_positions(session, type(row), row, other)
    subject = goal.title if step is None else step.text
    record(session, goal.plan, actor, kind, goal=goal, step=step, subject=subject, after=direction)
    notify_other_side(session, goal.plan, actor)
    session.flush()
    return True


def check_version(row: Goal | Step, version: int | None) -> None:
    """Refuse a change made against a version that is missing, moved on or removed."""
    if version is None:
        raise MissingVersion("Save refused: it did not say which version was edited.")
    if row.removed_at is not None or row.version != version:
        raise StaleVersion(row)


def guard_stale(change: Callable[P, R]) -> Callable[P, R]:
    """Turn a lost race on a version (seen when the UPDATE finds the row moved on) into the
    same answer as a stale form: StaleVersion."""

    @functools.wraps(change)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return change(*args, **kwargs)
        except StaleDataError as error:
            raise StaleVersion(None) from error

    return guarded


def neighbour(session: Session, model, scope, position: int, direction: str):
    """The goal or step next to ``position`` in ``direction``, or None at either end."""
    if direction not in ("up", "down"):
        raise ValueError(f"unknown direction {direction!r}")
    query = select(model).where(scope, model.removed_at.is_(None))
    if direction == "up":
        query = query.where(model.position < position).order_by(model.position.desc())
    else:
        query = query.where(model.position > position).order_by(model.position)
    return session.scalar(query.limit(1))


def swap_positions(session: Session, model, first, second) -> None:
    """Swap two rows' places without touching their versions."""
    # A plain table UPDATE leaves the version alone: moving a goal must not make the other
    # person's open edit of its words stale.
    table = model.__table__
    a, b = first.position, second.position
    session.execute(update(table).where(table.c.id == first.id).values(position=b))
    session.execute(update(table).where(table.c.id == second.id).values(position=a))
    session.expire(first, ["position"])
    session.expire(second, ["position"])
