"""Group sessions: peer support and workshops with a capacity and crèche places. Staff plan
them, parents book and cancel their places, and staff mark who came. Functions take a database
session and plain values, only flush, and leave the commit to the caller.

Places are counted with the group's row locked (FOR UPDATE on PostgreSQL; SQLite's BEGIN
IMMEDIATE already lets one writer in at a time), so neither a booking nor a staff member
lowering the capacity can slip past another booking counted at the same moment.

A parent is never in two places at once, and a leader never leads a group during one of their
one-to-one sessions: a place, or a group's time and leader, is checked against the person's
other bookings while holding that person's lock, the same one a one-to-one booking takes
(``sessions.guard.queue_for_people``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.groups.clashes import (
    attendees_booked_elsewhere,
    booked_places,
    leader_clash,
    parent_clash,
)
from webapp.groups.queries import booked_attendees, group_places_taken
from webapp.models import (
    GroupPlace,
    GroupSession,
    SessionStatus,
    User,
    utcnow,
)
from webapp.services.mail import send_mail
from webapp.services.records import ensure_can_book
from webapp.sessions.guard import BookingProblem, queue_for_people
from webapp.sessions.reminders import schedule_place_reminders


class GroupFull(BookingProblem):
    """No place (or not enough crèche places) left at the group session."""


class PlaceClash(BookingProblem):
    """The parent already has a one-to-one session or another group place at that time."""


class GroupProblem(BookingProblem):
    """A change to a group session that can't be made, naming the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class GroupDetails:
    """What staff enter about a group session; times already in UTC."""

    title: str
    description: str
    venue_id: int | None
    led_by_id: int | None
    starts_at: datetime
    ends_at: datetime
    capacity: int
    creche_places: int


def _locked(session: Session, group_id: int) -> GroupSession | None:
    """The group's row, locked until the transaction ends, read afresh."""
    return session.scalar(
        select(GroupSession)
        .where(GroupSession.id == group_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# A parent's place --------------------------------------------------------------------------


def book_group_place(
    session: Session,
    *,
    group_id: int,
    participant: User,
    creche_children: int = 0,
    now: datetime | None = None,
) -> GroupPlace:
    """A place at a group session, within its capacity and crèche places."""
    ensure_can_book(participant, BookingProblem)
    now = now or utcnow()
    group = _locked(session, group_id)
    if group is None or group.is_cancelled or group.locality_id != participant.locality_id:
        raise BookingProblem("That group session isn't running.")
    if group.starts_at <= now:
        raise BookingProblem("That group session has already started.")
    existing = session.scalar(
        select(GroupPlace).where(
            GroupPlace.group_session_id == group_id,
            GroupPlace.participant_id == participant.id,
        )
    )
    if existing is not None and existing.status != SessionStatus.CANCELLED:
        raise BookingProblem("You already have a place at this session.")
    # A one-to-one booking for this parent takes the same lock, so the check below can't miss
    # one being booked at this moment.
    queue_for_people(session, participant.id)
    clash = parent_clash(session, group=group, participant_id=participant.id)
    if clash:
        raise PlaceClash(clash)
    places, creche = group_places_taken(session, group_id)
    if places >= group.capacity:
        raise GroupFull("Sorry, this session is full.")
    if creche + creche_children > group.creche_places:
        left = max(group.creche_places - creche, 0)
        places = "crèche place" if left == 1 else "crèche places"
        raise GroupFull(f"Sorry, there are only {left} {places} left at this session.")
    if existing is None:
        existing = GroupPlace(group_session_id=group_id, participant_id=participant.id)
        session.add(existing)
    else:
        # Booking again after cancelling reuses the row (one per parent and group), and the
        # calendar copy marked cancelled needs a higher SEQUENCE to come back.
        group.sequence += 1
    existing.status = SessionStatus.BOOKED
    existing.creche_children = creche_children
    existing.booked_at = now
    existing.cancelled_at = None
    session.flush()
    schedule_place_reminders(session, [existing], group.starts_at)
    return existing


def cancel_group_place(
    session: Session, *, attendee: GroupPlace, now: datetime | None = None
) -> GroupPlace:
    """Give up a place (and its crèche places) before the session starts."""
    now = now or utcnow()
    group = attendee.group_session
    if attendee.status != SessionStatus.BOOKED:
        raise BookingProblem("You don't have a place at this session.")
    if group.starts_at <= now:
        raise BookingProblem("This session has already started, so the place can't be cancelled.")
    attendee.status = SessionStatus.CANCELLED
    attendee.cancelled_at = now
    # The parent's calendar applies the cancellation only if SEQUENCE goes up; everyone
    # else's copy just sees the same event again. Counted in SQL: two parents may cancel at once.
    group.sequence = GroupSession.sequence + 1
    session.flush()
    return attendee


# Staff planning group sessions -------------------------------------------------------------


def _calendar_fields(details: GroupDetails) -> dict:
    return {
        "title": details.title,
        "description": details.description,
        "venue_id": details.venue_id,
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
    }


def _check_attendees(session: Session, group: GroupSession, details: GroupDetails) -> None:
    """Refuse a new time at which a parent with a place is booked elsewhere. Their locks are
    taken first (with the leader's, in one id order, as every booking takes them), so that no
    booking of theirs can slip in while the group moves."""
    parent_ids = list(
        session.scalars(select(GroupPlace.participant_id).where(booked_places(group.id)))
    )
    queue_for_people(session, *parent_ids, *([details.led_by_id] if details.led_by_id else []))
    names = attendees_booked_elsewhere(
        session,
        group_id=group.id,
        parent_ids=parent_ids,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
    )
    if names:
        who = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        have = "has" if len(names) == 1 else "have"
        raise GroupProblem(
            f"{who} {have} a place at this group and another session then. "
            "Choose another time, or move their session first.",
            field="starts_at",
        )


def _check_leader(session: Session, details: GroupDetails, group_id: int | None) -> None:
    """Refuse a leader who is booked elsewhere then, holding their lock (as a one-to-one
    booking with them does) so that neither can slip past the other."""
    if details.led_by_id is None:
        return
    queue_for_people(session, details.led_by_id)
    clash = leader_clash(
        session,
        leader_id=details.led_by_id,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        group_id=group_id,
    )
    if clash:
        raise GroupProblem(clash, field="starts_at")


def create_group(
    session: Session, *, locality_id: int, details: GroupDetails, now: datetime | None = None
) -> GroupSession:
    """A new group session in the locality, starting in the future."""
    now = now or utcnow()
    if details.starts_at <= now:
        raise GroupProblem("Choose a date and start time in the future.", field="day")
    _check_leader(session, details, group_id=None)
    group = GroupSession(
        locality_id=locality_id,
        led_by_id=details.led_by_id,
        capacity=details.capacity,
        creche_places=details.creche_places,
        **_calendar_fields(details),
    )
    session.add(group)
    session.flush()
    return group


def update_group(
    session: Session, *, group: GroupSession, details: GroupDetails, now: datetime | None = None
) -> bool:
    """Change a group session; True when its time moved. Capacity and crèche places can't go
    below the places already booked; a new time must be in the future."""
    now = now or utcnow()
    group = _locked(session, group.id)
    if group.is_cancelled:
        raise GroupProblem("This group session was cancelled, so it can't be changed.")
    moved = (details.starts_at, details.ends_at) != (group.starts_at, group.ends_at)
    if moved and details.starts_at <= now:
        raise GroupProblem("Choose a date and start time in the future.", field="day")
    if moved:
        _check_attendees(session, group, details)
    if moved or details.led_by_id != group.led_by_id:
        _check_leader(session, details, group_id=group.id)
    places, creche = group_places_taken(session, group.id)
    if details.capacity < places:
        raise GroupProblem(
            f"{places} parents already have a place, so there must be at least {places} places.",
            field="capacity",
        )
    if details.creche_places < creche:
        raise GroupProblem(
            f"{creche} crèche places are already booked, so there must be at least {creche}.",
            field="creche_places",
        )
    calendar = _calendar_fields(details)
    if any(getattr(group, name) != value for name, value in calendar.items()):
        # Calendar apps apply a change only when SEQUENCE goes up.
        group.sequence += 1
    for name, value in calendar.items():
        setattr(group, name, value)
    group.led_by_id = details.led_by_id
    group.capacity, group.creche_places = details.capacity, details.creche_places
    session.flush()
    if moved:
        # Reminded a day before the new time, even if reminded already of the old one.
        booked = session.scalars(select(GroupPlace).where(booked_places(group.id))).all()
        schedule_place_reminders(session, booked, group.starts_at)
    return moved


def why_not_cancel(group: GroupSession, now: datetime | None = None) -> str | None:
    """Why this group session can't be cancelled now, or None when it can."""
    if group.is_cancelled:
        return "This group session is already cancelled."
    if group.starts_at <= (now or utcnow()):
        return "This group session has already started, so it can't be cancelled."
    return None


def cancel_group(
    session: Session, *, group: GroupSession, reason: str, now: datetime | None = None
) -> None:
    """Cancel a group session before it starts, keeping why and when. The parents' places are
    kept as they were, so that who was told stays on record; the session leaves every parent's
    list of what's coming up and shows, cancelled with its reason, in what went before."""
    now = now or utcnow()
    group = _locked(session, group.id)
    refusal = why_not_cancel(group, now)
    if refusal:
        raise GroupProblem(refusal)
    group.is_cancelled = True
    group.cancel_reason = reason
    group.cancelled_at = now
    group.sequence += 1
    session.flush()


def tell_attendees(
    session: Session,
    attendees: Iterable[GroupPlace],
    *,
    group: GroupSession,
    subject: str,
    template: str,
    **context,
) -> list[User]:
    """Email each parent who has an address; returns those who have none, to be told another
    way (every message is also kept in the outbox)."""
    not_emailed = []
    link = url_for("sessions.my_sessions", _external=True)
    for attendee in attendees:
        parent = attendee.participant
        if not parent.email or not parent.is_active:
            not_emailed.append(parent)
            continue
        send_mail(
            session,
            to=parent.email,
            user=parent,
            subject=subject,
            body=render_template(
                template, parent=parent, group=group, sessions_link=link, **context
            ),
        )
    return not_emailed


def mark_group_attendance(
    session: Session, *, group: GroupSession, marks: dict[int, bool], now: datetime | None = None
) -> int:
    """Record who came ({attendee id: attended}), once the session has started. Returns how
    many were marked; ids of other groups' or cancelled places are ignored."""
    now = now or utcnow()
    if group.is_cancelled:
        raise GroupProblem("This group session was cancelled.")
    if group.starts_at > now:
        raise GroupProblem("You can mark attendance once the session has started.")
    marked = 0
    for attendee in booked_attendees(session, group.id):
        if attendee.id in marks:
            attended = marks[attendee.id]
            attendee.status = SessionStatus.ATTENDED if attended else SessionStatus.DID_NOT_ATTEND
            marked += 1
    session.flush()
    return marked
