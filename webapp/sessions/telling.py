"""Telling a parent when staff book, move or cancel their session: a notice on their Today
page, and a message by the channels they chose for reminders (``contact.telling``)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from sqlalchemy.orm import Session

from webapp import clock
from webapp.contact.telling import tell_parent
from webapp.models import BookedSession, Notice, User

# Notices with no plan are about sessions (the plan's notices always name their plan).
SESSION_NOTICE = Notice.plan_id.is_(None)

WHAT = {
    "booked": "{actor} booked a session for you: {when}",
    "moved": "{actor} moved your session to {when}",
    "cancelled": "{actor} cancelled your session on {when}",
}


def sessions_link() -> str:
    """The parent's sessions page, in full: the request's host, else BASE_URL (a job)."""
    if has_request_context():
        return url_for("sessions.my_sessions", _external=True)
    with current_app.test_request_context(base_url=current_app.config.get("BASE_URL") or None):
        return url_for("sessions.my_sessions", _external=True)


def tell_of_change(session: Session, *, booking: BookedSession, actor: User | None, what: str):
    """When someone other than the parent booked, moved or cancelled the session, tell them."""
    participant = session.get(User, booking.participant_id)
    if actor is None or actor.id == participant.id:
        return
    when = clock.day_and_time(booking.starts_at, "long_day", " at ")
    message = WHAT[what].format(actor=actor.name, when=when)
    session.add(Notice(user_id=participant.id, actor_id=actor.id, plan_id=None, message=message))
    session.flush()
    link = sessions_link()
    reason = f" The reason given: {booking.cancel_reason}" if what == "cancelled" else ""
    tell_parent(
        session,
        participant,
        "reminders",
        subject="Your CoPlan session has changed",
        words=f"{message}.{reason}",
        link=link,
        reference=f"session-{booking.id}-{booking.sequence}",
    )
