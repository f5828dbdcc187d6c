"""What a page about a session answers once the session is no longer booked."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from webapp import clock
from webapp.models import BookedSession, Role
from webapp.web.errors import gone


def session_gone(booked: BookedSession):
    """Back to a session that is no longer booked: what became of it, not "Page not found"."""
    day = clock.day_and_time(booked.starts_at, "long_day", " at ")
    if booked.is_cancelled:
        title = "This session was cancelled"
        on = clock.show(booked.cancelled_at or booked.updated_at, "date")
        lines = [f"The session on {day} was cancelled on {on}."]
        if booked.cancel_reason:
            lines.append(f"The reason given: {booked.cancel_reason}")
    else:
        title = "This session has already happened"
        lines = [f"The session on {day} is marked: {booked.status.label.lower()}."]
    if current_user.role == Role.PARTICIPANT:
        links = [
            ("See your sessions", url_for("sessions.my_sessions")),
            ("Book another session", url_for("sessions.find_time")),
        ]
    else:
        links = [("Back to the diary", url_for("sessions.diary"))]
    return gone(title, lines, links)
