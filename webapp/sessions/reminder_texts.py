"""Reminders by text: what one says, when one may go, and what the provider's receipt said.

A text reminder holds the parent's first name, the day, the time and the place, and nothing
else: no keyworker's name, no group's title, nothing from the plan or a check-in, for a phone
shows a text on its lock screen. None goes between 21:00 and 08:00, nor in the parent's own
quiet hours: one due then waits (``Reminder.next_try_at``) until they end. A send the provider
refuses backs off, 15 minutes and then twice as long each time; one it says can never work (a
400) is given up at once. The provider's delivery receipt is kept on the reminder, so the
record can say whether the text arrived, and the caseload flags one that didn't.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, case, func, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session

from webapp import clock
from webapp.caseload.facts import Values
from webapp.caseload.timeline import TimelineFilters, TimelineItem
from webapp.contact.choices import choice_for, texts_allowed_from
from webapp.models import (
    BookedSession,
    GroupPlace,
    GroupSession,
    Reminder,
    ReminderChannel,
    SessionMode,
    User,
    UTCDateTime,
)
from webapp.models.sessions import TEXT_DELIVERED, TEXT_NOT_DELIVERED
from webapp.services.sms import NotAMobile, TextNotSent, send_text

FIRST_BACKOFF = timedelta(minutes=15)
# A failed reminder flags the parent on the caseload for a week.
FLAG_DAYS = 7

WHERE = {
    SessionMode.PHONE: "by phone",
    SessionMode.VIDEO: "by video call",
    SessionMode.HOME_VISIT: "at your home",
}


class TextFailed(Exception):
    """The provider didn't take the text; ``final`` when trying again can't help."""

    def __init__(self, reason: str, *, final: bool):
        super().__init__(reason)
        self.reason = reason
        self.final = final


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 15, 30, 60, 120 minutes."""
    return FIRST_BACKOFF * 2 ** max(attempts - 1, 0)


def place_words(appointment: BookedSession | GroupSession) -> str:
    """Where, in a few words: the venue's name, or how the session is held."""
    if appointment.venue is not None:
        return f"at {appointment.venue.name}"
    if isinstance(appointment, GroupSession):
        return "online"
    return WHERE.get(appointment.mode, "")


def text_body(parent: User, appointment: BookedSession | GroupSession) -> str:
    """ "Hello Aisha. A reminder from CoPlan: your session is on Thursday 3 December at 10:30,
    by phone." First name, day, time and place: nothing else."""
    kind = "group session" if isinstance(appointment, GroupSession) else "session"
    when = clock.day_and_time(appointment.starts_at, "long_day", " at ")
    where = place_words(appointment)
    return f"Hello {parent.first_name}. A reminder from CoPlan: your {kind} is on {when}" + (
        f", {where}." if where else "."
    )


def held_until(session: Session, parent: User, now: datetime) -> datetime | None:
    """When a text to this parent may go, if not now (the night, or their quiet hours)."""
    allowed = texts_allowed_from(choice_for(session, parent), now)
    return allowed.astimezone(UTC) if allowed > now else None


def send_text_reminder(
    reminder: Reminder, parent: User, appointment: BookedSession | GroupSession
) -> None:
    """Text the parent; keeps the provider's id for the receipt. TextFailed if it didn't go."""
    try:
        sent = send_text(
            parent.phone or "", text_body(parent, appointment), reference=f"reminder-{reminder.id}"
        )
    except NotAMobile as error:
        raise TextFailed("not a mobile number", final=True) from error
    except TextNotSent as error:
        raise TextFailed(error.reason, final=not error.retry) from None
    reminder.provider_id = sent.provider_id
    reminder.delivery_status = None


def record_receipt(session: Session, *, provider_id: str, status: str, at: datetime) -> bool:
    """Keep what a delivery receipt says on the reminder text it is about. Whether one was."""
    reminder = session.scalar(
        select(Reminder).where(
            Reminder.provider_id == provider_id, Reminder.channel == ReminderChannel.TEXT
        )
    )
    if reminder is None:
        return False
    # Receipts can come out of order: "delivered" is final, whatever comes after it.
    if reminder.delivery_status != TEXT_DELIVERED:
        reminder.delivery_status = status[:30]
        reminder.delivery_status_at = at
    session.flush()
    return True


# --- On the record and the caseload --------------------------------------------------------


def _reminders_of(ids: Sequence[int]):
    """(reminder, the parent's id, the session's start) for these parents' reminders."""
    one_to_one = (
        select(
            Reminder.id.label("reminder_id"),
            BookedSession.participant_id.label("participant_id"),
            BookedSession.starts_at.label("starts_at"),
        )
        .join(BookedSession, BookedSession.id == Reminder.session_id)
        .where(BookedSession.participant_id.in_(ids))
    )
    groups = (
        select(Reminder.id, GroupPlace.participant_id, GroupSession.starts_at)
        .join(GroupPlace, GroupPlace.id == Reminder.group_attendee_id)
        .join(GroupSession, GroupSession.id == GroupPlace.group_session_id)
        .where(GroupPlace.participant_id.in_(ids))
    )
    return union_all(one_to_one, groups).subquery()


def _title(reminder: Reminder, starts_at: datetime) -> str:
    what = "Reminder text" if reminder.is_text else f"Reminder by {reminder.channel}"
    when = clock.day_and_time(starts_at)
    if reminder.was_delivered:
        return f"{what} delivered, for the session on {when}"
    if reminder.was_not_delivered:
        return f"{what} not delivered, for the session on {when}"
    return f"{what} sent, for the session on {when}"


def _detail(reminder: Reminder) -> str | None:
    if reminder.failed_at is not None:
        return f"Tried {reminder.attempts} times. Check the contact details are right."
    if reminder.delivery_status in TEXT_NOT_DELIVERED:
        return "The phone network couldn't deliver it. Check the mobile number is right."
    if reminder.is_text and not reminder.was_delivered:
        return "Waiting to hear from the phone network."
    return None


_moment = type_coerce(
    func.coalesce(Reminder.delivery_status_at, Reminder.failed_at, Reminder.sent_at),
    UTCDateTime(),
)


def reminder_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    """Texts sent (and whether they arrived) and reminders given up, on the timeline."""
    of = _reminders_of(ids)
    query = (
        select(
            Reminder,
            of.c.participant_id,
            type_coerce(of.c.starts_at, UTCDateTime()),
            _moment.label("moment"),
        )
        .join(of, of.c.reminder_id == Reminder.id)
        .where(
            or_(
                Reminder.failed_at.is_not(None),
                (Reminder.channel == ReminderChannel.TEXT) & Reminder.provider_id.is_not(None),
            )
        )
        .order_by(_moment.desc(), Reminder.id.desc())
        .limit(filters.limit)
    )
    if filters.before is not None:
        query = query.where(_moment < filters.before)
    return [
        TimelineItem(
            when=moment,
            kind="reminders",
            title=_title(reminder, starts_at),
            detail=_detail(reminder),
            participant_id=participant_id,
            ref=("reminder", reminder.id),
        )
        for reminder, participant_id, starts_at, moment in session.execute(query)
    ]


# When a reminder failed: given up after its tries, or a text the network couldn't deliver.
_failed_when = type_coerce(
    case(
        (Reminder.delivery_status.in_(TEXT_NOT_DELIVERED), Reminder.delivery_status_at),
        else_=Reminder.failed_at,
    ),
    UTCDateTime(),
)
_failed = or_(Reminder.failed_at.is_not(None), Reminder.delivery_status.in_(TEXT_NOT_DELIVERED))


def failed_reminder_columns() -> dict[str, ColumnElement]:
    """When this person's newest reminder failed, for a one-to-one session and a group place."""
    one_to_one = (
        select(func.max(_failed_when))
        .join(BookedSession, BookedSession.id == Reminder.session_id)
        .where(BookedSession.participant_id == User.id, _failed)
        .scalar_subquery()
    )
    group = (
        select(func.max(_failed_when))
        .join(GroupPlace, GroupPlace.id == Reminder.group_attendee_id)
        .where(GroupPlace.participant_id == User.id, _failed)
        .scalar_subquery()
    )
    return {
        "reminder_failed_session": type_coerce(one_to_one, UTCDateTime()),
        "reminder_failed_group": type_coerce(group, UTCDateTime()),
    }


def failed_reminder_check(values: Values) -> str | None:
    """ "Reminder not delivered" for a week after one failed."""
    moments = [values["reminder_failed_session"], values["reminder_failed_group"]]
    newest = max((m for m in moments if m is not None), default=None)
    if newest is None or values["now"] - newest > timedelta(days=FLAG_DAYS):
        return None
    return "Reminder not delivered"
