"""Reminders by text, sent through a local Notify-compatible server (tests/notify_service.py):
once each, never at night, retried with backoff and given up after five tries, stopped by a
STOP reply, and marked delivered by Notify's receipt."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests.factories.sessions import make_booked_session, make_venue
from tests.notify_service import running_notify
from webapp.clock import LONDON
from webapp.contact.choices import save_choice
from webapp.models import Reminder, ReminderChannel, SessionMode
from webapp.sessions.reminder_texts import backoff
from webapp.sessions.reminders import MAX_ATTEMPTS, schedule_reminder, send_due_reminders
from webapp.web.extensions import db

TOKEN = "receipt-secret"
# Monday 11 January 2027, midday in Scotland (UTC in winter).
MONDAY_NOON = datetime(2027, 1, 11, 12, tzinfo=UTC)


@pytest.fixture
def texting(app):
    app.config["NOTIFY_CALLBACK_TOKEN"] = TOKEN
    with running_notify(app) as service:
        yield service
    app.config["NOTIFY_CALLBACK_TOKEN"] = None


@pytest.fixture
def family(make, session, texting):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(
        locality=locality,
        keyworker=keyworker,
        name="Aisha Rahman",
        email=None,
        phone="07700900123",
    )
    venue = make_venue(session, locality=session.merge(locality), name="Leith Library")
    session.commit()
    return {"keyworker": keyworker, "parent": parent, "venue": venue}


def book(session, family, starts_at: datetime, **columns):
    booking = make_booked_session(
        session,
        keyworker=family["keyworker"],
        participant=family["parent"],
        starts_at=starts_at,
        **columns,
    )
    schedule_reminder(session, booking)
    session.commit()
    return booking


def run(app, now):
    with app.test_request_context():
        return send_due_reminders(db.session, now=now)


def text_reminder(session, booking) -> Reminder:
    session.expire_all()
    return session.scalar(
        select(Reminder).where(
            Reminder.session_id == booking.id, Reminder.channel == ReminderChannel.TEXT
        )
    )


def receipt(pages, payload, token=TOKEN):
    return pages.client.post(
        "/callbacks/text/status", json=payload, headers={"Authorization": f"Bearer {token}"}
    )


def test_a_text_holds_first_name_day_time_and_place_and_goes_once(app, session, family, texting):
    booking = book(
        session,
        family,
        datetime(2027, 1, 12, 10, tzinfo=UTC),
        mode=SessionMode.OFFICE,
        venue_id=family["venue"].id,
    )
    assert run(app, MONDAY_NOON).sent == 1
    assert run(app, MONDAY_NOON + timedelta(minutes=15)).sent == 0

    (text,) = texting.sent
    assert text.phone_number == "+447700900123"
    assert text.message == (
        "Hello Aisha. A reminder from CoPlan: your session is on Tuesday 12 January at 10:00, "
        "at Leith Library."
    )
    assert "Ewan" not in text.message and "Rahman" not in text.message
    reminder = text_reminder(session, booking)
    assert reminder.sent_at is not None and reminder.provider_id == text.id


def test_a_parent_who_did_not_choose_texts_gets_no_text_row(app, session, family, texting):
    save_choice(session, family["parent"], reminders_by_text=False)
    session.commit()
    booking = book(session, family, datetime(2027, 1, 12, 10, tzinfo=UTC))
    assert text_reminder(session, booking) is None
    run(app, MONDAY_NOON)
    assert texting.sent == []


def test_a_failing_provider_is_retried_with_backoff_and_given_up_after_five(
    app, session, family, texting, pages
):
    booking = book(session, family, datetime(2027, 1, 12, 10, tzinfo=UTC))
    texting.answers = [429, 500, "timeout", 503, 429]
    # The job runs every 15 minutes; a try is made only once the backoff has passed.
    tried_at = []
    for n in range(20):
        now = MONDAY_NOON + timedelta(minutes=15 * n)
        before = text_reminder(session, booking).attempts
        run(app, now)
        if text_reminder(session, booking).attempts > before:
            tried_at.append(15 * n)
    assert tried_at == [0, 15, 45, 105, 225]
    assert [backoff(n) for n in range(1, 5)] == [timedelta(minutes=m) for m in (15, 30, 60, 120)]
    reminder = text_reminder(session, booking)
    assert reminder.attempts == MAX_ATTEMPTS and reminder.failed_at is not None
    assert reminder.sent_at is None and texting.sent == [] and texting.answers == []
    assert reminder.last_error == "Notify 429"

    pages.sign_in(family["keyworker"])
    caseload = pages.get("caseload.index")
    (row,) = [r for r in caseload.select("tr") if "Aisha Rahman" in r.text]
    assert "Reminder not delivered" in row.text
    record = pages.get("caseload.record", participant_id=family["parent"].id)
    assert "Reminder text not delivered, for the session on Tue 12 January, 10:00" in record.text


def test_a_number_the_provider_refuses_is_given_up_at_once(app, session, family, texting):
    booking = book(session, family, datetime(2027, 1, 12, 10, tzinfo=UTC))
    texting.answers = [400]
    assert run(app, MONDAY_NOON).failed == 1
    reminder = text_reminder(session, booking)
    assert (reminder.attempts, reminder.last_error) == (1, "Notify 400")


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("own_hours", "sent_from"),
    [
        (None, london(2027, 1, 12, 8, 0)),  # the service's night: 21:00 to 08:00
        ((time(22), time(9, 30)), london(2027, 1, 12, 9, 30)),  # the parent's own, longer
    ],
)
def test_a_reminder_due_at_2130_waits_until_morning(
    app, session, family, texting, own_hours, sent_from
):
    if own_hours:
        save_choice(session, family["parent"], quiet_from=own_hours[0], quiet_until=own_hours[1])
        session.commit()
    # Tuesday at 21:30: its reminder falls due on Monday at 21:30.
    booking = book(session, family, london(2027, 1, 12, 21, 30))
    assert run(app, london(2027, 1, 11, 21, 30)).held == 1
    assert text_reminder(session, booking).next_try_at == sent_from
    for moment in (london(2027, 1, 11, 23), sent_from - timedelta(minutes=1)):
        assert run(app, moment).sent == 0
    assert texting.sent == []

    assert run(app, sent_from).sent == 1
    (text,) = texting.sent
    assert "on Tuesday 12 January at 21:30, by phone." in text.message


def test_stop_stops_the_next_reminder(app, session, family, texting, pages):
    first = book(session, family, datetime(2027, 1, 12, 10, tzinfo=UTC))
    second = book(session, family, datetime(2027, 1, 13, 10, tzinfo=UTC))
    run(app, MONDAY_NOON)
    assert len(texting.sent) == 1

    stop = pages.client.post(
        "/callbacks/text/received",
        json={"source_number": "447700900123", "destination_number": "070", "content": "STOP"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert stop.status_code == 200
    run(app, MONDAY_NOON + timedelta(days=1))

    assert len(texting.sent) == 1
    assert text_reminder(session, first).provider_id == texting.sent[0].id
    assert text_reminder(session, second).provider_id is None


def test_a_receipt_marks_the_text_delivered_on_the_record(app, session, family, texting, pages):
    booking = book(session, family, datetime(2027, 1, 12, 10, tzinfo=UTC))
    run(app, MONDAY_NOON)
    (text,) = texting.sent

    assert receipt(pages, texting.receipt(text), token="guess").status_code == 401
    assert text_reminder(session, booking).delivery_status is None
    assert receipt(pages, texting.receipt(text)).status_code == 200
    # A late "temporary-failure" after "delivered" changes nothing.
    assert receipt(pages, texting.receipt(text, "temporary-failure")).status_code == 200

    reminder = text_reminder(session, booking)
    assert reminder.was_delivered
    assert reminder.delivery_status_at == datetime(2027, 1, 11, 18, 0, 5, tzinfo=UTC)
    pages.sign_in(family["keyworker"])
    record = pages.get("caseload.record", participant_id=family["parent"].id)
    assert "Reminder text delivered, for the session on Tue 12 January, 10:00" in record.text
    caseload = pages.get("caseload.index")
    assert "Reminder not delivered" not in caseload.text


def test_a_receipt_saying_not_delivered_flags_the_caseload(app, session, family, texting, pages):
    book(session, family, datetime(2027, 1, 12, 10, tzinfo=UTC))
    run(app, MONDAY_NOON)
    (text,) = texting.sent
    assert receipt(pages, texting.receipt(text, "permanent-failure")).status_code == 200
    pages.sign_in(family["keyworker"])
    assert "Reminder not delivered" in pages.get("caseload.index").text
    record = pages.get("caseload.record", participant_id=family["parent"].id)
    assert "The phone network couldn't deliver it." in record.text


def test_the_sessions_page_says_reminders_come_by_text(pages, family):
    pages.sign_in(family["parent"])
    page = pages.get("sessions.my_sessions")
    assert "We text you a reminder the day before each session" in page.text
    assert "we can't email you reminders" not in page.text
