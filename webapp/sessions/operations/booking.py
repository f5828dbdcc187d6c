"""Booking, moving and cancelling one-to-one sessions, marking attendance, the notices a
parent reads about them, and calendar feeds."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.models import (
    BookedSession,
    CalendarFeedToken,
    Notice,
    Role,
    SessionMode,
    SessionStatus,
    User,
    utcnow,
)
from webapp.models.sessions import CORRECTION_DAYS
from webapp.services import audit
from webapp.services.records import ensure_can_book
from webapp.sessions.guard import (
    AlreadyBooked,
    BookingProblem,
    SlotNotOffered,
    SlotTaken,
    already_booked,
    clashes,
    group_clash,
    guarded_change,
    queue_for_people,
)
from webapp.sessions.queries import hash_token
from webapp.sessions.reminders import schedule_reminder
from webapp.sessions.search import search_slots
from webapp.sessions.slots import (
    DEFAULT_LIMITS,
    LONDON,
    SearchLimits,
    Slot,
    agreed_with_parent,
    local_moment,
    nearest,
)
from webapp.sessions.telling import SESSION_NOTICE, tell_of_change

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
    """Book a one-to-one session, or raise ``SlotNotOffered`` or ``SlotTaken`` (or
    ``BookingProblem`` on an erased or closed record).

    ``agreed``: staff agreed the time with the parent, so it may fall outside the parent's
    usual windows and within the notice period; that choice goes to the audit log."""
    ensure_can_book(participant, BookingProblem)
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
    if same := already_booked(session, slot=slot, participant_id=participant.id):
        raise AlreadyBooked(same)
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
        if same := already_booked(session, slot=slot, participant_id=participant.id):
            raise AlreadyBooked(same)
        raise _taken(session, participant=participant, slot=slot, now=now, limits=limits)
    schedule_reminder(session, booking)
    tell_of_change(session, booking=booking, actor=booked_by, what="booked")
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
    by: User | None = None,
) -> BookedSession:
    """Move a booked session to another offered time, through the same guard as booking; the
    parent is told when someone else (``by``) moved it."""
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
    tell_of_change(session, booking=booking, actor=by, what="moved")
    return booking


def cancel_session(
    session: Session,
    *,
    booking: BookedSession,
    reason: str,
    now: datetime | None = None,
    by: User | None = None,
) -> BookedSession:
    """Cancel a booked session, keeping the reason; its time becomes free again. The parent
    is told when someone else (``by``) cancelled it."""
    now = now or utcnow()
    if booking.status != SessionStatus.BOOKED:
        raise BookingProblem("This session is not booked, so it can't be cancelled.")
    booking.status = SessionStatus.CANCELLED
    booking.cancel_reason = reason
    booking.cancelled_at = now
    booking.sequence += 1
    booking.updated_at = now
    session.flush()
    tell_of_change(session, booking=booking, actor=by, what="cancelled")
    return booking


UNDONE = "Undone straight after booking"


def undo_booking(
    session: Session, *, booking: BookedSession, by: User, now: datetime | None = None
) -> BookedSession:
    """Cancel a session its booker booked a moment ago; later, it is cancelled as any other."""
    now = now or utcnow()
    if not booking.can_undo(by, now):
        raise BookingProblem("It's too late to undo that booking. You can cancel it here.")
    return cancel_session(session, booking=booking, reason=UNDONE, now=now)


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


def dismiss_session_notices(session: Session, user: User) -> None:
    """The parent has read the notices about their sessions."""
    session.execute(
        update(Notice)
        .where(Notice.user_id == user.id, SESSION_NOTICE, Notice.read_at.is_(None))
        .values(read_at=utcnow())
    )


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
