"""How long a 6-week slot search takes at the scale DESIGN.md sets: 5 localities, 100 keyworkers,
5,000 participants and 60,000 sessions.

Builds the data in a fresh SQLite file (or in BENCH_DATABASE_URL, a PostgreSQL database whose
schema it drops and rebuilds), then times the search for one parent against their keyworker,
and against every keyworker in their locality. The last line printed is one JSON object.

    .venv/bin/python bench/slots.py
"""

from __future__ import annotations

import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402

LOCALITIES = 5
KEYWORKERS_PER_LOCALITY = 20
PARTICIPANTS = 5_000
SESSIONS = 60_000
RUNS_ONE = 200
RUNS_LOCALITY = 60


def database_url(workdir: str) -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{workdir}/bench.db"
    from webapp.config import normalise_database_url

    url = normalise_database_url(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def build(session, now: datetime, rng: random.Random):
    from webapp.demo.bookings import GLASGOW_2026_27
    from webapp.models import (
        AvailabilityRule,
        BookedSession,
        Locality,
        ParticipantProfile,
        SchoolCalendar,
        SchoolCalendarEntry,
        SessionMode,
        TimeOff,
        User,
        Venue,
    )
    from webapp.sessions.slots import local_moment

    token = secrets.token_hex(16)
    localities = []
    for n in range(LOCALITIES):
        locality = Locality(name=f"Locality {n + 1}")
        session.add(locality)
        session.flush()
        localities.append(locality.id)
        session.add(SchoolCalendar(locality_id=locality.id))
        session.add(Venue(locality_id=locality.id, name="Office", address="1 Street"))
        session.add(
            Venue(locality_id=locality.id, name="Centre", address="2 Street", has_creche=True)
        )
        for kind, name, first, last in GLASGOW_2026_27:
            session.add(
                SchoolCalendarEntry(
                    locality_id=locality.id, kind=kind, name=name, starts_on=first, ends_on=last
                )
            )
    session.flush()
    venues = {
        v.locality_id: v.id
        for v in session.scalars(select(Venue).where(Venue.has_creche.is_(False)))
    }

    def users(rows):
        session.execute(insert(User), rows)

    users(
        [
            {
                "role": "keyworker",
                "name": f"Keyworker {k}",
                "email": f"kw{k}@bench.example",
                "session_token": token,
                "locality_id": localities[k % LOCALITIES],
            }
            for k in range(LOCALITIES * KEYWORKERS_PER_LOCALITY)
        ]
    )
    keyworkers = session.execute(
        select(User.id, User.locality_id).where(User.role == "keyworker")
    ).all()
    users(
        [
            {
                "role": "participant",
                "name": f"Parent {p}",
                "email": f"p{p}@bench.example",
                "session_token": token,
                "locality_id": keyworkers[p % len(keyworkers)].locality_id,
            }
            for p in range(PARTICIPANTS)
        ]
    )
    participants = session.scalars(
        select(User.id).where(User.role == "participant").order_by(User.id)
    ).all()
    caseloads: dict[int, list[int]] = {k.id: [] for k in keyworkers}
    profiles = []
    for n, participant_id in enumerate(participants):
        keyworker_id = keyworkers[n % len(keyworkers)].id
        caseloads[keyworker_id].append(participant_id)
        profiles.append(
            {
                "user_id": participant_id,
                "keyworker_id": keyworker_id,
                "children_stages": ["primary"],
                "status": "active",
            }
        )
    session.execute(insert(ParticipantProfile), profiles)

    rules = []
    for keyworker_id, locality_id in keyworkers:
        for weekday in range(5):
            rules.append(
                {
                    "keyworker_id": keyworker_id,
                    "weekday": weekday,
                    "starts_at": time(9, 0),
                    "ends_at": time(12, 0),
                    "mode": "office",
                    "venue_id": venues[locality_id],
                    "valid_from": date(2026, 1, 1),
                }
            )
            rules.append(
                {
                    "keyworker_id": keyworker_id,
                    "weekday": weekday,
                    "starts_at": time(12, 0),
                    "ends_at": time(15, 0),
                    "mode": "phone",
                    "venue_id": None,
                    "valid_from": date(2026, 1, 1),
                }
            )
    session.execute(insert(AvailabilityRule), rules)

    # 600 sessions per keyworker over a year around now, never overlapping: three a day at
    # fixed times on weekdays, a random 600 of the 780 places.
    first_monday = (now - timedelta(weeks=26)).date()
    first_monday -= timedelta(days=first_monday.weekday())
    places = [
        (first_monday + timedelta(weeks=w, days=d), start)
        for w in range(52)
        for d in range(5)
        for start in (time(9, 30), time(11, 0), time(13, 0))
    ]
    per_keyworker = SESSIONS // len(keyworkers)
    rows = []
    for keyworker_id, _ in keyworkers:
        caseload = caseloads[keyworker_id]
        for n, (day, start) in enumerate(sorted(rng.sample(places, per_keyworker))):
            starts_at = local_moment(day, start)
            rows.append(
                {
                    "keyworker_id": keyworker_id,
                    "participant_id": caseload[n % len(caseload)],
                    "mode": SessionMode.PHONE.value,
                    "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(hours=1),
                    "status": rng.choice(["booked"] * 8 + ["cancelled", "attended"]),
                    "sequence": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    for chunk in range(0, len(rows), 5_000):
        session.execute(insert(BookedSession), rows[chunk : chunk + 5_000])
    session.execute(
        insert(TimeOff),
        [
            {
                "keyworker_id": keyworker_id,
                "starts_at": now + timedelta(days=rng.randint(2, 40)),
                "ends_at": now + timedelta(days=rng.randint(41, 44)),
                "reason": "Leave",
            }
            for keyworker_id, _ in keyworkers[::4]
        ],
    )
    session.commit()
    return keyworkers, caseloads


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="coplan-bench-")
    os.environ.setdefault("COPLAN_INSTANCE_PATH", workdir)
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.config import TestConfig
    from webapp.demo.large import settle_after_bulk_load
    from webapp.models import User
    from webapp.sessions.search import search_slots
    from webapp.web.extensions import db

    url = database_url(workdir)
    app = create_app(type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    rng = random.Random(2026)
    # A term-time Monday morning, so that the six weeks ahead hold real school days.
    now = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)
    with app.app_context():
        upgrade()
        started = clock.perf_counter()
        keyworkers, caseloads = build(db.session, now, rng)
        settle_after_bulk_load(db.session)
        print(
            f"Built {SESSIONS:,} sessions, {PARTICIPANTS:,} parents, {len(keyworkers)} keyworkers "
            f"in {clock.perf_counter() - started:.1f} s ({db.engine.dialect.name})"
        )
        by_locality: dict[int, list[int]] = {}
        for keyworker_id, locality_id in keyworkers:
            by_locality.setdefault(locality_id, []).append(keyworker_id)

        def timed(keyworker_ids, participant_id):
            participant = db.session.get(User, participant_id)
            started, cpu_started = clock.perf_counter(), clock.process_time()
            slots = search_slots(
                db.session, participant=participant, keyworker_ids=keyworker_ids, now=now
            )
            elapsed = (clock.perf_counter() - started) * 1000
            cpu.append((clock.process_time() - cpu_started) * 1000)
            db.session.rollback()
            return elapsed, len(slots)

        cpu: list[float] = []
        one, one_counts = [], []
        for _ in range(RUNS_ONE):
            keyworker_id, _locality = rng.choice(keyworkers)
            elapsed, count = timed([keyworker_id], rng.choice(caseloads[keyworker_id]))
            one.append(elapsed)
            one_counts.append(count)
        one_cpu, cpu = cpu, []
        locality, locality_counts = [], []
        for _ in range(RUNS_LOCALITY):
            keyworker_id, locality_id = rng.choice(keyworkers)
            elapsed, count = timed(by_locality[locality_id], rng.choice(caseloads[keyworker_id]))
            locality.append(elapsed)
            locality_counts.append(count)
        locality_cpu = cpu
        db.engine.dispose()

    print(
        f"One keyworker: {RUNS_ONE} searches, "
        f"median {statistics.median(one_counts):.0f} slots offered"
    )
    print(f"  median {statistics.median(one):.2f} ms, p95 {percentile(one, 0.95):.2f} ms")
    print(
        f"Locality ({KEYWORKERS_PER_LOCALITY} keyworkers): {RUNS_LOCALITY} searches, "
        f"median {statistics.median(locality_counts):.0f} slots offered"
    )
    print(f"  median {statistics.median(locality):.2f} ms, p95 {percentile(locality, 0.95):.2f} ms")
    # On a shared machine wall-clock time includes waiting for a core; CPU time does not.
    print(
        f"CPU time (this process): one keyworker median {statistics.median(one_cpu):.2f} ms, "
        f"locality median {statistics.median(locality_cpu):.2f} ms; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        json.dumps(
            {
                "one_keyworker_median_ms": round(statistics.median(one), 2),
                "one_keyworker_p95_ms": round(percentile(one, 0.95), 2),
                "locality_median_ms": round(statistics.median(locality), 2),
                "locality_p95_ms": round(percentile(locality, 0.95), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
