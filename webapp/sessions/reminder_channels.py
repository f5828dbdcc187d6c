"""How each kind of reminder is sent: by email, by Web Push, by text. Each says when (and by
text where), and nothing a lock screen should not show."""

from __future__ import annotations

from datetime import datetime

from flask import render_template, url_for
from sqlalchemy.orm import Session

from webapp import clock
from webapp.contact.choices import channels_for
from webapp.models import BookedSession, GroupSession, Reminder, ReminderChannel, User
from webapp.services.mail import MailNotSent, send_mail
from webapp.services.push import Pusher
from webapp.sessions.reminder_texts import TextFailed, held_until, send_text_reminder
from webapp.sessions.slots import LONDON


class SendFailed(Exception):
    """A reminder that did not go; ``reason`` names no one."""

    def __init__(self, reason: str, *, final: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.final = final  # trying again cannot help (the provider said the number is wrong)


class Held(Exception):
    """A text that may not go yet (the night, the parent's quiet hours): wait until ``until``."""

    def __init__(self, until: datetime):
        super().__init__(until.isoformat())
        self.until = until


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


def deliver(session: Session, reminder: Reminder, pusher: Pusher | None, *, now: datetime) -> bool:
    """Send one reminder by its channel: True if it went, False when there is nothing to send
    (the parent no longer chooses this channel, or has nowhere to get it). SendFailed if it
    didn't go; Held if it is a text that must wait."""
    parent = parent_of(reminder)
    if reminder.channel not in channels_for(session, parent, "reminders"):
        return False
    if reminder.channel == ReminderChannel.PUSH:
        return send_push_reminder(session, reminder, pusher, now=now)
    if reminder.channel == ReminderChannel.EMAIL:
        return send_email_reminder(session, reminder)
    if not parent.is_active:
        return False
    later = held_until(session, parent, now)
    if later is not None:
        raise Held(later)
    try:
        send_text_reminder(reminder, parent, reminded_of(reminder))
    except TextFailed as error:
        raise SendFailed(error.reason, final=error.final) from None
    return True
