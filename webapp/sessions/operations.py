"""Booking, moving and cancelling one-to-one sessions, and the keyworker's and parent's
set-up. Functions take a database session and plain values, only flush, and leave the commit
to the caller.

A one-to-one session never overlaps the parent's place at a group session, nor a group session
the keyworker leads: the slot search leaves that time out, and booking checks it again while
holding both people's locks (``guard.queue_for_people``), as a group place does.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import (
    AvailabilityRule,
    BookedSession,
    CalendarFeedToken,
    FreeWindow,
    KeyworkerSettings,
    Role,
    SessionMode,
    SessionStatus,
    TimeOff,
    User,
    utcnow,
)
from webapp.models.sessions import CORRECTION_DAYS
from webapp.services import audit
from webapp.sessions.guard import (
    BookingProblem,
    SlotNotOffered,
    SlotTaken,
    clashes,
    group_clash,
    guarded_change,
    queue_for_people,
)
from webapp.sessions.queries import hash_token, keyworker_settings_or_default, keyworker_timing
from webapp.sessions.reminders import schedule_reminder
from webapp.sessions.search import search_slots
from webapp.sessions.slots import (
    DEFAULT_LIMITS,
    LONDON,
    SESSION_GAPS,
    SESSION_LENGTHS,
    SearchLimits,
    Slot,
    agreed_with_parent,
    local_moment,
    nearest,
)


def set_session_timing(
    session: Session, *, keyworker: User, session_minutes: int, buffer_minutes: int
) -> KeyworkerSettings:
    """Save how long the keyworker's new sessions are and the gap kept around them.

    Sessions already booked keep their own start and end: only the times offered change.
    """
    if session_minutes not in SESSION_LENGTHS or buffer_minutes not in SESSION_GAPS:
        raise ValueError("a session length or gap CoPlan does not offer")
    settings = keyworker_settings_or_default(session, keyworker.id)
    settings.session_minutes, settings.buffer_minutes = session_minutes, buffer_minutes
    if settings not in session:
        session.add(settings)
    session.flush()
    return settings


# Booking one-to-one sessions ----------------------------------------------------------------


def _day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    day = moment.astimezone(LONDON).date()
    return local_moment(day, time(0)), local_moment(day + timedelta(days=1), time(0))


def _check_offered(
    session: Session,
    *,
    participant: User,
    keyworker: User,
    starts_at: datetime,
    mode: SessionMode,
    venue_id: int | None,
    now: datetime,
    limits: SearchLimits,
    ignore_session_id: int | None = None,
) -> Slot:
    """The slot asked for, if the rules allow it (ignoring other bookings); else refuse."""
    if (
        keyworker.role != Role.KEYWORKER
        or not keyworker.is_active
        or keyworker.locality_id != participant.locality_id
    ):
        raise SlotNotOffered("That keyworker can't be booked here.")
    day_start, day_end = _day_bounds(starts_at)
    allowed = search_slots(
        session,
        participant=participant,
        keyworker_ids=[keyworker.id],
        now=now,
        limits=limits,
        on_or_after=day_start,
        before=day_end,
        ignore_session_id=ignore_session_id,
        include_sessions=False,
    )
    for slot in allowed:
        if slot.starts_at == starts_at and slot.mode == mode and slot.venue_id == venue_id:
            return slot
    raise SlotNotOffered(
        "That time isn't one we can offer you. Choose one of the times on the list."
    )


def _taken(
    session: Session,
    *,
    participant: User,
    slot: Slot,
    now: datetime,
    limits: SearchLimits,
    message: str | None = None,
) -> SlotTaken:
    alternatives = search_slots(
        session, participant=participant, keyworker_ids=[slot.keyworker_id], now=now, limits=limits
    )
    return SlotTaken(nearest(alternatives, slot.starts_at), message)


def book_session(
    session: Session,
    *,
    participant: User,
    keyworker: User,
    starts_at: datetime,
    mode: SessionMode,
    venue_id: int | None = None,
    booked_by: User | None = None,
    now: datetime | None = None,
    limits: SearchLimits = DEFAULT_LIMITS,
    agreed: bool = False,
) -> BookedSession:
    """Book a one-to-one session, or raise ``SlotNotOffered`` or ``SlotTaken``.

    ``agreed``: staff agreed the time with the parent, so it may fall outside the parent's
    usual windows and within the notice period; that choice goes to the audit log."""
    now = now or utcnow()
    if agreed:
        if booked_by is None or not booked_by.is_staff:
            raise SlotNotOffered("Only staff can book a time agreed with the parent.")
        limits = agreed_with_parent(limits)
    slot = _check_offered(
        session,
        participant=participant,
        keyworker=keyworker,
        starts_at=starts_at,
        mode=mode,
        venue_id=venue_id,
        now=now,
        limits=limits,
    )
    queue_for_people(session, participant.id, keyworker.id)
    if clashes(session, slot=slot, participant_id=participant.id, ignore_session_id=None):
        raise _taken(session, participant=participant, slot=slot, now=now, limits=limits)
    # Checked inside the people's locks: a group place for this parent takes the same lock.
    clash = group_clash(session, slot=slot, participant_id=participant.id, keyworker=keyworker)
    if clash:
        raise _taken(
            session, participant=participant, slot=slot, now=now, limits=limits, message=clash
        )
    booking = BookedSession(
        keyworker_id=keyworker.id,
        participant_id=participant.id,
        venue_id=venue_id,
        mode=mode,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        booked_by_id=(booked_by or participant).id,
        created_at=now,
        updated_at=now,
    )
    if not guarded_change(session, lambda: session.add(booking)):
        raise _taken(session, participant=participant, slot=slot, now=now, limits=limits)
    schedule_reminder(session, booking)
    if agreed:
        audit.record(
            session,
            "session.booked_by_agreement",
            actor=booked_by,
            participant=participant,
            booking=booking.id,
        )
    return booking


def reschedule_session(
    session: Session,
    *,
    booking: BookedSession,
    starts_at: datetime,
    mode: SessionMode,
    venue_id: int | None = None,
    now: datetime | None = None,
    limits: SearchLimits = DEFAULT_LIMITS,
) -> BookedSession:
    """Move a booked session to another offered time, through the same guard as booking."""
    now = now or utcnow()
    if booking.status != SessionStatus.BOOKED or booking.starts_at <= now:
        raise SlotNotOffered("This session can't be moved now.")
    participant = session.get(User, booking.participant_id)
    keyworker = session.get(User, booking.keyworker_id)
    slot = _check_offered(
        session,
        participant=participant,
        keyworker=keyworker,
        starts_at=starts_at,
        mode=mode,
        venue_id=venue_id,
        now=now,
        limits=limits,
        ignore_session_id=booking.id,
    )
    queue_for_people(session, participant.id, keyworker.id)
    if clashes(session, slot=slot, participant_id=participant.id, ignore_session_id=booking.id):
        raise _taken(session, participant=participant, slot=slot, now=now, limits=limits)
    clash = group_clash(session, slot=slot, participant_id=participant.id, keyworker=keyworker)
    if clash:
        raise _taken(
            session, participant=participant, slot=slot, now=now, limits=limits, message=clash
        )

    def move():
        booking.starts_at, booking.ends_at = slot.starts_at, slot.ends_at
        booking.mode, booking.venue_id = mode, venue_id
        booking.sequence += 1
        booking.updated_at = now

    if not guarded_change(session, move):
        raise _taken(session, participant=participant, slot=slot, now=now, limits=limits)
    schedule_reminder(session, booking)
    return booking


def cancel_session(
    session: Session, *, booking: BookedSession, reason: str, now: datetime | None = None
) -> BookedSession:
    """Cancel a booked session, keeping the reason; its time becomes free again."""
    now = now or utcnow()
    if booking.status != SessionStatus.BOOKED:
        raise BookingProblem("This session is not booked, so it can't be cancelled.")
    booking.status = SessionStatus.CANCELLED
    booking.cancel_reason = reason
    booking.cancelled_at = now
    booking.sequence += 1
    booking.updated_at = now
    session.flush()
    return booking


def mark_attendance(
    session: Session,
    *,
    booking: BookedSession,
    attended: bool,
    now: datetime | None = None,
    by: User | None = None,
) -> BookedSession:
    """Record whether the parent came, once the session has started; a mark already made can
    be corrected for CORRECTION_DAYS after the session, and the correction is audited."""
    now = now or utcnow()
    if booking.status == SessionStatus.CANCELLED:
        raise BookingProblem("This session was cancelled.")
    if booking.starts_at > now:
        raise BookingProblem("You can mark attendance once the session has started.")
    status = SessionStatus.ATTENDED if attended else SessionStatus.DID_NOT_ATTEND
    was = booking.status
    if was == status:
        return booking
    if was != SessionStatus.BOOKED:
        if not booking.correctable(now):
            raise BookingProblem(
                f"Attendance can be corrected for {CORRECTION_DAYS} days after the session. "
                "This one is older, so it stays as it was marked."
            )
        audit.record(
            session,
            "attendance.corrected",
            actor=by,
            participant=booking.participant_id,
            booking=booking.id,
            was=was.value,
            now=status.value,
        )
    booking.status = status
    booking.updated_at = now
    session.flush()
    return booking


# Calendar feeds ----------------------------------------------------------------------------


def issue_feed_token(session: Session, user: User, now: datetime | None = None) -> str:
    """A new private calendar feed address for ``user``; any earlier one stops working."""
    revoke_feed_tokens(session, user, now)
    token = secrets.token_urlsafe(32)
    session.add(CalendarFeedToken(user_id=user.id, token_hash=hash_token(token)))
    session.flush()
    return token


def revoke_feed_tokens(session: Session, user: User, now: datetime | None = None) -> None:
    for feed in session.scalars(
        select(CalendarFeedToken).where(
            CalendarFeedToken.user_id == user.id, CalendarFeedToken.revoked_at.is_(None)
        )
    ):
        feed.revoked_at = now or utcnow()
    session.flush()


# What keyworkers and parents set up -----------------------------------------------------------


class WindowRefused(Exception):
    """A free window that would never offer a session, or one the parent has already given."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# Sessions are offered in working hours; a window wholly outside them would offer nothing.
EARLIEST_SESSION, LATEST_SESSION = time(8), time(18)


def check_free_window(
    session: Session, *, participant: User, weekday: int, starts_at: time, ends_at: time
) -> None:
    """Refuse a window that can never hold a session, saying why, and a repeat of one given."""
    same = session.scalar(
        select(FreeWindow.id).where(
            FreeWindow.participant_id == participant.id,
            FreeWindow.weekday == weekday,
            FreeWindow.starts_at == starts_at,
            FreeWindow.ends_at == ends_at,
        )
    )
    if same is not None:
        raise WindowRefused("starts_at", "You've already said you're free then.")
    keyworker_id = participant.profile.keyworker_id if participant.profile else None
    minutes = keyworker_timing(session, keyworker_id).session_minutes if keyworker_id else 60
    usable_from, usable_until = max(starts_at, EARLIEST_SESSION), min(ends_at, LATEST_SESSION)
    usable = (
        datetime.combine(date.min, usable_until) - datetime.combine(date.min, usable_from)
    ).total_seconds() / 60
    if usable < minutes:
        raise WindowRefused(
            "ends_at",
            f"A session is {minutes} minutes, between {EARLIEST_SESSION:%H:%M} and "
            f"{LATEST_SESSION:%H:%M}, so this window would never be offered one. "
            f"Give at least {minutes} minutes in those hours.",
        )


def add_free_window(
    session: Session, *, participant: User, weekday: int, starts_at: time, ends_at: time
) -> FreeWindow:
    """A weekly stretch when the parent is free: only times inside their windows are offered."""
    check_free_window(
        session, participant=participant, weekday=weekday, starts_at=starts_at, ends_at=ends_at
    )
    window = FreeWindow(
        participant_id=participant.id, weekday=weekday, starts_at=starts_at, ends_at=ends_at
    )
    session.add(window)
    session.flush()
    return window


def add_availability_rule(
    session: Session,
    *,
    keyworker: User,
    weekday: int,
    starts_at: time,
    ends_at: time,
    mode: SessionMode,
    venue_id: int | None,
    valid_from: date,
    valid_until: date | None,
) -> AvailabilityRule:
    """A weekly stretch when the keyworker can meet people, somewhere, in some way."""
    rule = AvailabilityRule(
        keyworker_id=keyworker.id,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        venue_id=venue_id,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    session.add(rule)
    session.flush()
    return rule


def add_time_off(
    session: Session, *, keyworker: User, first_day: date, last_day: date, reason: str
) -> TimeOff:
    """Whole days (in Scotland) off, first to last inclusive: no new times are offered then."""
    off = TimeOff(
        keyworker_id=keyworker.id,
        starts_at=local_moment(first_day, time(0)),
        ends_at=local_moment(last_day + timedelta(days=1), time(0)),
        reason=reason,
    )
    session.add(off)
    session.flush()
    return off


def remove_set_up(session: Session, row: FreeWindow | AvailabilityRule | TimeOff) -> None:
    """Remove a free window, availability rule or time off; sessions booked are kept."""
    session.delete(row)
    session.flush()
