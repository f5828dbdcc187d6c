"""Demo check-ins: a few months of Aisha's journey, and a parent her keyworker should call."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.checkins.questions import CONFIDENCE_SCALES, SWEMWBS_ITEMS
from webapp.checkins.sync import merge_checkins
from webapp.models import Locality, User, utcnow

DEMO_NAMESPACE = uuid.UUID("6f0b8a4e-3c1d-4e1a-9b57-2f3c4d5e6a7b")

# Days ago; the seven SWEMWBS answers; work, money, childcare, health, skills, support; note.
AISHA = [
    (112, (2, 2, 1, 2, 2, 2, 3), (2, 2, 3, 4, 3, 3), ("Money is really tight this month.", True)),
    (98, (2, 3, 2, 2, 3, 2, 3), (2, 3, 3, 4, 3, 4), None),
    (84, (3, 3, 2, 3, 3, 3, 3), (3, 3, 5, 5, 4, 4), None),
    (70, (3, 3, 2, 3, 3, 3, 4), (3, 4, 6, 5, 5, 5), ("Nursery place sorted!", True)),
    (56, (3, 3, 2, 2, 3, 3, 3), (3, 4, 6, 4, 5, 5), ("Wee one was off sick all week.", False)),
    (42, (3, 4, 3, 3, 3, 3, 4), (4, 5, 7, 5, 5, 6), None),
    (28, (4, 4, 3, 3, 4, 3, 4), (5, 5, 7, 6, 6, 6), ("Enjoyed the CV workshop.", True)),
    (14, (4, 4, 3, 4, 4, 4, 4), (6, 6, 8, 6, 7, 7), None),
]
KIRSTY = [
    (30, (3, 4, 3, 4, 4, 3, 4), (5, 5, 6, 6, 5, 6), None),
    (3, (2, 3, 2, 3, 3, 2, 3), (4, 3, 5, 5, 4, 4), ("Could we talk this week?", True)),
]


def _batch(email: str, rows) -> list[dict]:
    now = utcnow().replace(hour=9, minute=15, second=0, microsecond=0)
    batch = []
    for days_ago, wellbeing, confidence, note in rows:
        data = {
            "uuid": str(uuid.uuid5(DEMO_NAMESPACE, f"{email}:{days_ago}")),
            "recorded_at": (now - timedelta(days=days_ago)).isoformat(),
            "note": note[0] if note else None,
            "note_shared": bool(note and note[1]),
            "contact_me": bool(note and "talk" in note[0]),
        }
        data |= {item.name: value for item, value in zip(SWEMWBS_ITEMS, wellbeing, strict=True)}
        data |= {s.name: value for s, value in zip(CONFIDENCE_SCALES, confidence, strict=True)}
        batch.append(data)
    return batch


def seed_checkins(session: Session, locality: Locality) -> None:
    """Add demo check-ins for the demo parents who have signed up."""
    for email, rows in (("parent@example.org", AISHA), ("kirsty.d@example.org", KIRSTY)):
        person = session.scalar(select(User).where(User.email == email))
        if person is not None and person.locality_id == locality.id:
            merge_checkins(session, person.id, _batch(email, rows))
