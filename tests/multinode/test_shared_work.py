"""Bookings, reminders and check-ins stay right with two app nodes working at once."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock_time

import pytest
import requests
from sqlalchemy import func, select

from tests.multinode.test_two_nodes import csrf_token, sign_in
from tests.notify_service import running_notify
from tests.sessions.conftest import world  # noqa: F401 -- a locality set up for booking
from webapp.clock import LONDON, london_today
from webapp.models import BookedSession, CheckIn, OutboxMail, Reminder, SessionMode, utcnow
from webapp.sessions.reminders import schedule_reminder
from webapp.sessions.search import search_slots


def signed_in_cookies(base, user) -> tuple[dict, str]:
    with requests.Session() as browser:
        assert sign_in(browser, base, user.email).status_code == 302
        token = csrf_token(browser, base)
        return browser.cookies.get_dict(), token


def test_200_bookings_split_across_two_nodes_make_exactly_one(cluster, world, session):  # noqa: F811
    base = cluster["url"]
    keyworker = world.keyworker()
    parents = world.participants(20, keyworker=keyworker, password=True)
    slot = search_slots(session, participant=parents[0], keyworker_ids=[keyworker.id])[0]
    session.commit()
    identities = [signed_in_cookies(base, parent) for parent in parents]
    form = {
        "starts_at": slot.starts_at.isoformat(),
        "mode": slot.mode.value,
        "venue_id": str(slot.venue_id or ""),
    }

    def attempt(n: int) -> tuple[int, str]:
        cookies, token = identities[n % len(identities)]
        with requests.Session() as browser:
            browser.cookies.update(cookies)
            response = browser.post(
                f"{base}/sessions/book", data={**form, "csrf_token": token}, allow_redirects=False
            )
            return response.status_code, response.headers.get("X-Node", ""), n % len(identities)

    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(attempt, range(200)))
    statuses = [status for status, _, _ in answers]
    assert not [s for s in statuses if s >= 500], statuses
    # One parent got the time; their own later tries are told "You've already booked this"
    # and sent to it (a redirect too). Everyone else was refused.
    assert len({parent for status, _, parent in answers if status == 302}) == 1
    assert {node for _, node, _ in answers} == {"A", "B"}
    booked = session.scalar(
        select(func.count())
        .select_from(BookedSession)
        .where(BookedSession.keyworker_id == keyworker.id)
    )
    assert booked == 1


def test_send_reminders_on_both_nodes_at_once_sends_each_once(cluster, world, session):  # noqa: F811
    keyworker = world.keyworker()
    parents = world.participants(30, keyworker=keyworker)
    soon = utcnow() + timedelta(hours=20)
    for n, parent in enumerate(parents):
        booking = BookedSession(
            keyworker_id=keyworker.id,
            participant_id=parent.id,
            mode=SessionMode.PHONE,
            starts_at=soon + timedelta(minutes=30 * n),
            ends_at=soon + timedelta(minutes=30 * n + 25),
        )
        session.add(booking)
        session.flush()
        for reminder in schedule_reminder(session, booking):
            reminder.due_at = utcnow() - timedelta(minutes=1)
    session.commit()
    runs = [node.flask("send-reminders") for node in cluster["nodes"]]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    sent = session.scalars(
        select(OutboxMail.user_id).where(OutboxMail.subject.like("Reminder:%"))
    ).all()
    assert sorted(sent) == sorted(p.id for p in parents)


def test_send_reminders_on_both_nodes_at_once_texts_each_parent_once(
    app,
    cluster,
    world,  # noqa: F811
    session,
):
    local = datetime.now(LONDON).time()
    if not clock_time(8) <= local < clock_time(20, 45):
        pytest.skip("texts never go between 21:00 and 08:00, and the nodes run on today's clock")
    keyworker = world.keyworker()
    parents = world.participants(30, keyworker=keyworker)
    # In the daytime: a text due at night would wait until 08:00.
    soon = datetime.combine(london_today() + timedelta(days=1), clock_time(12), LONDON)
    for n, parent in enumerate(parents):
        parent.phone = f"07700900{200 + n}"
        booking = BookedSession(
            keyworker_id=keyworker.id,
            participant_id=parent.id,
            mode=SessionMode.PHONE,
            starts_at=soon + timedelta(minutes=30 * n),
            ends_at=soon + timedelta(minutes=30 * n + 25),
        )
        session.add(booking)
        session.flush()
    session.commit()
    with running_notify(app) as notify:
        bookings = session.scalars(
            select(BookedSession).where(BookedSession.keyworker_id == keyworker.id)
        ).all()
        for booking in bookings:
            for reminder in schedule_reminder(session, booking):
                reminder.due_at = utcnow() - timedelta(minutes=1)
        session.commit()
        runs = [node.flask("send-reminders", env=notify.settings()) for node in cluster["nodes"]]
        outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    texted = sorted(text.phone_number for text in notify.sent)
    assert texted == sorted(f"+447700900{200 + n}" for n in range(30))
    sent_by = [int(out.split()[1]) for out, _ in outputs]
    assert sum(sent_by) == 60  # a text and an email (to the log) for each parent
    texts = session.scalars(select(Reminder).where(Reminder.channel == "text")).all()
    assert len(texts) == 30 and all(r.sent_at and r.provider_id for r in texts)


def checkin_entry() -> dict:
    entry = {"uuid": str(uuid.uuid4()), "recorded_at": utcnow().isoformat()}
    for name in ("optimistic", "useful", "relaxed", "problems", "thinking", "close", "own_mind"):
        entry[name] = 3
    for name in ("work", "money", "childcare", "health", "skills", "support"):
        entry[f"confidence_{name}"] = 5
    return entry


def test_killing_a_node_mid_load_loses_no_acknowledged_check_in(cluster, make, session):
    parent = make.participant(locality=make.locality())
    base = cluster["url"]
    cookies, token = signed_in_cookies(base, parent)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + 8

    def send_for_a_while():
        with requests.Session() as browser:
            browser.cookies.update(cookies)
            while time.monotonic() < stop:
                entry = checkin_entry()
                try:
                    response = browser.post(
                        f"{base}/api/v1/checkins",
                        json={"checkins": [entry]},
                        headers={"X-CSRFToken": token},
                        timeout=10,
                    )
                except requests.RequestException:
                    continue
                if (
                    response.status_code == 200
                    and response.json()["results"][0]["status"] == "stored"
                ):
                    with lock:
                        acknowledged.append(entry["uuid"])

    senders = [threading.Thread(target=send_for_a_while) for _ in range(6)]
    for sender in senders:
        sender.start()
    time.sleep(3)
    victim = cluster["nodes"][1]
    victim.kill()
    for sender in senders:
        sender.join()
    victim.start()  # leave the cluster whole for any later test
    stored = {
        str(stored_uuid)
        for stored_uuid in session.scalars(
            select(CheckIn.uuid).where(CheckIn.participant_id == parent.id)
        )
    }
    assert len(acknowledged) > 20
    assert set(acknowledged) <= stored
