"""Changing a plan. Every change is attributed, recorded as a plan event, tells the other
side, and is checked against the version the person was looking at. These functions only
flush; the request commits once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import ParamSpec, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from webapp.models import (
    AgreementConfirmation,
    Area,
    EventKind,
    Goal,
    GoalComment,
    GoalStatus,
    Notification,
    Plan,
    PlanAgreement,
    PlanEvent,
    Role,
    Side,
    Step,
    StepOwner,
    User,
    utcnow,
)

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
    return Side.PARTICIPANT if user.role == Role.PARTICIPANT else Side.SERVICE


# --- plans --------------------------------------------------------------------------------


def find_plan(session: Session, participant: User) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.participant_id == participant.id))


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


def _plan_changed(session: Session, plan: Plan, actor: User) -> None:
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


def _record(
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


def _check_version(row: Goal | Step, version: int | None) -> None:
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


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- goals --------------------------------------------------------------------------------


def add_goal(
    session: Session, *, plan: Plan, actor: User, title: str, area: Area, why: str = ""
) -> Goal:
    """Add a goal at the end of the plan."""
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
    _record(session, plan, actor, EventKind.GOAL_ADDED, goal=goal, subject=title)
    _plan_changed(session, plan, actor)
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
    _check_version(goal, version)
    new = {"title": title, "area": Area(area), "why": why or ""}
    events = []
    subject = goal.title
    for field in GOAL_FIELDS:
        before, after = getattr(goal, field), new[field]
        if before == after:
            continue
        events.append(
            _record(
                session,
                goal.plan,
                actor,
                EventKind.GOAL_CHANGED,
                goal=goal,
                subject=subject,
                field=field,
                before=_as_text(before),
                after=_as_text(after),
            )
        )
        setattr(goal, field, after)
    if events:
        goal.updated_at, goal.updated_by_id = utcnow(), actor.id
        _plan_changed(session, goal.plan, actor)
        session.flush()
    return events


@guard_stale
def set_goal_status(
    session: Session, *, goal: Goal, actor: User, version: int | None, status: GoalStatus
) -> PlanEvent | None:
    """Mark a goal achieved, paused or active again."""
    _check_version(goal, version)
    status = GoalStatus(status)
    if goal.status == status:
        return None
    event = _record(
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
    _plan_changed(session, goal.plan, actor)
    session.flush()
    return event


@guard_stale
def remove_goal(session: Session, *, goal: Goal, actor: User, version: int | None) -> PlanEvent:
    """Take a goal (and its steps) off the plan; the history keeps what it said."""
    _check_version(goal, version)
    goal.removed_at = utcnow()
    goal.updated_by_id = actor.id
    event = _record(
        session, goal.plan, actor, EventKind.GOAL_REMOVED, goal=goal, subject=goal.title
    )
    _plan_changed(session, goal.plan, actor)
    session.flush()
    return event


def move_goal(session: Session, *, goal: Goal, actor: User, direction: str) -> bool:
    """Move a goal one place up or down. Order is not content: it never makes an edit stale."""
    neighbour = _neighbour(
        session,
        Goal,
        Goal.plan_id == goal.plan_id,
        goal.position,
        direction,
    )
    if neighbour is None or goal.removed_at is not None:
        return False
    _swap_positions(session, Goal, goal, neighbour)
    _record(
        session,
        goal.plan,
        actor,
        EventKind.GOAL_MOVED,
        goal=goal,
        subject=goal.title,
        after=direction,
    )
    notify_other_side(session, goal.plan, actor)
    session.flush()
    return True


def _neighbour(session: Session, model, scope, position: int, direction: str):
    if direction not in ("up", "down"):
        raise ValueError(f"unknown direction {direction!r}")
    query = select(model).where(scope, model.removed_at.is_(None))
    if direction == "up":
        query = query.where(model.position < position).order_by(model.position.desc())
    else:
        query = query.where(model.position > position).order_by(model.position)
    return session.scalar(query.limit(1))


def _swap_positions(session: Session, model, first, second) -> None:
    # A plain table UPDATE leaves the version alone: moving a goal must not make the other
    # person's open edit of its words stale.
    table = model.__table__
    a, b = first.position, second.position
    session.execute(update(table).where(table.c.id == first.id).values(position=b))
    session.execute(update(table).where(table.c.id == second.id).values(position=a))
    session.expire(first, ["position"])
    session.expire(second, ["position"])


# --- steps --------------------------------------------------------------------------------


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
    """Add a step at the end of a goal's steps."""
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
    _record(session, goal.plan, actor, EventKind.STEP_ADDED, goal=goal, step=step, subject=text)
    _plan_changed(session, goal.plan, actor)
    session.flush()
    return step


STEP_FIELDS = ("text", "owner", "partner_name", "due_on")


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
    _check_version(step, version)
    owner = StepOwner(owner)
    new = {
        "text": text,
        "owner": owner,
        "partner_name": (partner_name or None) if owner == StepOwner.PARTNER else None,
        "due_on": due_on,
    }
    plan = step.goal.plan
    subject = step.text
    events = []
    for field in STEP_FIELDS:
        before, after = getattr(step, field), new[field]
        if before == after:
            continue
        if field in ("owner", "partner_name"):
            # Who does it is one fact: "partner:Citizens Advice" rather than two changes.
            told = any(e.field == "owner" for e in events)
            if not told:
                events.append(
                    _record(
                        session,
                        plan,
                        actor,
                        EventKind.STEP_CHANGED,
                        goal=step.goal,
                        step=step,
                        subject=subject,
                        field="owner",
                        before=_owner_text(step),
                        after=_owner_text(step, new),
                    )
                )
        else:
            events.append(
                _record(
                    session,
                    plan,
                    actor,
                    EventKind.STEP_CHANGED,
                    goal=step.goal,
                    step=step,
                    subject=subject,
                    field=field,
                    before=_as_text(before),
                    after=_as_text(after),
                )
            )
        setattr(step, field, after)
    if events:
        step.updated_at, step.updated_by_id = utcnow(), actor.id
        _plan_changed(session, plan, actor)
        session.flush()
    return events


def _owner_text(step: Step, new: dict | None = None) -> str:
    """An owner as kept in the history: the role, or the partner organisation's name."""
    owner = new["owner"] if new else step.owner
    partner = new["partner_name"] if new else step.partner_name
    if owner == StepOwner.PARTNER:
        return f"partner:{partner or ''}"
    return owner.value


@guard_stale
def set_step_done(
    session: Session, *, step: Step, actor: User, version: int | None, done: bool
) -> PlanEvent | None:
    """Tick a step off, or untick it."""
    _check_version(step, version)
    if step.done == done:
        return None
    step.done_at = utcnow() if done else None
    step.done_by_id = actor.id if done else None
    step.updated_at, step.updated_by_id = utcnow(), actor.id
    event = _record(
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
    _check_version(step, version)
    step.removed_at = utcnow()
    step.updated_by_id = actor.id
    plan = step.goal.plan
    event = _record(
        session, plan, actor, EventKind.STEP_REMOVED, goal=step.goal, step=step, subject=step.text
    )
    _plan_changed(session, plan, actor)
    session.flush()
    return event


def move_step(session: Session, *, step: Step, actor: User, direction: str) -> bool:
    neighbour = _neighbour(session, Step, Step.goal_id == step.goal_id, step.position, direction)
    if neighbour is None or step.removed_at is not None:
        return False
    _swap_positions(session, Step, step, neighbour)
    plan = step.goal.plan
    _record(
        session,
        plan,
        actor,
        EventKind.STEP_MOVED,
        goal=step.goal,
        step=step,
        subject=step.text,
        after=direction,
    )
    notify_other_side(session, plan, actor)
    session.flush()
    return True


# --- comments -----------------------------------------------------------------------------


def add_comment(session: Session, *, goal: Goal, actor: User, body: str) -> GoalComment:
    """Add to the conversation about a goal."""
    comment = GoalComment(goal_id=goal.id, author_id=actor.id, body=body)
    session.add(comment)
    _record(session, goal.plan, actor, EventKind.COMMENTED, goal=goal, subject=goal.title)
    notify_other_side(session, goal.plan, actor, what="commented on")
    session.flush()
    return comment


# --- agreement ----------------------------------------------------------------------------


def snapshot(plan: Plan) -> dict:
    """What both sides agree to: the goals and steps as they read now (not ticks or order)."""
    return {
        "goals": [
            {
                "id": goal.id,
                "title": goal.title,
                "area": goal.area.value,
                "why": goal.why,
                "status": goal.status.value,
                "steps": [
                    {
                        "id": step.id,
                        "text": step.text,
                        "owner": _owner_text(step),
                        "due_on": _as_text(step.due_on),
                    }
                    for step in goal.steps
                ],
            }
            for goal in plan.goals
        ]
    }


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots, shaped like a plan event without an actor."""

    kind: EventKind
    subject: str
    field: str | None = None
    before: str | None = None
    after: str | None = None


def diff(old: dict | None, new: dict) -> list[Change]:
    """What changed between two snapshots of a plan, goal by goal."""
    if not old:
        return []  # the agreed words were erased with the participant's record
    changes: list[Change] = []
    old_goals = {g["id"]: g for g in old["goals"]}
    new_goals = {g["id"]: g for g in new["goals"]}
    for goal_id, goal in new_goals.items():
        before = old_goals.get(goal_id)
        if before is None:
            changes.append(Change(EventKind.GOAL_ADDED, goal["title"]))
            changes.extend(Change(EventKind.STEP_ADDED, s["text"]) for s in goal["steps"])
            continue
        for field in ("title", "area", "why", "status"):
            if before[field] != goal[field]:
                changes.append(
                    Change(
                        EventKind.GOAL_CHANGED, before["title"], field, before[field], goal[field]
                    )
                )
        changes.extend(_diff_steps(before["steps"], goal["steps"]))
    for goal_id, goal in old_goals.items():
        if goal_id not in new_goals:
            changes.append(Change(EventKind.GOAL_REMOVED, goal["title"]))
    return changes


def _diff_steps(old: list[dict], new: list[dict]) -> list[Change]:
    changes = []
    old_steps = {s["id"]: s for s in old}
    new_ids = {s["id"] for s in new}
    for step in new:
        before = old_steps.get(step["id"])
        if before is None:
            changes.append(Change(EventKind.STEP_ADDED, step["text"]))
            continue
        for field in ("text", "owner", "due_on"):
            if before[field] != step[field]:
                changes.append(
                    Change(
                        EventKind.STEP_CHANGED, before["text"], field, before[field], step[field]
                    )
                )
    changes.extend(Change(EventKind.STEP_REMOVED, s["text"]) for s in old if s["id"] not in new_ids)
    return changes


@dataclass
class AgreementState:
    """Where agreement stands: the last agreed version, any request waiting, what changed."""

    revision: int
    agreed: PlanAgreement | None
    pending: PlanAgreement | None
    changes: list[Change]

    @property
    def is_agreed(self) -> bool:
        return self.agreed is not None and self.agreed.revision == self.revision

    @property
    def changed_since_agreed(self) -> bool:
        return self.agreed is not None and self.agreed.revision != self.revision

    def confirmed_by(self, side: Side) -> bool:
        return self.pending is not None and any(c.side == side for c in self.pending.confirmations)


def agreement_state(session: Session, plan: Plan | None) -> AgreementState:
    """Agreed, waiting for one side, or changed since agreed (with the differences)."""
    if plan is None:
        return AgreementState(0, None, None, [])
    agreed = session.scalar(
        select(PlanAgreement)
        .where(PlanAgreement.plan_id == plan.id, PlanAgreement.agreed_at.is_not(None))
        .order_by(PlanAgreement.revision.desc())
        .limit(1)
    )
    pending = session.scalar(
        select(PlanAgreement)
        .where(
            PlanAgreement.plan_id == plan.id,
            PlanAgreement.revision == plan.revision,
            PlanAgreement.agreed_at.is_(None),
        )
        .options(selectinload(PlanAgreement.confirmations))
    )
    changes = []
    if agreed is not None and agreed.revision != plan.revision:
        changes = diff(agreed.snapshot, snapshot(plan))
    return AgreementState(plan.revision, agreed, pending, changes)


def agree(session: Session, *, plan: Plan, actor: User, revision: int | None) -> PlanAgreement:
    """Confirm the plan as it reads at ``revision``. The first side to confirm asks the
    other; the plan is agreed when both sides have confirmed the same revision."""
    if revision is None:
        raise MissingVersion("Agreement refused: it did not say which version was read.")
    # Lock the plan row so no change slips in between the check and the confirmation.
    session.refresh(plan, with_for_update=True)
    if plan.revision != revision:
        raise PlanChanged()
    agreement = session.scalar(
        select(PlanAgreement).where(
            PlanAgreement.plan_id == plan.id, PlanAgreement.revision == revision
        )
    )
    if agreement is None:
        agreement = PlanAgreement(
            plan_id=plan.id, revision=revision, snapshot=snapshot(plan), requested_by_id=actor.id
        )
        session.add(agreement)
        session.flush()
    side = side_of(actor)
    if any(c.side == side for c in agreement.confirmations):
        return agreement
    agreement.confirmations.append(AgreementConfirmation(side=side, user_id=actor.id))
    if {c.side for c in agreement.confirmations} == set(Side):
        agreement.agreed_at = utcnow()
        _record(session, plan, actor, EventKind.PLAN_AGREED, after=str(revision))
        notify_other_side(session, plan, actor, what="agreed")
    else:
        _record(session, plan, actor, EventKind.AGREEMENT_ASKED, after=str(revision))
        notify_other_side(session, plan, actor, what="asked you to agree")
    session.flush()
    return agreement


# --- notifications ------------------------------------------------------------------------


def notify_other_side(
    session: Session, plan: Plan, actor: User, what: str = "changed"
) -> list[Notification]:
    """Tell the people on the other side of the plan, gathering a run of changes into one."""
    participant = plan.participant
    keyworker = participant.profile.keyworker if participant.profile else None
    recipients = [u for u in (participant, keyworker) if u is not None and u.id != actor.id]
    notices = []
    now = utcnow()
    for recipient in recipients:
        message = _notice_message(actor, recipient, participant, keyworker, what)
        unread = session.scalar(
            select(Notification).where(
                Notification.user_id == recipient.id,
                Notification.plan_id == plan.id,
                Notification.actor_id == actor.id,
                Notification.message == message,
                Notification.read_at.is_(None),
            )
        )
        if unread is None:
            unread = Notification(
                user_id=recipient.id, actor_id=actor.id, plan_id=plan.id, message=message
            )
            session.add(unread)
        else:
            unread.changes = Notification.changes + 1
            unread.updated_at = now
        notices.append(unread)
    return notices


def _notice_message(actor, recipient, participant, keyworker, what: str) -> str:
    if recipient.id == participant.id:
        who = "Your keyworker" if keyworker and actor.id == keyworker.id else actor.name
        if what == "asked you to agree":
            return f"{who} agreed your plan and asked you to agree it too"
        if what == "agreed":
            return f"{who} agreed your plan: you both agree it now"
        return f"{who} {what} your plan"
    whose = f"{participant.first_name}'s plan"
    if what == "asked you to agree":
        return f"{actor.name} agreed {whose} and asked you to agree it too"
    if what == "agreed":
        return f"{actor.name} agreed {whose}: you both agree it now"
    return f"{actor.name} {what} {whose}"


def unread_notifications(session: Session, user: User, plan: Plan | None = None):
    query = select(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if plan is not None:
        query = query.where(Notification.plan_id == plan.id)
    return session.scalars(query.order_by(Notification.updated_at.desc())).all()


def mark_read(session: Session, user: User, plan: Plan) -> None:
    """The person has seen their plan, so its notices are read."""
    session.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.plan_id == plan.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
