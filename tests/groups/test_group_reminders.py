"""A parent with a place at a group session is reminded the day before, by email through a real
SMTP server and by Web Push through a real push service on 127.0.0.1, once each, through the
same job as one-to-one sessions; not when the place is given up or the group cancelled, and
again for the new time when staff move the group."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.push_service import LocalPushService, Phone
from tests.sessions.conftest import NOW
from tests.sessions.test_push_reminders import subscribe
from tests.smtp_server import Collector, running_smtp
from webapp.groups import operations as group_operations
from webapp.groups.operations import GroupDetails
from webapp.models import GroupPlace, GroupSession, Reminder, SessionMode
from webapp.sessions import operations
from webapp.sessions.reminders import claim_due_reminders, send_claimed, send_due_reminders
from webapp.web.extensions import db

# Tuesday 12 January 2027, 10:30 in London (GMT); the evening before, when it is due.
TUESDAY_1030 = datetime(2027, 1, 12, 10, 30, tzinfo=UTC)
MONDAY_EVENING = datetime(2027, 1, 11, 18, tzinfo=UTC)
# A title that must never show on a lock screen.
TITLE = "Money worries drop-in"


@pytest.fixture
def smtp(app):
    with running_smtp(app, Collector()) as collector:
        yield collector


@pytest.fixture
def push_service():
    service = LocalPushService()
    yield service
    service.stop()


def add_group(world, session, *, starts_at=TUESDAY_1030, capacity=10) -> GroupSession:
    return world.group(
        starts_at, capacity=capacity, creche_places=4, at_creche_venue=True, title=TITLE
    )


def book(session, group, parent, *, children=0, now=NOW) -> GroupPlace:
    place = group_operations.book_group_place(
        session, group_id=group.id, participant=parent, creche_children=children, now=now
    )
    session.commit()
    return place


def with_phone(session, push_service, parent, name) -> Phone:
    phone = Phone(push_service, name)
    subscribe(session, parent, phone)
    return phone


def run(app, now=MONDAY_EVENING):
    with app.test_request_context():
        return send_due_reminders(db.session, now=now)


def body_of(message) -> str:
    return message.get_payload(decode=True).decode()


def test_a_parent_with_a_place_gets_one_email_and_one_push_the_day_before(
    app, world, session, vapid, push_service, smtp
):
    group = add_group(world, session)
    parent = world.participant()
    book(session, group, parent, children=2)
    phone = with_phone(session, push_service, parent, "aisha-phone")

    # Monday morning is too early: due at 10:30 on Monday, a day before.
    assert run(app, now=NOW).sent == 0
    summary = run(app)

    assert summary.sent == 2  # the email and the push
    (email,) = smtp.messages
    assert email["To"] == parent.email
    # The subject may show on a lock screen too: when, not what.
    assert email["Subject"] == "Reminder: your CoPlan group session on Tuesday at 10:30"
    body = body_of(email)
    assert f"your place at {TITLE}" in body
    assert "Tuesday 12 January, 10:30 to 12:30" in body
    assert "Family Centre, 2 High Street" in body
    assert "Crèche places booked for 2 children" in body
    assert "http://localhost/sessions" in body

    (received,) = push_service.to(phone)
    message = phone.read(received)
    assert message == {
        "title": "CoPlan reminder",
        "body": "Your group session tomorrow at 10:30",
        "url": "/sessions",
        "tag": f"reminder-group-{group.id}",
    }
    assert "Money" not in json.dumps(message) and "Parent" not in json.dumps(message)
    # Kept by the push service until the group starts, for a phone that is switched off.
    assert int(received.headers["ttl"]) == int((TUESDAY_1030 - MONDAY_EVENING).total_seconds())

    # Running again sends nothing more.
    assert run(app, now=MONDAY_EVENING + timedelta(hours=1)).sent == 0
    assert len(smtp.messages) == 1 and len(push_service.to(phone)) == 1


def test_a_place_given_up_or_a_cancelled_group_is_not_reminded_of(
    app, world, session, vapid, push_service, smtp
):
    group, other = add_group(world, session), add_group(world, session)
    gave_up, came_back, staying, cancelled = world.participants(4)
    phones = {
        parent.id: with_phone(session, push_service, parent, f"phone-{n}")
        for n, parent in enumerate([gave_up, came_back, staying, cancelled])
    }
    for parent in (gave_up, came_back):
        group_operations.cancel_group_place(session, attendee=book(session, group, parent), now=NOW)
        session.commit()
    book(session, group, came_back)  # booked again after giving it up: reminded after all
    book(session, other, staying)
    book(session, other, cancelled)
    group_operations.cancel_group(session, group=other, reason="The hall is closed", now=NOW)
    session.commit()

    summary = run(app)

    assert summary.sent == 2
    assert [m["To"] for m in smtp.messages] == [came_back.email]
    assert [len(push_service.to(phone)) for phone in phones.values()] == [0, 1, 0, 0]


def test_a_place_given_up_after_the_job_claimed_it_is_not_sent(
    app, world, session, vapid, push_service, smtp
):
    group = add_group(world, session)
    parent = world.participant()
    place = book(session, group, parent)
    phone = with_phone(session, push_service, parent, "p")
    with app.test_request_context():
        claimed = claim_due_reminders(db.session, now=MONDAY_EVENING, worker="w1")
        assert len(claimed) == 2
        group_operations.cancel_group_place(
            db.session, attendee=db.session.get(GroupPlace, place.id), now=MONDAY_EVENING
        )
        db.session.commit()
        assert send_claimed(db.session, claimed, now=MONDAY_EVENING).sent == 0
    assert smtp.messages == [] and push_service.to(phone) == []
    session.expire_all()
    reminders = session.scalars(select(Reminder)).all()
    assert [(r.sent_at, r.claimed_at) for r in reminders] == [(None, None)] * 2


def test_a_moved_group_is_reminded_again_for_its_new_time(
    app, world, session, vapid, push_service, smtp
):
    group = add_group(world, session)
    parent, later = world.participants(2)
    book(session, group, parent)
    phone = with_phone(session, push_service, parent, "p")
    assert run(app).sent == 2  # reminded of Tuesday

    # Staff move it to Thursday at 14:00; a parent who booked afterwards is reminded too.
    thursday = datetime(2027, 1, 14, 14, tzinfo=UTC)
    moved = group_operations.update_group(
        session,
        group=group,
        details=GroupDetails(
            title=group.title,
            description=group.description,
            venue_id=group.venue_id,
            led_by_id=None,
            starts_at=thursday,
            ends_at=thursday + timedelta(hours=2),
            capacity=group.capacity,
            creche_places=group.creche_places,
        ),
        now=MONDAY_EVENING,
    )
    session.commit()
    assert moved
    book(session, group, later, now=MONDAY_EVENING)
    reminders = session.scalars(select(Reminder)).all()
    assert {r.due_at for r in reminders} == {thursday - timedelta(days=1)}
    assert all(r.sent_at is None for r in reminders)

    assert run(app, now=MONDAY_EVENING + timedelta(hours=1)).sent == 0  # not due yet
    assert run(app, now=datetime(2027, 1, 13, 15, tzinfo=UTC)).sent == 3  # 2 emails, 1 push

    first, *again = smtp.messages
    assert [m["To"] for m in again] == sorted([parent.email, later.email])
    assert "Tuesday at 10:30" in first["Subject"]
    assert all(m["Subject"].endswith("on Thursday at 14:00") for m in again)
    assert "Thursday 14 January, 14:00 to 16:00" in body_of(again[0])
    old, new = (phone.read(r)["body"] for r in push_service.to(phone))
    assert (old, new) == (
        "Your group session tomorrow at 10:30",
        "Your group session tomorrow at 14:00",
    )


def test_two_overlapping_runs_remind_each_place_and_session_once(
    app, world, session, vapid, push_service, smtp
):
    group = add_group(world, session)
    parents = world.participants(5)
    phones = []
    for n, parent in enumerate(parents):
        book(session, group, parent)
        phones.append(with_phone(session, push_service, parent, f"group-{n}"))
    # A one-to-one session the same day goes through the same runs.
    keyworker = world.keyworker()
    one_to_one = operations.book_session(
        session,
        participant=world.participant(keyworker=keyworker),
        keyworker=keyworker,
        starts_at=datetime(2027, 1, 12, 13, tzinfo=UTC),
        mode=SessionMode.PHONE,
        now=NOW,
    )
    session.commit()
    phones.append(with_phone(session, push_service, one_to_one.participant, "one-to-one"))
    results: list[int] = []

    def job():
        with app.test_request_context():
            try:
                results.append(send_due_reminders(db.session, now=MONDAY_EVENING).sent)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=job) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(results) == 12  # six emails, six pushes
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        p.email for p in [*parents, one_to_one.participant]
    )
    assert sorted(r.path for r in push_service.received) == sorted(p.path for p in phones)
    assert run(app).sent == 0
    assert len(smtp.messages) == len(push_service.received) == 6
