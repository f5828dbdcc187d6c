"""Day-before reminders go out once each, through a real SMTP server, even when the job runs
twice at the same moment."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.sessions.conftest import NOW
from tests.smtp_server import Collector, running_smtp
from webapp.models import BookedSession, OutboxMail, Reminder, SessionMode, utcnow
from webapp.sessions import operations, reminders
from webapp.sessions.reminders import MAX_ATTEMPTS, send_due_reminders
from webapp.web.extensions import db


@pytest.fixture
def smtp(app):
    with running_smtp(app, Collector()) as collector:
        yield collector


@pytest.fixture
def refusing_smtp(app):
    """A mail server that refuses the first message it is given, then takes the rest."""
    with running_smtp(app, Collector(refusals=1)) as collector:
        yield collector


def book_many(world, session, count):
    keyworkers = [world.keyworker() for _ in range(count)]
    bookings = []
    for n, keyworker in enumerate(keyworkers):
        parent = world.participant(keyworker=keyworker)
        bookings.append(
            operations.book_session(
                session,
                participant=parent,
                keyworker=keyworker,
                starts_at=datetime(2027, 1, 12 + n % 4, 10, tzinfo=UTC),
                mode=SessionMode.PHONE,
                now=NOW,
            )
        )
    session.commit()
    return bookings


def run_job(app, now, results):
    with app.test_request_context():
        try:
            results.append(send_due_reminders(db.session, now=now).sent)
        finally:
            db.session.remove()


def test_each_reminder_is_sent_once_when_the_job_runs_twice_at_once(app, world, session, smtp):
    bookings = book_many(world, session, 8)
    # The evening before the first sessions: only Tuesday's (12 January) are due.
    now = datetime(2027, 1, 11, 18, tzinfo=UTC)
    session.commit()
    results: list[int] = []
    threads = [threading.Thread(target=run_job, args=(app, now, results)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tuesday = [b for b in bookings if b.starts_at.day == 12]
    assert sum(results) == len(tuesday) == 2
    assert len(smtp.messages) == 2
    recipients = sorted(m["To"] for m in smtp.messages)
    assert recipients == sorted(b.participant.email for b in tuesday)
    assert "Tuesday at 10:00" in smtp.messages[0]["Subject"]
    assert "10:00 to 11:00" in smtp.messages[0].get_payload(decode=True).decode()

    # Running again sends nothing new; a day later the next ones go.
    with app.test_request_context():
        assert send_due_reminders(db.session, now=now).sent == 0
        assert send_due_reminders(db.session, now=now + timedelta(days=1)).sent == 2
    assert len(smtp.messages) == 4
    session.expire_all()
    assert session.scalar(select(OutboxMail).where(OutboxMail.sent_at.is_(None))) is None


def test_cancelled_sessions_get_no_reminder_and_moved_ones_are_reminded_again(
    app, world, session, smtp
):
    first, second = book_many(world, session, 2)
    operations.cancel_session(session, booking=first, reason="Ill", now=NOW)
    session.commit()
    with app.test_request_context():
        assert send_due_reminders(db.session, now=datetime(2027, 1, 12, 12, tzinfo=UTC)).sent == 1
    operations.reschedule_session(
        session,
        booking=session.get(type(second), second.id),
        starts_at=datetime(2027, 1, 15, 11, tzinfo=UTC),
        mode=SessionMode.PHONE,
        now=datetime(2027, 1, 12, 12, tzinfo=UTC),
    )
    session.commit()
    reminders = session.scalars(select(Reminder).where(Reminder.session_id == second.id)).all()
    assert {r.channel for r in reminders} == {"email", "push"}
    assert all(r.sent_at is None for r in reminders)
    with app.test_request_context():
        assert send_due_reminders(db.session, now=datetime(2027, 1, 14, 12, tzinfo=UTC)).sent == 1
    assert len(smtp.messages) == 2


def test_the_cli_command_runs(app, world, session, smtp):
    book_many(world, session, 1)
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0
    assert result.output == (
        "Sent 0 reminders. 0 could not be sent and will be tried again on the next run. "
        "0 failed 5 times and will not be tried again.\n"
    )


def email_reminder(session, booking) -> Reminder:
    session.expire_all()
    return session.scalars(
        select(Reminder).where(Reminder.session_id == booking.id, Reminder.channel == "email")
    ).one()


def test_a_refused_reminder_is_not_marked_sent_and_goes_on_the_next_run(
    app, world, session, refusing_smtp, caplog
):
    (booking,) = book_many(world, session, 1)
    email = booking.participant.email
    now = datetime(2027, 1, 11, 18, tzinfo=UTC)
    with app.test_request_context(), caplog.at_level(logging.DEBUG):
        first = send_due_reminders(db.session, now=now)
    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    reminder = email_reminder(session, booking)
    assert reminder.sent_at is None and reminder.failed_at is None
    assert reminder.claimed_at is None and reminder.claimed_by is None  # the claim is let go
    assert reminder.attempts == 1
    assert reminder.last_error == "SMTPDataError 554"
    # Neither the reminder nor CoPlan's log names the parent (the SMTP server's own log may).
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("webapp")]
    assert any("not sent" in message for message in ours)
    assert not [message for message in ours if email in message]
    # The unsent message stays in the outbox, where staff can see it.
    unsent = session.scalars(select(OutboxMail).where(OutboxMail.sent_at.is_(None))).all()
    assert [m.to_address for m in unsent] == [email]
    assert refusing_smtp.messages == []

    with app.test_request_context():
        second = send_due_reminders(db.session, now=now + timedelta(minutes=30))
    assert (second.sent, second.retrying, second.failed) == (1, 0, 0)
    assert [m["To"] for m in refusing_smtp.messages] == [email]
    reminder = email_reminder(session, booking)
    assert reminder.sent_at is not None and reminder.attempts == 1
    with app.test_request_context():
        assert send_due_reminders(db.session, now=now + timedelta(hours=1)).sent == 0
    assert len(refusing_smtp.messages) == 1


def test_a_reminder_that_keeps_failing_is_given_up_after_five_tries(app, world, session):
    (booking,) = book_many(world, session, 1)
    now = datetime(2027, 1, 11, 18, tzinfo=UTC)
    with running_smtp(app, Collector(refusals=100)) as server, app.test_request_context():
        runs = [
            send_due_reminders(db.session, now=now + timedelta(minutes=10 * n))
            for n in range(MAX_ATTEMPTS + 1)
        ]
    assert [(r.sent, r.retrying, r.failed) for r in runs] == [(0, 1, 0)] * (MAX_ATTEMPTS - 1) + [
        (0, 0, 1),
        (0, 0, 0),  # not tried again
    ]
    assert server.refusals == 100 - MAX_ATTEMPTS
    reminder = email_reminder(session, booking)
    assert reminder.attempts == MAX_ATTEMPTS
    assert reminder.failed_at is not None and reminder.sent_at is None

    # Moving the session starts its reminders afresh.
    operations.reschedule_session(
        session,
        booking=session.get(BookedSession, booking.id),
        starts_at=datetime(2027, 1, 13, 11, tzinfo=UTC),
        mode=SessionMode.PHONE,
        now=now,
    )
    session.commit()
    reminder = email_reminder(session, booking)
    assert (reminder.attempts, reminder.failed_at, reminder.last_error) == (0, None, None)


def test_the_cli_says_how_many_will_be_tried_again(app, world, session, refusing_smtp):
    keyworker = world.keyworker()
    for n in range(2):
        start = utcnow() + timedelta(hours=20 + 2 * n)
        booking = BookedSession(
            keyworker_id=keyworker.id,
            participant_id=world.participant(keyworker=keyworker).id,
            mode=SessionMode.PHONE,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        session.add(booking)
        session.flush()
        reminders.schedule_reminder(session, booking)
    session.commit()
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Sent 1 reminder. 1 could not be sent and will be tried again on the next run. "
        "0 failed 5 times"
    )


def test_a_session_moved_while_its_reminder_is_being_sent_is_reminded_again(app, world, session):
    """On PostgreSQL a move can land while the job waits on the mail server."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("on SQLite the job's transaction holds the write lock: the move waits for it")
    (booking,) = book_many(world, session, 1)
    moved_to = datetime(2027, 1, 15, 11, tzinfo=UTC)

    def move_meanwhile():
        with app.app_context():
            operations.reschedule_session(
                db.session,
                booking=db.session.get(BookedSession, booking.id),
                starts_at=moved_to,
                mode=SessionMode.PHONE,
                now=datetime(2027, 1, 11, 12, tzinfo=UTC),
            )
            db.session.commit()
            db.session.remove()

    collector = Collector(on_message=move_meanwhile)
    with running_smtp(app, collector), app.test_request_context():
        assert send_due_reminders(db.session, now=datetime(2027, 1, 11, 12, tzinfo=UTC)).sent == 1
        db.session.remove()
        email = session.scalar(
            select(Reminder).where(Reminder.session_id == booking.id, Reminder.channel == "email")
        )
        session.refresh(email)
        assert email.sent_at is None and email.due_at == moved_to - timedelta(days=1)
        collector.on_message = None
        assert send_due_reminders(db.session, now=datetime(2027, 1, 14, 12, tzinfo=UTC)).sent == 1
    assert len(collector.messages) == 2
    assert "Friday at 11:00" in collector.messages[1]["Subject"]
