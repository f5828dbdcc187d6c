"""Check-ins, stored the way the sync API stores them (only flushed)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from tests.checkins.helpers import entry
from webapp.checkins.sync import merge_checkins
from webapp.models import CheckIn, User


def make_checkin(session, *, participant: User, when: datetime | None = None, **answers) -> CheckIn:
    """One check-in by a participant; ``answers`` override the entry the phone would send."""
    data = entry(when=when, **answers)
    merge_checkins(session, participant.id, [data])
    session.flush()
    return session.scalar(select(CheckIn).where(CheckIn.uuid == uuid.UUID(data["uuid"])))
