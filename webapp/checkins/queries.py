"""What other areas' pages show about check-ins."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.checkins.journey import latest_checkin, latest_checkin_and_flags
from webapp.models import User


def today_panel(session: Session, parent: User) -> dict:
    """The parent's latest check-in, for their Today page."""
    return {"last": latest_checkin(session, parent.id)}


def record_panel(session: Session, participant: User) -> dict:
    """The participant's latest check-in and the flags it raises, for their record."""
    last, flags = latest_checkin_and_flags(session, participant.id)
    return {"participant": participant, "last": last, "flags": flags}
