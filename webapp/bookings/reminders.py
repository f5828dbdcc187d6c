"""Reminders the day before a session, sent by a job that is safe to run twice at once.

Each run first *claims* the reminders that are due, in a short transaction of its own:
PostgreSQL's ``FOR UPDATE SKIP LOCKED`` lets two runs split the rows between them, and SQLite's
BEGIN IMMEDIATE lets only one run claim at a time. A claimed reminder belongs to that run, which
sends it and marks it sent. A claim left by a run that died is taken over after an hour.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import click
from flask import current_app, render_template, url_for
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from webapp.bookings.slots import LONDON
from webapp.extensions import db
from webapp.mail import send_mail
from webapp.models import BookedSession, Reminder, SessionStatus, utcnow

STALE_CLAIM = timedelta(hours=1)


def claim_due_reminders(
    session: Session, *, now: datetime, worker: str, limit: int = 500
) -> list[int]:
    """Claim up to ``limit`` due, unsent reminders for ``worker`` and commit the claim."""
    query = (
        select(Reminder.id)
        .join(BookedSession, BookedSession.id == Reminder.session_id)
        .where(
            Reminder.sent_at.is_(None),
            Reminder.due_at <= now,
            or_(Reminder.claimed_at.is_(None), Reminder.claimed_at < now - STALE_CLAIM),
            BookedSession.status == SessionStatus.BOOKED,
            BookedSession.starts_at > now,
        )
        .order_by(Reminder.due_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Reminder)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(Reminder).where(Reminder.id.in_(ids)).values(claimed_at=now, claimed_by=worker)
        )
    session.commit()
    return ids


def send_claimed(session: Session, reminder_ids: list[int], *, now: datetime) -> int:
    """Send the reminders this run claimed; each is committed as sent on its own."""
    sent = 0
    reminders = session.scalars(
        select(Reminder)
        .where(Reminder.id.in_(reminder_ids))
        .options(
            selectinload(Reminder.session).selectinload(BookedSession.participant),
            selectinload(Reminder.session).selectinload(BookedSession.keyworker),
            selectinload(Reminder.session).selectinload(BookedSession.venue),
        )
    ).all()
    for reminder in reminders:
        booking = reminder.session
        parent = booking.participant
        if parent.email and parent.is_active:
            send_mail(
                session,
                to=parent.email,
                user=parent,
                subject=booking.starts_at.astimezone(LONDON).strftime(
                    "Reminder: your CoPlan session on %A at %H:%M"
                ),
                body=render_template(
                    "mail/session_reminder.txt",
                    booking=booking,
                    sessions_link=url_for("bookings.my_sessions", _external=True),
                ),
                # Once per session version: a moved session is reminded again.
                dedupe_key=f"reminder:{reminder.id}:{booking.sequence}",
            )
            sent += 1
        reminder.sent_at = now
        session.commit()
    return sent


def send_due_reminders(session: Session, *, now: datetime | None = None) -> int:
    """Claim and send every reminder that is due. Returns how many emails this run sent."""
    now = now or utcnow()
    worker = secrets.token_hex(8)
    return send_claimed(session, claim_due_reminders(session, now=now, worker=worker), now=now)


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Send the day-before reminders that are due (safe to run on several machines at once)."""
    with current_app.test_request_context(base_url=current_app.config.get("BASE_URL") or None):
        sent = send_due_reminders(db.session)
    click.echo(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
