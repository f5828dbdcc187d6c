"""Reminders the day before a session, sent by a job that is safe to run twice at once.

Each one-to-one session, and each parent's place at a group session, has a reminder per
channel: by email, by Web Push to every phone the parent asked for reminders on, and by text
when the parent chose texts and has a mobile (``reminder_texts``). Each goes only by a channel
the parent still chooses when it is due ("How we contact you"; a STOP reply ends texts). A
cancelled session, a place given up or a cancelled group is not reminded of.

Each run first *claims* the reminders that are due, in a short transaction of its own:
PostgreSQL's ``FOR UPDATE SKIP LOCKED`` lets two runs split the rows between them, and
SQLite's BEGIN IMMEDIATE lets only one run claim at a time. A claimed reminder belongs to that
run, which sends it and marks it sent. A claim left by a run that died is taken over after an
hour.

A send that fails (the mail server refuses, no push service answers) is not marked sent: the
claim is let go and the next run tries again, up to ``MAX_ATTEMPTS`` times, after which the
reminder is marked failed and left alone (the caseload then flags the parent). A text backs
off between tries, and one due at night waits until the morning.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, selectinload

from webapp.contact.choices import channels_for
from webapp.models import (
    BookedSession,
    ContactChoice,
    GroupPlace,
    GroupSession,
    Reminder,
    ReminderChannel,
    SessionStatus,
    User,
    utcnow,
)
from webapp.services.push import Pusher, push_enabled
from webapp.sessions.reminder_channels import Held, SendFailed, deliver, parent_of
from webapp.sessions.reminder_texts import backoff
from webapp.web.extensions import db

STALE_CLAIM = timedelta(hours=1)
MAX_ATTEMPTS = 5


@dataclass
class RunSummary:
    """What one run did with the reminders it claimed."""

    sent: int = 0
    retrying: int = 0  # failed this time; the next run tries again
    failed: int = 0  # failed MAX_ATTEMPTS times; given up
    held: int = 0  # texts due in the night or the parent's quiet hours: they wait for morning


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
            or_(Reminder.next_try_at.is_(None), Reminder.next_try_at <= now),
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


def still_on(reminder: Reminder, now: datetime) -> bool:
    """Whether what the reminder is for is still going ahead and yet to start."""
    if reminder.appointment is not None:
        booking = reminder.appointment
        return booking.status == SessionStatus.BOOKED and booking.starts_at > now
    place, group = reminder.place, reminder.place.group_session
    return place.status == SessionStatus.BOOKED and not group.is_cancelled and group.starts_at > now


def _record_failure(reminder: Reminder, error: SendFailed, *, now: datetime) -> bool:
    """Let the claim go so a later run tries again, or give up. True if given up."""
    reminder.attempts += 1
    reminder.last_error = error.reason[:200]
    reminder.claimed_at = reminder.claimed_by = None
    if reminder.channel == ReminderChannel.TEXT:
        reminder.next_try_at = now + backoff(reminder.attempts)
    if reminder.attempts >= MAX_ATTEMPTS or error.final:
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
    # The parents' contact choices, in one query (channels_for then finds them in the session).
    parents = {parent_of(r).id for r in reminders}
    session.scalars(select(ContactChoice).where(ContactChoice.user_id.in_(parents))).all()
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
                went = deliver(session, reminder, pusher, now=now)
            except Held as held:
                reminder.next_try_at = held.until
                reminder.claimed_at = reminder.claimed_by = None
                summary.held += 1
            except SendFailed as error:
                if _record_failure(reminder, error, now=now):
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
        + (f" {_plural(summary.held, 'text')} will wait until morning." if summary.held else "")
    )


# Scheduling --------------------------------------------------------------------------------


def _reset(reminder: Reminder, starts_at: datetime) -> None:
    reminder.due_at = starts_at - timedelta(days=1)
    reminder.claimed_at = reminder.claimed_by = reminder.sent_at = None
    reminder.attempts, reminder.last_error, reminder.failed_at = 0, None, None
    reminder.next_try_at = reminder.provider_id = None
    reminder.delivery_status = reminder.delivery_status_at = None


def _texts_wanted(session: Session, parent_ids: set[int]) -> set[int]:
    """Which of these parents chose texts for reminders and have a mobile (two queries)."""
    if not parent_ids:
        return set()
    parents = session.scalars(select(User).where(User.id.in_(parent_ids))).all()
    session.scalars(select(ContactChoice).where(ContactChoice.user_id.in_(parent_ids))).all()
    return {p.id for p in parents if "text" in channels_for(session, p, "reminders")}


def _schedule(session: Session, owner, owners: Sequence[tuple[int, int]], starts_at: datetime):
    """Reminders a day before ``starts_at`` for each (owner, parent): a session's id in
    ``Reminder.session_id``, or a group place's in ``Reminder.group_attendee_id``. By email and
    by push always (each goes, when due, only if the parent can get it then); by text when the
    parent chose texts and has a mobile. Made or reset, in a few queries whatever the number."""
    if not owners:
        return []
    owner_ids = [owner_id for owner_id, _ in owners]
    existing = {
        (getattr(reminder, owner.key), reminder.channel): reminder
        for reminder in session.scalars(select(Reminder).where(owner.in_(owner_ids)))
    }
    texts = _texts_wanted(session, {parent_id for _, parent_id in owners})
    reminders = []
    for owner_id, parent_id in owners:
        for channel in ReminderChannel:
            reminder = existing.get((owner_id, channel))
            if reminder is None:
                if channel == ReminderChannel.TEXT and parent_id not in texts:
                    continue
                reminder = Reminder(channel=channel.value, **{owner.key: owner_id})
                session.add(reminder)
            _reset(reminder, starts_at)
            reminders.append(reminder)
    session.flush()
    return reminders


def schedule_reminder(session: Session, booking: BookedSession) -> list[Reminder]:
    """Reminders a day before the session (reset when the session moves).

    The push reminder goes only to phones the parent asked for reminders on, if any, when it
    is due; so it is made for every session, whatever the parent has set up today."""
    owners = [(booking.id, booking.participant_id)]
    return _schedule(session, Reminder.session_id, owners, booking.starts_at)


def schedule_place_reminders(
    session: Session, places: Sequence[GroupPlace], starts_at: datetime
) -> list[Reminder]:
    """Reminders a day before a group session, for each of these places at it (reset when the
    place is booked again or the group moves)."""
    owners = [(p.id, p.participant_id) for p in places]
    return _schedule(session, Reminder.group_attendee_id, owners, starts_at)
