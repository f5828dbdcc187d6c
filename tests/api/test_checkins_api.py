"""POST /api/v1/checkins: idempotent by UUID, answers per entry, never a 500."""

from __future__ import annotations

import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.checkins.helpers import entry
from tests.pages import PageClient
from webapp.models import CheckIn


@pytest.fixture
def api(app, make):
    """A signed-in parent's client that posts batches with the page's CSRF token."""

    class Api:
        def __init__(self):
            self.parent = make.participant(locality=make.locality())
            self.client = self.new_client(self.parent)

        def new_client(self, user):
            client = app.test_client()
            pages = PageClient(client, app)
            pages.sign_in(user)
            client.csrf = pages.csrf_token()
            return client

        def send(self, batch, client=None, **payload):
            client = client or self.client
            return client.post(
                "/api/v1/checkins",
                json={"checkins": batch, **payload},
                headers={"X-CSRFToken": client.csrf},
            )

    return Api()


def rows(session) -> int:
    return session.scalar(select(func.count()).select_from(CheckIn))


def statuses(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [result["status"] for result in response.json["results"]]


def test_a_batch_is_stored_and_answered_per_entry(api, session):
    batch = [entry(), entry(note="Good week", note_shared=True, contact_me=True)]
    response = api.send(batch)
    assert statuses(response) == ["stored", "stored"]
    assert [r["uuid"] for r in response.json["results"]] == [e["uuid"] for e in batch]
    assert [r["code"] for r in response.json["results"]] == [201, 201]
    assert response.json["counts"] == {"stored": 2}
    by_uuid = {str(c.uuid): c for c in session.scalars(select(CheckIn))}
    stored = [by_uuid[e["uuid"]] for e in batch]
    assert stored[1].note == "Good week" and stored[1].note_shared and stored[1].contact_me
    assert stored[0].recorded_at.isoformat().replace("+00:00", "Z") == batch[0]["recorded_at"]
    assert stored[0].received_at >= stored[0].recorded_at


def test_the_same_entry_sent_five_times_is_stored_once(api, session):
    one = entry()
    assert statuses(api.send([one])) == ["stored"]
    for _ in range(4):
        assert statuses(api.send([one])) == ["already_had"]
    assert statuses(api.send([one, one])) == ["already_had", "already_had"]
    assert rows(session) == 1


def test_repeats_within_one_batch_are_stored_once(api, session):
    one = entry()
    changed = one | {"relaxed": 1}
    assert statuses(api.send([one, one, changed])) == ["stored", "already_had", "conflict"]
    assert rows(session) == 1


def test_the_same_uuid_with_different_content_is_a_conflict_and_changes_nothing(api, session):
    original = entry(optimistic=2)
    api.send([original])
    changed = original | {"optimistic": 5, "note": "edited"}
    response = api.send([changed, entry()])
    assert statuses(response) == ["conflict", "stored"]
    assert response.json["results"][0]["code"] == 409
    assert "not changed" in response.json["results"][0]["reason"]
    stored = session.scalar(select(CheckIn).where(CheckIn.uuid == uuid.UUID(original["uuid"])))
    assert (stored.optimistic, stored.note) == (2, None)


def test_a_different_recorded_time_is_a_conflict_too(api, session):
    original = entry()
    api.send([original])
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
    assert statuses(api.send([original | {"recorded_at": later.isoformat()}])) == ["conflict"]


def test_another_persons_uuid_cannot_be_overwritten(api, make, session):
    theirs = entry(optimistic=1)
    api.send([theirs])
    intruder = make.participant(locality=make.locality())
    other_client = api.new_client(intruder)
    # Even exactly the same content: it is not theirs to claim.
    response = api.send([theirs, theirs | {"optimistic": 5}], client=other_client)
    assert statuses(response) == ["conflict", "conflict"]
    assert "optimistic" not in str(response.json)
    stored = session.scalars(select(CheckIn)).one()
    assert (stored.participant_id, stored.optimistic) == (api.parent.id, 1)


def test_invalid_entries_are_named_and_the_valid_ones_stored(api, session):
    good = [entry(), entry()]
    missing = entry()
    del missing["thinking"]
    batch = [
        good[0],
        missing,
        entry(confidence_money=11),
        entry(uuid="not-a-uuid"),
        entry(recorded_at="yesterday"),
        entry(recorded_at="2026-11-28T10:00:00"),
        entry(recorded_at=(datetime.now(UTC) + timedelta(days=3)).isoformat()),
        entry(note_shared="yes"),
        entry(note="x" * 2001),
        "not an object",
        good[1],
    ]
    response = api.send(batch)
    assert statuses(response) == ["stored"] + ["rejected"] * 9 + ["stored"]
    results = response.json["results"]
    assert results[1]["uuid"] == missing["uuid"]
    assert list(results[1]["errors"]) == ["thinking"]
    assert "thinking" in results[1]["reason"]
    assert list(results[2]["errors"]) == ["confidence_money"]
    assert results[3]["uuid"] == "not-a-uuid" and "UUID" in results[3]["reason"]
    assert "read" in results[4]["errors"]["recorded_at"]
    assert "time zone" in results[5]["errors"]["recorded_at"]
    assert "future" in results[6]["errors"]["recorded_at"]
    assert list(results[7]["errors"]) == ["note_shared"]
    assert list(results[8]["errors"]) == ["note"]
    assert results[9]["uuid"] is None and results[9]["code"] == 422
    assert {str(c) for c in session.scalars(select(CheckIn.uuid))} == {g["uuid"] for g in good}


def test_a_note_that_is_not_there_is_not_shared(api, session):
    api.send([entry(note="   ", note_shared=True)])
    stored = session.scalars(select(CheckIn)).one()
    assert (stored.note, stored.note_shared) == (None, False)


def test_scores_are_worked_out_by_the_server(api, session):
    api.send([entry(swemwbs_raw=35, swemwbs_metric=35.0)])
    stored = session.scalars(select(CheckIn)).one()
    assert (stored.swemwbs_raw, stored.swemwbs_metric) == (21, 19.25)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("not json", "application/json"),
        ("[]", "application/json"),
        ('{"checkins": {}}', "application/json"),
        ('{"something": []}', "application/json"),
        ("checkins=1", "application/x-www-form-urlencoded"),
    ],
)
def test_a_malformed_batch_answers_400_json(api, body, content_type):
    response = api.client.post(
        "/api/v1/checkins",
        data=body,
        content_type=content_type,
        headers={"X-CSRFToken": api.client.csrf},
    )
    assert response.status_code == 400
    assert response.is_json and "Nothing was stored" in response.json["message"]


def test_a_batch_for_someone_else_is_refused_whole(api, session):
    response = api.send([entry()], user=api.parent.id + 1000)
    assert response.status_code == 409 and response.json["error"] == "wrong_user"
    assert rows(session) == 0
    assert statuses(api.send([entry()], user=api.parent.id)) == ["stored"]


def test_too_big_a_batch_is_refused_whole(api, session):
    response = api.send([entry() for _ in range(1001)])
    assert response.status_code == 413 and response.is_json
    assert rows(session) == 0


def test_unauthenticated_answers_401_json(client):
    response = client.post("/api/v1/checkins", json={"checkins": [entry()]})
    assert response.status_code == 401
    assert response.is_json and response.json["error"] == "unauthorised"


def test_a_missing_csrf_token_answers_400_json(api, session):
    response = api.client.post("/api/v1/checkins", json={"checkins": [entry()]})
    assert response.status_code == 400 and response.is_json
    assert rows(session) == 0


def test_staff_cannot_post_check_ins(api, make):
    staff = api.new_client(make.keyworker(locality=make.locality()))
    response = api.send([entry()], client=staff)
    assert response.status_code == 403 and response.is_json


def test_other_methods_answer_json(api):
    response = api.client.get("/api/v1/checkins")
    assert response.status_code == 405 and response.is_json


def test_a_thousand_sent_three_times_shuffled_and_at_once_are_stored_once(api, session):
    now = datetime.now(UTC).replace(microsecond=0)
    batch = [entry(when=now - timedelta(minutes=n)) for n in range(1000)]
    clients = [api.client, api.new_client(api.parent), api.new_client(api.parent)]
    copies = []
    for seed in range(3):
        shuffled = batch[:]
        random.Random(seed).shuffle(shuffled)
        copies.append(shuffled)

    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(api.send, copies, clients))

    assert [r.status_code for r in responses] == [200, 200, 200]
    counts = [r.json["counts"] for r in responses]
    assert sum(c.get("stored", 0) for c in counts) == 1000
    assert sum(c.get("already_had", 0) for c in counts) == 2000
    assert all(set(c) <= {"stored", "already_had"} for c in counts)
    assert rows(session) == 1000
    assert {str(u) for u in session.scalars(select(CheckIn.uuid))} == {e["uuid"] for e in batch}


def test_the_api_has_a_rate_limit_answered_in_json(another_app, make):
    from tests.pages import PageClient

    limited = another_app(API_RATE_LIMIT="3 per minute")
    pages = PageClient(limited.test_client(), limited)
    pages.sign_in(make.participant(locality=make.locality()))
    token = pages.csrf_token()
    statuses = [
        pages.client.post(
            "/api/v1/checkins", json={"checkins": []}, headers={"X-CSRFToken": token}
        ).status_code
        for _ in range(4)
    ]
    assert 429 not in statuses[:3] and statuses[3] == 429
    answer = pages.client.post(
        "/api/v1/checkins", json={"checkins": []}, headers={"X-CSRFToken": token}
    )
    assert answer.is_json


def test_a_check_in_note_never_reaches_the_logs(pages, make, caplog):
    import logging

    pages.sign_in(make.participant(locality=make.locality()))
    secret = "my ex turned up at the school gate again"
    entry = {"uuid": "6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5", "recorded_at": "2026-11-27T09:00:00Z"}
    entry.update(
        dict.fromkeys(
            ["optimistic", "useful", "relaxed", "problems", "thinking", "close", "own_mind"], 3
        )
    )
    entry.update(
        {
            f"confidence_{n}": 5
            for n in ("work", "money", "childcare", "health", "skills", "support")
        }
    )
    with caplog.at_level(logging.DEBUG):
        pages.client.post(
            "/api/v1/checkins",
            json={"checkins": [{**entry, "note": secret}, {"uuid": "bad", "note": secret}]},
            headers={"X-CSRFToken": pages.csrf_token()},
        )
    assert caplog.records
    assert all(secret not in record.getMessage() for record in caplog.records)
    assert secret not in caplog.text
