"""Handing a booked session to another keyworker, when a parent's keyworker changes: the same
time and place, now with someone else, if they are free then."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from webapp.models import BookedSession, SessionStatus, TimeOff, User
from webapp.sessions.guard import (
    clashes,
    group_clash,
    guarded_change,
    overlapping,
    queue_for_people,
)
from webapp.sessions.slots import Slot


def sessions_ahead(
    session: Session,
    now: datetime,
    *,
    participant: User | None = None,
    keyworker: User | None = None,
) -> list[BookedSession]:
    """One-to-one sessions still booked from now on, of a parent or of a keyworker, soonest
    first, with both people loaded."""
    query = (
        select(BookedSession)
        .where(BookedSession.status == SessionStatus.BOOKED, BookedSession.starts_at > now)
        .options(joinedload(BookedSession.participant), joinedload(BookedSession.keyworker))
        .order_by(BookedSession.starts_at)
    )
    if participant is not None:
        query = query.where(BookedSession.participant_id == participant.id)
    if keyworker is not None:
        query = query.where(BookedSession.keyworker_id == keyworker.id)
    return list(session.scalars(query))


def _on_time_off(session: Session, keyworker: User, booking: BookedSession) -> bool:
    return (
        session.scalar(
            select(TimeOff.id)
            .where(
                TimeOff.keyworker_id == keyworker.id,
                overlapping(TimeOff, booking.starts_at, booking.ends_at),
            )
            .limit(1)
        )
        is not None
    )


def hand_session_to(
    session: Session, *, booking: BookedSession, keyworker: User, now: datetime
) -> bool:
    """Give the session to ``keyworker`` if they are free then (no session of theirs within
    their gap, no group they lead, no time off); True when it moved. The database's guard has
    the last word, as it does for a booking."""
    queue_for_people(session, booking.participant_id, keyworker.id)
    slot = Slot(booking.starts_at, booking.ends_at, keyworker.id, booking.mode, booking.venue_id)
    if (
        _on_time_off(session, keyworker, booking)
        or clashes(
            session, slot=slot, participant_id=booking.participant_id, ignore_session_id=booking.id
        )
        or group_clash(
            session, slot=slot, participant_id=booking.participant_id, keyworker=keyworker
        )
    ):
        return False

    def hand_over():
        booking.keyworker = keyworker
        # The parent's calendar shows the new keyworker only if SEQUENCE goes up.
        booking.sequence += 1
        booking.updated_at = now

    return guarded_change(session, hand_over)
