"""How fast the plan page and the keyworker's "steps due" page answer, and in how many queries.

Builds a throwaway SQLite database (or uses BENCH_DATABASE_URL), seeds plans of 3 and 60 goals
and a caseload of 40 parents with 10 goals each, then times the pages through the test client.
Run with `make bench`."""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

from webapp import create_app
from webapp.auth.operations import create_user
from webapp.config import TestConfig
from webapp.models import Area, Locality, ParticipantProfile, ParticipantStatus, Role, StepOwner
from webapp.plans import operations as ops
from webapp.plans.history import london_today
from webapp.web.extensions import db

PASSWORD = "bench password 1"
RUNS = 30


def build_app(folder: Path):
    os.environ["COPLAN_INSTANCE_PATH"] = str(folder / "instance")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}"
    app = create_app(
        type(
            "BenchConfig",
            (TestConfig,),
            {"SQLALCHEMY_DATABASE_URI": url},
        )
    )
    with app.app_context():
        upgrade()
    return app


def seed(session):
    locality = Locality(name="Bench")
    session.add(locality)
    session.flush()
    keyworker = create_user(
        session,
        role=Role.KEYWORKER,
        name="Ewan MacLeod",
        email="kw@example.org",
        password=PASSWORD,
        locality_id=locality.id,
    )
    parents = []
    for n in range(42):
        parent = create_user(
            session,
            role=Role.PARTICIPANT,
            name=f"Parent {n}",
            email=f"p{n}@example.org",
            password=PASSWORD,
            locality_id=locality.id,
        )
        parent.profile = ParticipantProfile(keyworker=keyworker, status=ParticipantStatus.ACTIVE)
        parents.append(parent)
    session.flush()
    today = london_today()
    sizes = [3, 60] + [10] * 40
    for parent, size in zip(parents, sizes, strict=True):
        plan = ops.plan_for(session, parent)
        for g in range(size):
            goal = ops.add_goal(
                session, plan=plan, actor=parent, title=f"Goal {g}", area=Area.OTHER
            )
            for s in range(3):
                ops.add_step(
                    session,
                    goal=goal,
                    actor=keyworker,
                    text=f"Step {s}",
                    owner=StepOwner.TOGETHER,
                    due_on=today + timedelta(days=(g + s) % 14 - 3),
                )
            ops.add_comment(session, goal=goal, actor=keyworker, body="Well done")
    session.commit()
    return keyworker, parents


def measure(app, client, path):
    statements = []

    def count(*args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    timings = []
    for _ in range(RUNS):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(statements)


def main():
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        with app.app_context():
            keyworker, parents = seed(db.session)
            ids = [p.id for p in parents]
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
        client.post(
            "/sign-in",
            data={"identifier": "kw@example.org", "password": PASSWORD, "csrf_token": token},
        )
        print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for label, path in [
            ("plan, 3 goals (9 steps)", f"/people/{ids[0]}/plan"),
            ("plan, 60 goals (180 steps)", f"/people/{ids[1]}/plan"),
            ("steps due, caseload of 42 (1,263 goals)", "/steps-due"),
        ]:
            median, p95, queries = measure(app, client, path)
            print(f"{label:<40} {median:>10.1f} {p95:>8.1f} {queries:>8}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
