"""A parent signed in on a fresh database, posting outbox batches to the JSON API: the set-up
bench/sync.py (check-ins) and bench/messages.py (messages) share."""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid

from bs4 import BeautifulSoup
from flask_migrate import upgrade
from sqlalchemy import func, select

from webapp import create_app
from webapp.auth.operations import create_user
from webapp.config import TestConfig, normalise_database_url
from webapp.models import Locality, ParticipantProfile, ParticipantStatus, Role, utcnow
from webapp.web.extensions import db

PASSWORD = "bench password please"


class OutboxClient:
    """Sends batches as a phone's outbox does, and counts what the database then holds."""

    def __init__(self, api: str, key: str):
        workdir = tempfile.mkdtemp(prefix="coplan-bench-")
        os.environ["COPLAN_INSTANCE_PATH"] = workdir
        self.url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
        self.dialect = self.url.split(":")[0]
        config = type(
            "BenchConfig",
            (TestConfig,),
            {"SQLALCHEMY_DATABASE_URI": normalise_database_url(self.url)},
        )
        self.app = create_app(config)
        self.api, self.key = api, key
        self.parent_id, email = self._make_parent()
        self.client = self.app.test_client()
        self.token = self._sign_in(email)

    def _make_parent(self) -> tuple[int, str]:
        with self.app.app_context():
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
            return parent.id, email

    def _sign_in(self, email: str) -> str:
        form = BeautifulSoup(self.client.get("/sign-in").get_data(as_text=True), "html.parser")
        csrf = form.select_one("input[name=csrf_token]")["value"]
        signed_in = self.client.post(
            "/sign-in", data={"identifier": email, "password": PASSWORD, "csrf_token": csrf}
        )
        assert signed_in.status_code == 302, "could not sign in"
        page = BeautifulSoup(self.client.get("/today").get_data(as_text=True), "html.parser")
        return json.loads(page.body["hx-headers"])["X-CSRFToken"]

    def send(self, batch: list[dict]) -> tuple[float, dict]:
        """Post one batch; the seconds it took and the server's counts."""
        started = time.perf_counter()
        response = self.client.post(
            self.api,
            json={"user": self.parent_id, self.key: batch},
            headers={"X-CSRFToken": self.token},
        )
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return time.perf_counter() - started, response.json["counts"]

    def rows(self, model) -> int:
        """How many rows of ``model`` the parent has."""
        with self.app.app_context():
            return db.session.scalar(
                select(func.count())
                .select_from(model)
                .where(model.participant_id == self.parent_id)
            )
