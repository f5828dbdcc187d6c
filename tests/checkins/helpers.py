"""A complete, valid check-in to start tests from."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from webapp.checkins.questions import CONFIDENCE_SCALES, SWEMWBS_ITEMS


def answers(wellbeing: int = 3, confidence: int = 5) -> dict:
    values = {item.name: wellbeing for item in SWEMWBS_ITEMS}
    values |= {scale.name: confidence for scale in CONFIDENCE_SCALES}
    return values


def entry(*, when: datetime | None = None, **overrides) -> dict:
    """One check-in as the phone's outbox sends it."""
    when = when or datetime.now(UTC).replace(microsecond=0)
    data = {
        "uuid": str(uuid.uuid4()),
        "recorded_at": when.isoformat().replace("+00:00", "Z"),
        **answers(),
        "note": "",
        "note_shared": False,
        "contact_me": False,
    }
    return data | overrides


def form_data(**overrides) -> dict:
    """The check-in form as a phone without JavaScript posts it."""
    data = {name: str(value) for name, value in answers().items()}
    data["uuid"] = str(uuid.uuid4())
    return data | overrides
