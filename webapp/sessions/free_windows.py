"""Whether a parent's free window can ever hold a session: the check made before one is kept."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import FreeWindow, User
from webapp.sessions.queries import keyworker_timing


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
