"""What other areas' pages read about a parent's bookings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from webapp.bookings.groups import next_group_place
from webapp.clock import LONDON, utcnow
from webapp.models import BookedSession, SessionStatus, User

LABEL_LENGTH = 120  # SessionFeedback.about


def next_booked_session(session: Session, participant_id: int) -> BookedSession | None:
    """The parent's next booked one-to-one session, with its venue and keyworker."""
    return session.scalar(
        select(BookedSession)
        .where(
            BookedSession.participant_id == participant_id,
            BookedSession.status == SessionStatus.BOOKED,
            BookedSession.ends_at >= utcnow(),
        )
        .options(selectinload(BookedSession.venue), selectinload(BookedSession.keyworker))
        .order_by(BookedSession.starts_at)
        .limit(1)
    )


def today_panel(session: Session, parent: User) -> dict:
    """The parent's next session and next group session, for their Today page."""
    return {
        "upcoming": next_booked_session(session, parent.id),
        "next_group": next_group_place(session, parent),
    }


def attended_session_label(session: Session, participant: User, booking_id: int) -> str | None:
    """What the parent's feedback is about ("Session with Ewan MacLeod on Tue 1 December"),
    when the booking is a session they attended; otherwise None."""
    booked = session.scalar(
        select(BookedSession)
        .where(
            BookedSession.id == booking_id,
            BookedSession.participant_id == participant.id,
            BookedSession.status == SessionStatus.ATTENDED,
        )
        .options(joinedload(BookedSession.keyworker))
    )
    if booked is None:
        return None
    day = booked.starts_at.astimezone(LONDON)
    label = f"Session with {booked.keyworker.name} on {day:%a} {day.day} {day:%B}"
    return label[:LABEL_LENGTH]
