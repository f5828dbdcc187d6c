"""A plan's history in plain sentences, told from the reader's side:
"Your keyworker moved the due date to Fri 12 June", "Aisha added a step"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from webapp import clock
from webapp.models import (
    AREA_LABELS,
    Area,
    EventKind,
    GoalStatus,
    PlanEvent,
    Role,
    StepOwner,
    User,
)
from webapp.plans.agreement import Change


def format_day(day: date | str | None, today: date | None = None) -> str:
    """ "Fri 12 June", with the year only when it is not this year."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return clock.day(day, today)


def owner_label(
    owner: StepOwner | str, partner_name: str | None, *, viewer: User, participant: User
) -> str:
    """Who does a step, in the words of the person reading."""
    owner = StepOwner(owner)
    mine = viewer.id == participant.id
    if owner == StepOwner.ME:
        return "Me" if mine else participant.first_name
    if owner == StepOwner.KEYWORKER:
        return "My keyworker" if mine else "Keyworker"
    if owner == StepOwner.TOGETHER:
        return "Together"
    return partner_name or "A partner organisation"


def _owner_from_text(text: str | None, *, viewer: User, participant: User) -> str:
    if not text:
        return ""
    owner, _, partner = text.partition(":")
    return owner_label(owner, partner or None, viewer=viewer, participant=participant)


def actor_name(actor: User, *, viewer: User, participant: User, keyworker_id: int | None) -> str:
    """ "You", "Your keyworker", "Aisha" or a member of staff's name."""
    if actor.id == viewer.id:
        return "You"
    if actor.role == Role.PARTICIPANT:
        return actor.first_name
    if viewer.id == participant.id and actor.id == keyworker_id:
        return "Your keyworker"
    return actor.name


@dataclass(frozen=True)
class HistoryLine:
    sentence: str
    detail: str
    when: datetime | None


def describe(event: PlanEvent, *, viewer: User, participant: User) -> HistoryLine:
    """One event as a sentence, with what it was about as the detail."""
    keyworker_id = participant.profile.keyworker_id if participant.profile else None
    who = actor_name(event.actor, viewer=viewer, participant=participant, keyworker_id=keyworker_id)
    what, detail = _what(event, viewer=viewer, participant=participant)
    if event.kind == EventKind.AGREEMENT_ASKED and event.actor_id != viewer.id:
        what += " and asked you to agree it too"
    return HistoryLine(f"{who} {what}", detail, event.created_at)


def describe_change(change: Change, *, viewer: User, participant: User) -> HistoryLine:
    """A difference since the plan was agreed, as a sentence without a person."""
    what, detail = _what(change, viewer=viewer, participant=participant)
    return HistoryLine(what[0].upper() + what[1:], detail, None)


def _quoted(text: str) -> str:
    return f"“{text}”" if text else ""


def _what(event: PlanEvent | Change, *, viewer: User, participant: User) -> tuple[str, str]:
    kind, field = event.kind, event.field
    subject = _quoted(event.subject)
    before, after = event.before, event.after
    match kind:
        case EventKind.GOAL_ADDED:
            return "added a goal", subject
        case EventKind.GOAL_REMOVED:
            return "removed a goal", subject
        case EventKind.GOAL_MOVED:
            return f"moved a goal {after or ''}".strip(), subject
        case EventKind.GOAL_CHANGED if field == "title":
            return "reworded a goal", f"{_quoted(before)} is now {_quoted(after)}"
        case EventKind.GOAL_CHANGED if field == "area":
            return f"moved a goal to {AREA_LABELS[Area(after)]}", subject
        case EventKind.GOAL_CHANGED if field == "why":
            return "changed why a goal matters", subject
        case EventKind.GOAL_CHANGED if field == "status":
            return _status_sentence(GoalStatus(after)), subject
        case EventKind.STEP_ADDED:
            return "added a step", subject
        case EventKind.STEP_REMOVED:
            return "removed a step", subject
        case EventKind.STEP_MOVED:
            return f"moved a step {after or ''}".strip(), subject
        case EventKind.STEP_DONE:
            return "ticked off a step", subject
        case EventKind.STEP_UNDONE:
            return "unticked a step", subject
        case EventKind.STEP_CHANGED if field == "text":
            return "reworded a step", f"{_quoted(before)} is now {_quoted(after)}"
        case EventKind.STEP_CHANGED if field == "due_on":
            if not after:
                return "took the due date off", subject
            if not before:
                return f"set the due date to {format_day(after)}", subject
            return f"moved the due date to {format_day(after)}", subject
        case EventKind.STEP_CHANGED if field == "owner":
            who = _owner_from_text(after, viewer=viewer, participant=participant)
            return f"changed who does a step to {who}", subject
        case EventKind.AGREEMENT_ASKED:
            return "agreed the plan", ""
        case EventKind.PLAN_AGREED:
            return "agreed the plan too, so it is agreed by both", ""
        case EventKind.COMMENTED:
            return "commented on a goal", subject
    return "changed the plan", subject


def _status_sentence(status: GoalStatus) -> str:
    if status == GoalStatus.ACHIEVED:
        return "marked a goal as achieved"
    if status == GoalStatus.PAUSED:
        return "paused a goal"
    return "started working on a goal again"
