"""Day-before reminders by Web Push: encrypted for each phone, signed with the service's VAPID
key, posted once per phone to a real push service on 127.0.0.1, even when the job runs twice
at the same moment."""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from py_vapid import Vapid02
from sqlalchemy import select

from tests.push_service import LocalPushService, Phone
from tests.sessions.conftest import NOW
from tests.smtp_server import Collector, running_smtp
from webapp.models import PushSubscription, Reminder, SessionMode, User
from webapp.services.push import save_subscription
from webapp.sessions import operations
from webapp.sessions.reminders import send_due_reminders
from webapp.web.extensions import db

# The evening before Tuesday 12 January 2027, when Tuesday's sessions are due a reminder.
EVENING = datetime(2027, 1, 11, 18, tzinfo=UTC)


@pytest.fixture
def push_service():
    service = LocalPushService()
    yield service
    service.stop()


@pytest.fixture
def smtp(app):
    with running_smtp(app, Collector()) as collector:
        yield collector


def book(world, session, *, hour=10, day=12):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    booking = operations.book_session(
        session,
        participant=parent,
        keyworker=keyworker,
        starts_at=datetime(2027, 1, day, hour, tzinfo=UTC),
        mode=SessionMode.PHONE,
        now=NOW,
    )
    session.commit()
    return booking


def subscribe(session, parent, phone: Phone) -> None:
    """The phone subscribes (stored as the API stores it; the API itself accepts only the
    browsers' own push services, tested in tests/api/test_push_api.py)."""
    keys = phone.subscription_json()["keys"]
    save_subscription(
        session,
        user=session.get(User, parent.id),
        endpoint=phone.endpoint,
        p256dh=keys["p256dh"],
        auth=keys["auth"],
        now=NOW,
    )
    session.commit()


def run(app, now=EVENING):
    with app.test_request_context():
        return send_due_reminders(db.session, now=now)


def jwt_claims(authorization: str) -> dict:
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_due_reminder_is_pushed_to_each_phone_encrypted_and_signed(
    app, world, session, vapid, push_service, smtp
):
    booking = book(world, session)
    parent = booking.participant
    phones = [Phone(push_service, "aisha-phone"), Phone(push_service, "aisha-tablet")]
    for phone in phones:
        subscribe(session, parent, phone)

    summary = run(app)

    assert summary.sent == 2  # the email, and the push (to both phones)
    assert len(smtp.messages) == 1
    for phone in phones:
        (received,) = push_service.to(phone)
        message = phone.read(received)
        # What a lock screen shows: when, and nothing about who or where.
        assert message == {
            "title": "CoPlan reminder",
            "body": "Your session tomorrow at 10:00",
            "url": "/sessions",
            "tag": f"reminder-{booking.id}",
        }
        assert received.headers["content-encoding"] == "aes128gcm"
        authorization = received.headers["authorization"]
        assert authorization.startswith("vapid t=") and f"k={vapid}" in authorization
        assert Vapid02.verify(authorization)
        claims = jwt_claims(authorization)
        assert claims["aud"] == push_service.origin
        assert claims["sub"] == "mailto:ops@example.org"
        # Kept by the push service until the session, for a phone that is switched off.
        assert int(received.headers["ttl"]) == 16 * 3600
    session.expire_all()
    used = session.scalars(select(PushSubscription.last_used_at)).all()
    assert len(used) == 2 and all(used)


def test_the_day_is_said_plainly(app, world, session, vapid, push_service):
    wednesday = book(world, session, day=13, hour=13)
    thursday = book(world, session, day=14, hour=11)
    on_wednesday, on_thursday = Phone(push_service, "wed"), Phone(push_service, "thu")
    subscribe(session, wednesday.participant, on_wednesday)
    subscribe(session, thursday.participant, on_thursday)
    # Wednesday morning: Wednesday's reminder is late (the job did not run), Thursday's due.
    run(app, now=datetime(2027, 1, 13, 12, tzinfo=UTC))
    assert on_wednesday.read(push_service.to(on_wednesday)[0])["body"] == (
        "Your session today at 13:00"
    )
    assert on_thursday.read(push_service.to(on_thursday)[0])["body"] == (
        "Your session tomorrow at 11:00"
    )


def test_two_overlapping_runs_push_once_to_each_phone(app, world, session, vapid, push_service):
    phones = []
    for n in range(6):
        booking = book(world, session)
        phone = Phone(push_service, f"phone-{n}")
        subscribe(session, booking.participant, phone)
        phones.append(phone)
    results = []

    def job():
        with app.test_request_context():
            try:
                results.append(send_due_reminders(db.session, now=EVENING).sent)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 12  # six emails (to the log: no mail server here), six pushes
    assert sorted(r.path for r in push_service.received) == sorted(p.path for p in phones)
    assert run(app).sent == 0
    assert len(push_service.received) == 6


@pytest.mark.parametrize("status", [404, 410])
def test_a_phone_the_push_service_has_forgotten_is_deleted(
    app, world, session, vapid, push_service, status
):
    booking = book(world, session)
    gone, kept = Phone(push_service, "gone"), Phone(push_service, "kept")
    subscribe(session, booking.participant, gone)
    subscribe(session, booking.participant, kept)
    push_service.answers[gone.path] = status

    summary = run(app)

    assert (summary.sent, summary.retrying) == (2, 0)  # the email, and the push to one phone
    assert len(push_service.to(gone)) == len(push_service.to(kept)) == 1
    session.expire_all()
    assert session.scalars(select(PushSubscription.endpoint)).all() == [kept.endpoint]


def test_a_push_service_that_fails_is_tried_again_on_the_next_run(
    app, world, session, vapid, push_service
):
    booking = book(world, session)
    phone = Phone(push_service, "p")
    subscribe(session, booking.participant, phone)
    push_service.answers[phone.path] = 503

    first = run(app)

    assert (first.sent, first.retrying) == (1, 1)  # the email went; the push did not
    session.expire_all()
    reminder = session.scalars(select(Reminder).where(Reminder.channel == "push")).one()
    assert reminder.sent_at is None and reminder.attempts == 1
    assert reminder.last_error == "push service answered 503"
    assert phone.endpoint not in reminder.last_error
    assert session.scalar(select(PushSubscription.id)) is not None  # not forgotten

    del push_service.answers[phone.path]
    second = run(app, now=EVENING + timedelta(minutes=30))
    assert (second.sent, second.retrying) == (1, 0)
    assert len(push_service.to(phone)) == 2
    assert phone.read(push_service.to(phone)[-1])["body"] == "Your session tomorrow at 10:00"


def test_without_vapid_keys_nothing_is_pushed(app, world, session, push_service, smtp):
    booking = book(world, session)
    subscribe(session, booking.participant, Phone(push_service, "p"))

    summary = run(app)

    assert summary.sent == 1 and len(smtp.messages) == 1  # by email only
    assert push_service.received == []
    session.expire_all()
    push = session.scalars(select(Reminder).where(Reminder.channel == "push")).one()
    assert push.sent_at is not None  # done: there was nothing to push with
