"""Day-before reminders go out once each, through a real SMTP server, even when the job runs
twice at the same moment."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.bookings.conftest import NOW
from webapp.bookings import operations
from webapp.bookings.reminders import send_due_reminders
from webapp.extensions import db
from webapp.models import OutboxMail, Reminder, SessionMode


class Collector:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield collector
    app.config.update(saved)
    controller.stop()


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
            results.append(send_due_reminders(db.session, now=now))
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
        assert send_due_reminders(db.session, now=now) == 0
        assert send_due_reminders(db.session, now=now + timedelta(days=1)) == 2
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
        assert send_due_reminders(db.session, now=datetime(2027, 1, 12, 12, tzinfo=UTC)) == 1
    operations.reschedule_session(
        session,
        booking=session.get(type(second), second.id),
        starts_at=datetime(2027, 1, 15, 11, tzinfo=UTC),
        mode=SessionMode.PHONE,
        now=datetime(2027, 1, 12, 12, tzinfo=UTC),
    )
    session.commit()
    reminder = session.scalar(select(Reminder).where(Reminder.session_id == second.id))
    assert reminder.sent_at is None
    with app.test_request_context():
        assert send_due_reminders(db.session, now=datetime(2027, 1, 14, 12, tzinfo=UTC)) == 1
    assert len(smtp.messages) == 2


def test_the_cli_command_runs(app, world, session, smtp):
    book_many(world, session, 1)
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "Sent 0 reminders." in result.output
