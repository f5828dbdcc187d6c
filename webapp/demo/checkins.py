"""Demo check-ins: a few months of Aisha's journey, and a parent her keyworker should call; and
the large demo's check-ins."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.checkins.questions import CONFIDENCE_SCALES, SWEMWBS_ITEMS
from webapp.checkins.scoring import metric_table
from webapp.checkins.sync import merge_checkins
from webapp.demo.large import LargeSeedContext, bulk_insert
from webapp.models import CheckIn, Locality, User, utcnow
from webapp.models.checkins import CONFIDENCE_COLUMNS, SWEMWBS_COLUMNS

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


LARGE_CHECKINS = 250_000  # at DESIGN.md's scale of 5,000 parents
FULL_SCALE_PARTICIPANTS = 5_000


def seed_large_checkins(session: Session, context: LargeSeedContext) -> None:
    """250,000 check-ins at full scale (in proportion for fewer people), about fortnightly."""
    rng = context.rng("checkins")
    people = context.participants
    if not people:
        return
    total = LARGE_CHECKINS * len(people) // FULL_SCALE_PARTICIPANTS
    metric = {raw: float(score) for raw, score in metric_table().items()}

    def rows():
        for n, (pid, _locality, _keyworker) in enumerate(people):
            count = total // len(people) + (n < total % len(people))
            level = rng.randint(2, 4)  # where this parent's answers start, on 1 to 5
            confidence = rng.randint(2, 7)
            moment = context.now - timedelta(days=14 * count + rng.randint(0, 13))
            for _ in range(count):
                moment += timedelta(days=14, hours=rng.randint(-30, 30))
                moment = min(moment, context.now - timedelta(minutes=1))
                if rng.random() < 0.3:
                    level = min(5, max(1, level + rng.choice([-1, 1, 1])))
                    confidence = min(10, max(1, confidence + rng.choice([-1, 1, 1])))
                answers = {
                    c: min(5, max(1, level + rng.choice([-1, 0, 0, 1]))) for c in SWEMWBS_COLUMNS
                }
                raw = sum(answers.values())
                note = rng.random() < 0.1
                yield {
                    "uuid": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "participant_id": pid,
                    "recorded_at": moment,
                    "received_at": moment + timedelta(seconds=rng.randint(1, 600)),
                    **answers,
                    "swemwbs_raw": raw,
                    "swemwbs_metric": metric[raw],
                    **{
                        c: min(10, max(1, confidence + rng.choice([-1, 0, 1])))
                        for c in CONFIDENCE_COLUMNS
                    },
                    "note": "Busy fortnight with the kids." if note else None,
                    "note_shared": note and rng.random() < 0.5,
                    "contact_me": rng.random() < 0.01,
                }

    bulk_insert(session, CheckIn, rows())
