"""Reminders the day before a session, sent by a job that is safe to run twice at once.

Each one-to-one session, and each parent's place at a group session, has a reminder per
channel: by email, and by Web Push to every phone the parent asked for reminders on. A
cancelled session, a place given up or a cancelled group is not reminded of.

Each run first *claims* the reminders that are due, in a short transaction of its own:
PostgreSQL's ``FOR UPDATE SKIP LOCKED`` lets two runs split the rows between them, and
SQLite's BEGIN IMMEDIATE lets only one run claim at a time. A claimed reminder belongs to that
run, which sends it and marks it sent. A claim left by a run that died is taken over after an
hour.

A send that fails (the mail server refuses, no push service answers) is not marked sent: the
claim is let go and the next run tries again, up to ``MAX_ATTEMPTS`` times, after which the
reminder is marked failed and left alone.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import current_app, render_template, url_for
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, selectinload

from webapp import clock
from webapp.models import (
    BookedSession,
    GroupPlace,
    GroupSession,
    Reminder,
    ReminderChannel,
    SessionStatus,
    User,
    utcnow,
)
from webapp.services.mail import MailNotSent, send_mail
from webapp.services.push import Pusher, push_enabled
from webapp.sessions.slots import LONDON
from webapp.web.extensions import db

STALE_CLAIM = timedelta(hours=1)
MAX_ATTEMPTS = 5


class SendFailed(Exception):
    """A reminder that did not go; ``reason`` names no one."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class RunSummary:
    """What one run did with the reminders it claimed."""

    sent: int = 0
    retrying: int = 0  # failed this time; the next run tries again
    failed: int = 0  # failed MAX_ATTEMPTS times; given up


def claim_due_reminders(
    session: Session, *, now: datetime, worker: str, limit: int = 500
) -> list[int]:
    """Claim up to ``limit`` due, unsent reminders for ``worker`` and commit the claim."""
    query = (
        select(Reminder.id)
        .outerjoin(BookedSession, BookedSession.id == Reminder.session_id)
        .outerjoin(GroupPlace, GroupPlace.id == Reminder.group_attendee_id)
        .outerjoin(GroupSession, GroupSession.id == GroupPlace.group_session_id)
        .where(
            Reminder.sent_at.is_(None),
            Reminder.failed_at.is_(None),
            Reminder.due_at <= now,
            or_(Reminder.claimed_at.is_(None), Reminder.claimed_at < now - STALE_CLAIM),
            or_(
                and_(BookedSession.status == SessionStatus.BOOKED, BookedSession.starts_at > now),
                and_(
                    GroupPlace.status == SessionStatus.BOOKED,
                    GroupSession.is_cancelled.is_(False),
                    GroupSession.starts_at > now,
                ),
            ),
        )
        .order_by(Reminder.due_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Only the reminders' rows are locked: the joined rows may be missing (outer joins).
        query = query.with_for_update(skip_locked=True, of=Reminder)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(Reminder).where(Reminder.id.in_(ids)).values(claimed_at=now, claimed_by=worker)
        )
    session.commit()
    return ids


def when_words(starts_at: datetime, now: datetime) -> str:
    """ "today at 10:30", "tomorrow at 10:30" or "on Friday at 10:30", in London time."""
    local, today = starts_at.astimezone(LONDON), now.astimezone(LONDON).date()
    days = (local.date() - today).days
    day = {0: "today", 1: "tomorrow"}.get(days, f"on {clock.show(local, 'weekday')}")
    return f"{day} at {clock.clock_time(local)}"


def reminded_of(reminder: Reminder) -> BookedSession | GroupSession:
    """The one-to-one session, or the group session the parent has a place at."""
    if reminder.appointment is not None:
        return reminder.appointment
    return reminder.place.group_session


def parent_of(reminder: Reminder) -> User:
    """The parent the reminder is for."""
    if reminder.appointment is not None:
        return reminder.appointment.participant
    return reminder.place.participant


def still_on(reminder: Reminder, now: datetime) -> bool:
    """Whether what the reminder is for is still going ahead and yet to start."""
    if reminder.appointment is not None:
        booking = reminder.appointment
        return booking.status == SessionStatus.BOOKED and booking.starts_at > now
    place, group = reminder.place, reminder.place.group_session
    return place.status == SessionStatus.BOOKED and not group.is_cancelled and group.starts_at > now


def push_message(reminder: Reminder, now: datetime) -> dict:
    """What a phone shows: when, and nothing else, for it may be read on a lock screen (not
    even a group's title, which can say what the parent is dealing with)."""
    when = when_words(reminded_of(reminder).starts_at, now)
    if reminder.appointment is not None:
        body, tag = f"Your session {when}", f"reminder-{reminder.session_id}"
    else:
        group_id = reminder.place.group_session_id
        body, tag = f"Your group session {when}", f"reminder-group-{group_id}"
    return {
        "title": "CoPlan reminder",
        "body": body,
        "url": url_for("sessions.my_sessions"),
        "tag": tag,
    }


def _email(reminder: Reminder, sessions_link: str) -> tuple[str, str]:
    """(subject, body) of the reminder email. The subject, which a phone may show on its lock
    screen, says only when."""
    if reminder.appointment is not None:
        booking = reminder.appointment
        return (
            "Reminder: your CoPlan session on "
            + clock.day_and_time(booking.starts_at, "weekday", " at "),
            render_template(
                "mail/session_reminder.txt", booking=booking, sessions_link=sessions_link
            ),
        )
    place = reminder.place
    group = place.group_session
    return (
        "Reminder: your CoPlan group session on "
        + clock.day_and_time(group.starts_at, "weekday", " at "),
        render_template(
            "mail/group_reminder.txt",
            parent=place.participant,
            place=place,
            group=group,
            sessions_link=sessions_link,
        ),
    )


def send_email_reminder(session: Session, reminder: Reminder) -> bool:
    """Email the parent. False when there is no one to email."""
    parent = parent_of(reminder)
    if not (parent.email and parent.is_active):
        return False
    # Once per session version (a moved session or group is reminded again) and per try: a
    # failed try leaves its unsent message in the outbox, where staff can see it.
    dedupe_key = f"reminder:{reminder.id}:{reminded_of(reminder).sequence}"
    if reminder.attempts:
        dedupe_key += f":try{reminder.attempts + 1}"
    subject, body = _email(reminder, url_for("sessions.my_sessions", _external=True))
    try:
        send_mail(
            session,
            to=parent.email,
            user=parent,
            subject=subject,
            body=body,
            dedupe_key=dedupe_key,
            raise_on_failure=True,
        )
    except MailNotSent as error:
        raise SendFailed(error.reason) from None
    return True


def send_push_reminder(
    session: Session, reminder: Reminder, pusher: Pusher | None, *, now: datetime
) -> bool:
    """Push to each of the parent's phones. False when push is off or no phone asked."""
    parent = parent_of(reminder)
    if pusher is None or not parent.is_active:
        return False
    delivery = pusher.push(
        session,
        parent.id,
        push_message(reminder, now),
        ttl=int((reminded_of(reminder).starts_at - now).total_seconds()),
        topic=f"reminder-{reminder.id}",
        now=now,
    )
    # Reached on one phone is reminded: trying again would remind that phone twice.
    if delivery.errors and not delivery.delivered:
        raise SendFailed("; ".join(sorted(set(delivery.errors)))[:200])
    return delivery.delivered > 0


def _record_failure(reminder: Reminder, reason: str, *, now: datetime) -> bool:
    """Let the claim go so the next run tries again, or give up. True if given up."""
    reminder.attempts += 1
    reminder.last_error = reason[:200]
    reminder.claimed_at = reminder.claimed_by = None
    if reminder.attempts >= MAX_ATTEMPTS:
        reminder.failed_at = now
    current_app.logger.warning(
        "Reminder %s (%s) not sent, try %s of %s: %s",
        reminder.id,
        reminder.channel,
        reminder.attempts,
        MAX_ATTEMPTS,
        reminder.last_error,
    )
    return reminder.failed_at is not None


def send_claimed(session: Session, reminder_ids: list[int], *, now: datetime) -> RunSummary:
    """Send the reminders this run claimed; each is committed, sent or not, on its own."""
    summary = RunSummary()
    reminders = session.scalars(
        select(Reminder)
        .where(Reminder.id.in_(reminder_ids))
        .options(
            selectinload(Reminder.appointment).selectinload(BookedSession.participant),
            selectinload(Reminder.appointment).selectinload(BookedSession.keyworker),
            selectinload(Reminder.appointment).selectinload(BookedSession.venue),
            selectinload(Reminder.place).selectinload(GroupPlace.participant),
            selectinload(Reminder.place)
            .selectinload(GroupPlace.group_session)
            .selectinload(GroupSession.venue),
        )
        # In the order they fell due (then were made), so a run sends the same way every time.
        .order_by(Reminder.due_at, Reminder.id)
    ).all()
    wants_push = any(r.channel == ReminderChannel.PUSH for r in reminders)
    pusher = Pusher() if wants_push and push_enabled() else None
    try:
        for reminder in reminders:
            if reminder.claimed_at is None:
                continue  # moved or booked again since the claim: due afresh, for a later run
            claim = reminder.claimed_by
            if not still_on(reminder, now):
                # Cancelled or given up since the claim: let it go unsent.
                reminder.claimed_at = reminder.claimed_by = None
                session.commit()
                continue
            try:
                if reminder.channel == ReminderChannel.PUSH:
                    went = send_push_reminder(session, reminder, pusher, now=now)
                else:
                    went = send_email_reminder(session, reminder)
            except SendFailed as error:
                if _record_failure(reminder, error.reason, now=now):
                    summary.failed += 1
                else:
                    summary.retrying += 1
            else:
                # Nothing to send (no email address, no phone) is done too. Marked sent only
                # while this run still holds the claim: if the session moved while the message
                # was on its way, its reminder was reset and stays due for the new time.
                session.execute(
                    update(Reminder)
                    .where(Reminder.id == reminder.id, Reminder.claimed_by == claim)
                    .values(sent_at=now)
                )
                summary.sent += int(went)
            session.commit()
    finally:
        if pusher is not None:
            pusher.close()
    return summary


def send_due_reminders(session: Session, *, now: datetime | None = None) -> RunSummary:
    """Claim and send every reminder that is due."""
    now = now or utcnow()
    worker = secrets.token_hex(8)
    return send_claimed(session, claim_due_reminders(session, now=now, worker=worker), now=now)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Send the day-before reminders that are due (safe to run on several machines at once)."""
    with current_app.test_request_context(base_url=current_app.config.get("BASE_URL") or None):
        summary = send_due_reminders(db.session)
    click.echo(
        f"Sent {_plural(summary.sent, 'reminder')}. "
        f"{summary.retrying} could not be sent and will be tried again on the next run. "
        f"{summary.failed} failed {MAX_ATTEMPTS} times and will not be tried again."
    )


# Scheduling --------------------------------------------------------------------------------


def _reset(reminder: Reminder, starts_at: datetime) -> None:
    reminder.due_at = starts_at - timedelta(days=1)
    reminder.claimed_at = reminder.claimed_by = reminder.sent_at = None
    reminder.attempts, reminder.last_error, reminder.failed_at = 0, None, None


def _schedule(session: Session, owner, owner_ids: Sequence[int], starts_at: datetime):
    """An email and a push reminder a day before ``starts_at`` for each owner (a session's id
    in ``Reminder.session_id``, or a group place's in ``Reminder.group_attendee_id``), made or
    reset, in one query."""
    if not owner_ids:
        return []
    existing = {
        (getattr(reminder, owner.key), reminder.channel): reminder
        for reminder in session.scalars(select(Reminder).where(owner.in_(owner_ids)))
    }
    reminders = []
    for owner_id in owner_ids:
        for channel in ReminderChannel:
            reminder = existing.get((owner_id, channel))
            if reminder is None:
                reminder = Reminder(channel=channel.value, **{owner.key: owner_id})
                session.add(reminder)
            _reset(reminder, starts_at)
            reminders.append(reminder)
    session.flush()
    return reminders


def schedule_reminder(session: Session, booking: BookedSession) -> list[Reminder]:
    """Reminders by email and by push a day before the session (reset when the session moves).

    The push reminder goes only to phones the parent asked for reminders on, if any, when it
    is due; so it is made for every session, whatever the parent has set up today."""
    return _schedule(session, Reminder.session_id, [booking.id], booking.starts_at)


def schedule_place_reminders(
    session: Session, places: Sequence[GroupPlace], starts_at: datetime
) -> list[Reminder]:
    """Reminders by email and by push a day before a group session, for each of these places
    at it (reset when the place is booked again or the group moves)."""
    return _schedule(session, Reminder.group_attendee_id, [p.id for p in places], starts_at)
