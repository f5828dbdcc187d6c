"""How long the server takes to accept 1,000 messages a parent wrote offline, sent from the
phone's outbox in one batch and again as the outbox sends them (batches of 100), and proof that
sending them again adds nothing. Runs on a fresh SQLite database (or BENCH_DATABASE_URL).

    .venv/bin/python bench/messages.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bs4 import BeautifulSoup  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.auth.operations import create_user  # noqa: E402
from webapp.config import TestConfig, normalise_database_url  # noqa: E402
from webapp.models import (  # noqa: E402
    Locality,
    Message,
    ParticipantProfile,
    ParticipantStatus,
    Role,
    utcnow,
)
from webapp.web.extensions import db  # noqa: E402

COUNT = 1000
TARGET_S = 2.0
PASSWORD = "bench password please"


def queued_messages(count: int) -> list[dict]:
    """What a phone's outbox would hold after a long time with no signal."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
    return [
        {
            "uuid": str(uuid.uuid4()),
            "recorded_at": (start + timedelta(minutes=20 * n)).isoformat().replace("+00:00", "Z"),
            "body": f"Message {n}: can we move Thursday's session? The school has an inset day.",
        }
        for n in range(count)
    ]


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="coplan-bench-")
    os.environ["COPLAN_INSTANCE_PATH"] = workdir
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
    config = type(
        "BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": normalise_database_url(url)}
    )
    app = create_app(config)
    with app.app_context():
        upgrade()
        locality = Locality(name=f"Bench {uuid.uuid4().hex[:8]}")
        db.session.add(locality)
        db.session.flush()
        email = f"bench-{uuid.uuid4().hex[:8]}@example.org"
        parent = create_user(
            db.session,
            role=Role.PARTICIPANT,
            name="Bench Parent",
            email=email,
            password=PASSWORD,
            locality_id=locality.id,
        )
        parent.profile = ParticipantProfile(
            status=ParticipantStatus.ACTIVE, consent_version="2026-11", consented_at=utcnow()
        )
        db.session.commit()
        parent_id = parent.id

    client = app.test_client()
    form = BeautifulSoup(client.get("/sign-in").get_data(as_text=True), "html.parser")
    csrf = form.select_one("input[name=csrf_token]")["value"]
    signed_in = client.post(
        "/sign-in", data={"identifier": email, "password": PASSWORD, "csrf_token": csrf}
    )
    assert signed_in.status_code == 302, "could not sign in"
    page = BeautifulSoup(client.get("/messages").get_data(as_text=True), "html.parser")
    token = json.loads(page.body["hx-headers"])["X-CSRFToken"]

    def send(batch):
        started = time.perf_counter()
        response = client.post(
            "/api/v1/messages",
            json={"user": parent_id, "messages": batch},
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return time.perf_counter() - started, response.json["counts"]

    def rows() -> int:
        with app.app_context():
            return db.session.scalar(
                select(func.count()).select_from(Message).where(Message.participant_id == parent_id)
            )

    dialect = url.split(":")[0]
    batch = queued_messages(COUNT)
    accept_s, counts = send(batch)
    print(
        f"{dialect}: accepted {counts.get('stored', 0)} messages in one batch in {accept_s:.3f} s"
    )
    before = rows()
    replay_s, replay_counts = send(batch)
    replay_added = rows() - before
    print(f"replay of the same {COUNT}: {replay_counts} in {replay_s:.3f} s, {replay_added} added")
    chunked = queued_messages(COUNT)
    started = time.perf_counter()
    for offset in range(0, COUNT, 100):
        send(chunked[offset : offset + 100])
    chunked_s = time.perf_counter() - started
    print(f"another {COUNT} in batches of 100, as the outbox sends: {chunked_s:.3f} s")
    print(
        json.dumps(
            {
                "accept_1000_s": round(accept_s, 3),
                "batches_of_100_s": round(chunked_s, 3),
                "replay_added": replay_added,
                "under_2_s": accept_s < TARGET_S and chunked_s < TARGET_S,
            }
        )
    )


if __name__ == "__main__":
    main()
