"""The large demo dataset: DESIGN.md's scale, built quickly with bulk inserts and reproducibly
from a seed, for trying CoPlan at size and for the benchmarks.

People and the service record (notes, referrals, outcomes, stages, breaks, ideas, feedback)
are built here. Other areas declare their bulk data in their ``area.py``
(``large_demo_seeds``; the seeds themselves are in this package, e.g. ``demo/checkins.py``'s
250,000 check-ins). Each takes ``(session, context: LargeSeedContext)`` and draws its randomness
from ``context.rng("area-name")``, so that the same seed always gives the same data.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, text, update
from sqlalchemy.orm import Session

from webapp import areas
from webapp.auth.operations import new_session_token
from webapp.auth.passwords import hash_password
from webapp.demo.words import (
    FIRST_NAMES,
    IDEA_TEXTS,
    NOTE_TEXTS,
    ORGANISATIONS,
    STAFF_ONLY_TEXTS,
    SURNAMES,
)
from webapp.models import (
    ContractType,
    EngagementPause,
    Idea,
    IdeaStatus,
    Locality,
    Note,
    Outcome,
    OutcomeKind,
    ParticipantProfile,
    ParticipantStatus,
    PauseReason,
    PipelineStageChange,
    Referral,
    ReferralKind,
    ReferralStatus,
    Role,
    SchoolStage,
    SessionFeedback,
    User,
    utcnow,
)

LOCALITIES = [
    "Glasgow North East",
    "Dundee",
    "Fife",
    "North Lanarkshire",
    "Edinburgh",
]
KEYWORKERS_PER_LOCALITY = 20
PARTICIPANTS_PER_KEYWORKER = 50
CHUNK = 5000


@dataclass
class LargeSeedContext:
    """What the people part built, for the other areas' bulk seeds."""

    seed: int
    now: datetime
    locality_ids: list[int] = field(default_factory=list)
    manager_ids: dict[int, int] = field(default_factory=dict)  # locality id -> manager id
    keyworker_ids: dict[int, list[int]] = field(default_factory=dict)  # locality -> keyworkers
    # (participant id, locality id, keyworker id), in a stable order
    participants: list[tuple[int, int, int]] = field(default_factory=list)

    def rng(self, area: str) -> random.Random:
        """A generator of the area's own, so one area's changes leave the others' data alone."""
        return random.Random(f"{self.seed}:{area}")


LargeSeed = Callable[[Session, LargeSeedContext], None]


def chunks(rows: Iterable[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_insert(session: Session, model, rows: Iterable[dict]) -> int:
    """Insert rows in large batches (one statement per batch); answers how many."""
    count = 0
    for batch in chunks(rows):
        session.execute(insert(model), batch)
        count += len(batch)
    return count


def insert_returning_ids(session: Session, model, rows: list[dict]) -> list[int]:
    ids: list[int] = []
    for batch in chunks(rows):
        ids.extend(
            session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), batch)
        )
    return ids


def seed_large(
    session: Session,
    *,
    seed: int = 2026,
    echo: Callable[[str], None] = lambda _: None,
    keyworkers_per_locality: int = KEYWORKERS_PER_LOCALITY,
    participants_per_keyworker: int = PARTICIPANTS_PER_KEYWORKER,
) -> LargeSeedContext:
    """Build the large dataset in an empty database. Flushes; the caller commits.

    The sizes can be made smaller for tests; the defaults are DESIGN.md's scale."""
    started = time.perf_counter()
    context = LargeSeedContext(seed=seed, now=utcnow().replace(microsecond=0))
    seed_people(session, context, keyworkers_per_locality, participants_per_keyworker)
    elapsed = time.perf_counter() - started
    echo(f"  people: {len(context.participants):,} participants ({elapsed:.1f}s)")
    counts = seed_record(session, context)
    echo(
        "  service record: "
        + ", ".join(f"{n:,} {name}" for name, n in counts.items())
        + f" ({time.perf_counter() - started:.1f}s)"
    )
    for area_seed in areas.current().large_demo_seeds:
        area_seed(session, context)
        echo(f"  {area_seed.__name__} ({time.perf_counter() - started:.1f}s)")
    return context


def settle_after_bulk_load(session: Session) -> None:
    """On PostgreSQL, VACUUM ANALYZE the committed seed, as autovacuum would do soon after.

    Fresh statistics plan the first pages for tables of this size. And until a vacuum fills the
    visibility map, index-only scans visit every heap page and the planner picks parallel plans
    for caseload queries, whose workers take longer to start (about 6 ms) than the query runs.
    """
    engine = session.get_bind().engine
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))


def seed_people(
    session: Session, context: LargeSeedContext, keyworkers: int, participants_each: int
) -> None:
    rng = context.rng("people")
    # One hash for every demo account: hashing 5,000 passwords would take minutes.
    password_hash = hash_password("coplan-demo")
    now = context.now
    context.locality_ids = insert_returning_ids(
        session, Locality, [{"name": name, "created_at": now} for name in LOCALITIES]
    )

    def account(role: Role, name: str, email: str, locality_id: int, joined: datetime) -> dict:
        return {
            "role": role,
            "name": name,
            "email": email,
            "password_hash": password_hash,
            "session_token": new_session_token(),
            "locality_id": locality_id,
            "is_active": True,
            "created_at": joined,
        }

    staff_rows = []
    for n, locality_id in enumerate(context.locality_ids):
        email = "manager@example.org" if n == 0 else f"manager{n + 1}@example.org"
        staff_rows.append(
            account(Role.MANAGER, f"Manager {LOCALITIES[n]}", email, locality_id, now)
        )
        for k in range(keyworkers):
            number = n * keyworkers + k + 1
            email = "keyworker@example.org" if number == 1 else f"keyworker{number}@example.org"
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            staff_rows.append(account(Role.KEYWORKER, name, email, locality_id, now))
    staff_ids = insert_returning_ids(session, User, staff_rows)
    per_locality = keyworkers + 1
    for n, locality_id in enumerate(context.locality_ids):
        block = staff_ids[n * per_locality : (n + 1) * per_locality]
        context.manager_ids[locality_id] = block[0]
        context.keyworker_ids[locality_id] = block[1:]

    people_rows, links = [], []
    for locality_id in context.locality_ids:
        for keyworker_id in context.keyworker_ids[locality_id]:
            for _ in range(participants_each):
                number = len(people_rows) + 1
                email = "parent@example.org" if number == 1 else f"parent{number}@example.org"
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
                joined = now - timedelta(days=rng.randint(30, 540))
                people_rows.append(account(Role.PARTICIPANT, name, email, locality_id, joined))
                links.append((locality_id, keyworker_id, joined))
    ids = insert_returning_ids(session, User, people_rows)
    stages = list(SchoolStage)
    profiles = []
    for pid, (locality_id, keyworker_id, joined) in zip(ids, links, strict=True):
        context.participants.append((pid, locality_id, keyworker_id))
        profiles.append(
            {
                "user_id": pid,
                "keyworker_id": keyworker_id,
                "children_stages": [s.value for s in rng.sample(stages, rng.randint(1, 2))],
                "status": ParticipantStatus.ACTIVE,
                "consent_version": "2026-11",
                "consented_at": joined,
            }
        )
    bulk_insert(session, ParticipantProfile, profiles)


def seed_record(session: Session, context: LargeSeedContext) -> dict[str, int]:
    rng = context.rng("record")
    now = context.now
    notes, referrals, outcomes, stages, pauses, paused_ids = [], [], [], [], [], []
    outcome_kinds = list(OutcomeKind)
    contracts = list(ContractType)
    for pid, _locality_id, keyworker_id in context.participants:
        # Most people were in touch recently; some have gone quiet.
        last_days = rng.choice([0, 1, 2, 3, 5, 7, 9, 12, 14, 18, 25, 35])
        for n in range(rng.randint(4, 12)):
            staff_only = rng.random() < 0.15
            text = rng.choice(STAFF_ONLY_TEXTS if staff_only else NOTE_TEXTS)
            notes.append(
                {
                    "participant_id": pid,
                    "author_id": keyworker_id,
                    "body": text,
                    "staff_only": staff_only,
                    "asks_for_contact": False,
                    "created_at": now - timedelta(days=last_days + n * rng.randint(3, 14)),
                }
            )
        if rng.random() < 0.03:
            notes.append(
                {
                    "participant_id": pid,
                    "author_id": pid,
                    "body": "Can you give me a call when you get a minute?",
                    "staff_only": False,
                    "asks_for_contact": True,
                    "created_at": now - timedelta(hours=rng.randint(1, 48)),
                }
            )
        if rng.random() < 0.5:
            kind = rng.choice(list(ReferralKind))
            made = now - timedelta(days=rng.randint(1, 300))
            referrals.append(
                {
                    "participant_id": pid,
                    "made_by_id": keyworker_id,
                    "kind": kind,
                    "organisation": ORGANISATIONS[kind],
                    "status": rng.choice(list(ReferralStatus)),
                    "made_on": made.date(),
                    "created_at": made,
                    "updated_at": made,
                }
            )
        stage, previous = 1, None
        moment = now - timedelta(days=rng.randint(120, 500))
        while True:
            stages.append(
                {
                    "participant_id": pid,
                    "from_stage": previous,
                    "stage": stage,
                    "changed_at": moment,
                    "changed_by_id": keyworker_id,
                }
            )
            moment += timedelta(days=rng.randint(20, 120))
            if stage == 5 or moment > now or rng.random() < 0.35:
                break
            previous, stage = stage, stage + 1
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            kind = rng.choice(outcome_kinds)
            in_work = kind in (OutcomeKind.ENTERED_WORK, OutcomeKind.IN_WORK_PROGRESSION)
            achieved = now - timedelta(days=rng.randint(1, 400))
            outcomes.append(
                {
                    "participant_id": pid,
                    "kind": kind,
                    "achieved_on": achieved.date(),
                    "hours_per_week": rng.choice([10, 16, 16, 20, 25, 30, 35]) if in_work else None,
                    "contract_type": rng.choice(contracts) if in_work else None,
                    "detail": None,
                    "recorded_by_id": keyworker_id,
                    "recorded_at": achieved + timedelta(hours=rng.randint(1, 72)),
                }
            )
        if rng.random() < 0.05:
            paused_ids.append(pid)
            pauses.append(
                {
                    "participant_id": pid,
                    "reason": rng.choice(list(PauseReason)),
                    "paused_at": now - timedelta(days=rng.randint(1, 40)),
                    "paused_by_id": pid,
                }
            )
    counts = {
        "notes": bulk_insert(session, Note, notes),
        "referrals": bulk_insert(session, Referral, referrals),
        "outcomes": bulk_insert(session, Outcome, outcomes),
        "stage changes": bulk_insert(session, PipelineStageChange, stages),
        "breaks": bulk_insert(session, EngagementPause, pauses),
    }
    if paused_ids:
        session.execute(
            update(ParticipantProfile)
            .where(ParticipantProfile.user_id.in_(paused_ids))
            .values(status=ParticipantStatus.PAUSED)
        )
    ideas, feedback = [], []
    by_locality: dict[int, list[int]] = {}
    for pid, locality_id, _ in context.participants:
        by_locality.setdefault(locality_id, []).append(pid)
    for locality_id, pids in by_locality.items():
        for n in range(20):
            answered = n % 2 == 0
            created = now - timedelta(days=rng.randint(1, 200))
            ideas.append(
                {
                    "locality_id": locality_id,
                    "author_id": rng.choice(pids),
                    "body": rng.choice(IDEA_TEXTS),
                    "created_at": created,
                    "status": IdeaStatus.DONE if answered else IdeaStatus.NEW,
                    "answer": "We changed this from next term." if answered else None,
                    "answered_by_id": context.manager_ids[locality_id] if answered else None,
                    "answered_at": created + timedelta(days=7) if answered else None,
                }
            )
        for _ in range(400):
            feedback.append(
                {
                    "locality_id": locality_id,
                    "participant_id": rng.choice(pids),
                    "booking_id": None,
                    "about": None,
                    "helpful": rng.random() < 0.85,
                    "comment": None,
                    "created_at": now - timedelta(days=rng.randint(1, 180)),
                }
            )
    counts["ideas"] = bulk_insert(session, Idea, ideas)
    counts["feedback answers"] = bulk_insert(session, SessionFeedback, feedback)
    return counts
