"""Group sessions: peer support and workshops with a capacity and crèche places. Staff plan
them, parents book and cancel their places, and staff mark who came. Functions take a database
session and plain values, only flush, and leave the commit to the caller.

Places are counted with the group's row locked (FOR UPDATE on PostgreSQL; SQLite's BEGIN
IMMEDIATE already lets one writer in at a time), so neither a booking nor a staff member
lowering the capacity can slip past another booking counted at the same moment.

A parent is never in two places at once, and a leader never leads a group during one of their
one-to-one sessions: a place, or a group's time and leader, is checked against the person's
other bookings while holding that person's lock, the same one a one-to-one booking takes
(``operations.queue_for_people``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from webapp import clock
from webapp.bookings.operations import (
    ACTIVE_STATUSES,
    BookingProblem,
    hours,
    keyworker_timing,
    overlapping,
    queue_for_people,
    schedule_place_reminders,
)
from webapp.models import (
    STAFF_ROLES,
    BookedSession,
    GroupAttendee,
    GroupSession,
    Role,
    SessionStatus,
    User,
    Venue,
    utcnow,
)
from webapp.services.mail import send_mail

# Group sessions held this recently stay on the staff list, to mark who came.
RECENT = timedelta(days=14)


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


@dataclass
class GroupPlaces:
    """A group session with how many of its places and crèche places are taken."""

    group: GroupSession
    places_taken: int
    creche_taken: int

    @property
    def places_left(self) -> int:
        return max(self.group.capacity - self.places_taken, 0)

    @property
    def creche_left(self) -> int:
        return max(self.group.creche_places - self.creche_taken, 0)


# Counting places ----------------------------------------------------------------------------


def group_places_taken(session: Session, group_id: int) -> tuple[int, int]:
    """(places taken, crèche places taken) for a group session."""
    places, creche = session.execute(
        select(
            func.count(GroupAttendee.id),
            func.coalesce(func.sum(GroupAttendee.creche_children), 0),
        ).where(
            GroupAttendee.group_session_id == group_id,
            GroupAttendee.status != SessionStatus.CANCELLED,
        )
    ).one()
    return places, creche


def _taken_subquery():
    return (
        select(
            GroupAttendee.group_session_id,
            func.count(GroupAttendee.id).label("places"),
            func.coalesce(func.sum(GroupAttendee.creche_children), 0).label("creche"),
        )
        .where(GroupAttendee.status != SessionStatus.CANCELLED)
        .group_by(GroupAttendee.group_session_id)
        .subquery()
    )


def _with_places(session: Session, *conditions, order, limit: int) -> list[GroupPlaces]:
    """Group sessions matching ``conditions`` with their places taken, in one query."""
    taken = _taken_subquery()
    rows = session.execute(
        select(GroupSession, taken.c.places, taken.c.creche)
        .outerjoin(taken, taken.c.group_session_id == GroupSession.id)
        .where(*conditions)
        .options(selectinload(GroupSession.venue), selectinload(GroupSession.led_by))
        .order_by(order)
        .limit(limit)
    ).all()
    return [GroupPlaces(group, places or 0, creche or 0) for group, places, creche in rows]


def _locked(session: Session, group_id: int) -> GroupSession | None:
    """The group's row, locked until the transaction ends, read afresh."""
    return session.scalar(
        select(GroupSession)
        .where(GroupSession.id == group_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _at(moment: datetime) -> str:
    return clock.clock_time(moment)


def _booked_places(group_id: int):
    """SQL: the group's places held now (not given up; nobody marked yet, before it starts)."""
    return (GroupAttendee.group_session_id == group_id) & (
        GroupAttendee.status == SessionStatus.BOOKED
    )


def _one_to_ones_then(parents, starts_at: datetime, ends_at: datetime):
    """SQL: booked one-to-one sessions of these parents (ids or a subquery) at that time."""
    return (
        BookedSession.participant_id.in_(parents),
        BookedSession.status.in_(ACTIVE_STATUSES),
        overlapping(BookedSession, starts_at, ends_at),
    )


def _other_places_then(parents, starts_at: datetime, ends_at: datetime, group_id: int):
    """SQL (joined to GroupSession): these parents' places at other group sessions then."""
    return (
        GroupAttendee.participant_id.in_(parents),
        GroupAttendee.status != SessionStatus.CANCELLED,
        GroupSession.is_cancelled.is_(False),
        GroupSession.id != group_id,
        overlapping(GroupSession, starts_at, ends_at),
    )


def parent_clash(session: Session, *, group: GroupSession, participant_id: int) -> str | None:
    """Why the parent can't have a place at this group session, or None: they have a one-to-one
    session or a place at another group session at the same time."""
    booked = session.execute(
        select(BookedSession.starts_at, User.name)
        .join(User, User.id == BookedSession.keyworker_id)
        .where(*_one_to_ones_then([participant_id], group.starts_at, group.ends_at))
        .order_by(BookedSession.starts_at)
        .limit(1)
    ).first()
    if booked is not None:
        return (
            f"You have a session with {booked.name} at {_at(booked.starts_at)} then. "
            "Move it first, or choose another group."
        )
    other = session.execute(
        select(GroupSession.title, GroupSession.starts_at)
        .join(GroupAttendee, GroupAttendee.group_session_id == GroupSession.id)
        .where(*_other_places_then([participant_id], group.starts_at, group.ends_at, group.id))
        .order_by(GroupSession.starts_at)
        .limit(1)
    ).first()
    if other is not None:
        return (
            f"You have a place at {other.title} at {_at(other.starts_at)} then. "
            "Give up that place first, or choose another group."
        )
    return None


def leader_clash(
    session: Session,
    *,
    leader_id: int,
    starts_at: datetime,
    ends_at: datetime,
    group_id: int | None = None,
) -> str | None:
    """Why this person can't lead a group session at that time, or None: they have a one-to-one
    session then (or within the gap they keep around sessions), or lead another group."""
    leader = session.get(User, leader_id)
    gap = timedelta(minutes=keyworker_timing(session, leader_id).buffer_minutes)
    booked = session.execute(
        select(BookedSession.starts_at, BookedSession.ends_at)
        .where(
            BookedSession.keyworker_id == leader_id,
            BookedSession.status.in_(ACTIVE_STATUSES),
            overlapping(BookedSession, starts_at, ends_at, gap),
        )
        .order_by(BookedSession.starts_at)
        .limit(1)
    ).first()
    if booked is not None:
        return (
            f"{leader.name} has a one-to-one session from {hours(*booked)} that day. "
            "Choose another time, or someone else to lead it."
        )
    other = session.execute(
        select(GroupSession.title, GroupSession.starts_at, GroupSession.ends_at)
        .where(
            GroupSession.led_by_id == leader_id,
            GroupSession.is_cancelled.is_(False),
            GroupSession.id != (group_id or -1),
            overlapping(GroupSession, starts_at, ends_at),
        )
        .order_by(GroupSession.starts_at)
        .limit(1)
    ).first()
    if other is not None:
        return (
            f"{leader.name} is leading {other.title} from {hours(other.starts_at, other.ends_at)} "
            "that day. Choose another time, or someone else to lead it."
        )
    return None


# A parent's place -----------------------------------------------------------------------------


def book_group_place(
    session: Session,
    *,
    group_id: int,
    participant: User,
    creche_children: int = 0,
    now: datetime | None = None,
) -> GroupAttendee:
    """A place at a group session, within its capacity and crèche places."""
    now = now or utcnow()
    group = _locked(session, group_id)
    if group is None or group.is_cancelled or group.locality_id != participant.locality_id:
        raise BookingProblem("That group session isn't running.")
    if group.starts_at <= now:
        raise BookingProblem("That group session has already started.")
    existing = session.scalar(
        select(GroupAttendee).where(
            GroupAttendee.group_session_id == group_id,
            GroupAttendee.participant_id == participant.id,
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
        existing = GroupAttendee(group_session_id=group_id, participant_id=participant.id)
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


def place_for(session: Session, *, group_id: int, participant_id: int) -> GroupAttendee | None:
    """The parent's row at this group session, booked or cancelled, if they ever had one."""
    return session.scalar(
        select(GroupAttendee)
        .where(
            GroupAttendee.group_session_id == group_id,
            GroupAttendee.participant_id == participant_id,
        )
        .options(selectinload(GroupAttendee.group_session).selectinload(GroupSession.venue))
    )


def cancel_group_place(
    session: Session, *, attendee: GroupAttendee, now: datetime | None = None
) -> GroupAttendee:
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


def groups_for_parent(
    session: Session, participant: User, now: datetime | None = None
) -> tuple[list[GroupPlaces], list[GroupPlaces]]:
    """(the group sessions the parent has a place at, the others they could book)."""
    now = now or utcnow()
    mine = select(GroupAttendee.group_session_id).where(
        GroupAttendee.participant_id == participant.id,
        GroupAttendee.status == SessionStatus.BOOKED,
    )
    running = (
        GroupSession.locality_id == participant.locality_id,
        GroupSession.is_cancelled.is_(False),
    )
    going = _with_places(
        session,
        *running,
        GroupSession.id.in_(mine),
        GroupSession.ends_at >= now,
        order=GroupSession.starts_at,
        limit=20,
    )
    others = _with_places(
        session,
        *running,
        GroupSession.id.not_in(mine),
        GroupSession.starts_at > now,
        order=GroupSession.starts_at,
        limit=10,
    )
    return going, others


def next_group_place(
    session: Session, participant: User, now: datetime | None = None
) -> GroupSession | None:
    """The next group session the parent has a place at, for the Today panel."""
    return session.scalar(
        select(GroupSession)
        .join(GroupAttendee, GroupAttendee.group_session_id == GroupSession.id)
        .where(
            GroupAttendee.participant_id == participant.id,
            GroupAttendee.status == SessionStatus.BOOKED,
            GroupSession.is_cancelled.is_(False),
            GroupSession.ends_at >= (now or utcnow()),
        )
        .options(selectinload(GroupSession.venue))
        .order_by(GroupSession.starts_at)
        .limit(1)
    )


def past_group_places(
    session: Session, participant: User, now: datetime | None = None, limit: int = 10
) -> list[GroupAttendee]:
    """The parent's places that are over: held, cancelled by staff, or given up; latest first."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(GroupAttendee)
            .join(GroupSession, GroupSession.id == GroupAttendee.group_session_id)
            .where(
                GroupAttendee.participant_id == participant.id,
                or_(
                    GroupSession.is_cancelled.is_(True),
                    GroupSession.ends_at < now,
                    GroupAttendee.status == SessionStatus.CANCELLED,
                ),
            )
            .options(selectinload(GroupAttendee.group_session))
            .order_by(GroupSession.starts_at.desc())
            .limit(limit)
        )
    )


# Staff planning group sessions -------------------------------------------------------------


def groups_for_staff(
    session: Session, locality_id: int | None, now: datetime | None = None
) -> tuple[list[GroupPlaces], list[GroupPlaces]]:
    """(group sessions not yet over, cancelled ones included; those held in the last 14 days)."""
    now = now or utcnow()
    here = GroupSession.locality_id == locality_id
    upcoming = _with_places(
        session, here, GroupSession.ends_at >= now, order=GroupSession.starts_at, limit=50
    )
    recent = _with_places(
        session,
        here,
        GroupSession.is_cancelled.is_(False),
        GroupSession.ends_at < now,
        GroupSession.starts_at >= now - RECENT,
        order=GroupSession.starts_at.desc(),
        limit=50,
    )
    return upcoming, recent


def venue_choices(session: Session, locality_id: int | None, keep: int | None = None):
    """The locality's active venues, and the group's current one even if it has closed."""
    return session.scalars(
        select(Venue)
        .where(
            Venue.locality_id == locality_id,
            or_(Venue.is_active.is_(True), Venue.id == (keep or -1)),
        )
        .order_by(Venue.name)
    ).all()


def leader_choices(session: Session, locality_id: int | None, keep: int | None = None):
    """The locality's active keyworkers and managers, and the current leader whoever they are."""
    return session.scalars(
        select(User)
        .where(
            or_(
                (User.locality_id == locality_id)
                & User.role.in_([Role.KEYWORKER, Role.MANAGER])
                & User.is_active.is_(True),
                User.id == (keep or -1),
            )
        )
        .order_by(User.name)
    ).all()


def _calendar_fields(details: GroupDetails) -> dict:
    return {
        "title": details.title,
        "description": details.description,
        "venue_id": details.venue_id,
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
    }


def attendees_booked_elsewhere(
    session: Session,
    *,
    group_id: int,
    parent_ids: list[int],
    starts_at: datetime,
    ends_at: datetime,
) -> list[str]:
    """The names of these parents (with a place at this group) who have a one-to-one session or
    a place at another group session between ``starts_at`` and ``ends_at``."""
    one_to_one = select(BookedSession.participant_id).where(
        *_one_to_ones_then(parent_ids, starts_at, ends_at)
    )
    other_groups = (
        select(GroupAttendee.participant_id)
        .join(GroupSession, GroupSession.id == GroupAttendee.group_session_id)
        .where(*_other_places_then(parent_ids, starts_at, ends_at, group_id))
    )
    return list(
        session.scalars(
            select(User.name).where(User.id.in_(one_to_one.union(other_groups))).order_by(User.name)
        )
    )


def _check_attendees(session: Session, group: GroupSession, details: GroupDetails) -> None:
    """Refuse a new time at which a parent with a place is booked elsewhere. Their locks are
    taken first (with the leader's, in one id order, as every booking takes them), so that no
    booking of theirs can slip in while the group moves."""
    parent_ids = list(
        session.scalars(select(GroupAttendee.participant_id).where(_booked_places(group.id)))
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
        booked = session.scalars(select(GroupAttendee).where(_booked_places(group.id))).all()
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


def booked_attendees(session: Session, group_id: int) -> list[GroupAttendee]:
    """The parents with a place (booked, attended or not), by name."""
    return list(
        session.scalars(
            select(GroupAttendee)
            .join(User, User.id == GroupAttendee.participant_id)
            .where(
                GroupAttendee.group_session_id == group_id,
                GroupAttendee.status != SessionStatus.CANCELLED,
            )
            .options(selectinload(GroupAttendee.participant))
            .order_by(User.name, User.id)
        )
    )


def tell_attendees(
    session: Session,
    attendees: Iterable[GroupAttendee],
    *,
    group: GroupSession,
    subject: str,
    template: str,
    **context,
) -> list[User]:
    """Email each parent who has an address; returns those who have none, to be told another
    way (every message is also kept in the outbox)."""
    not_emailed = []
    link = url_for("bookings.my_sessions", _external=True)
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


def can_manage(user: User, group: GroupSession) -> bool:
    """Keyworkers and managers plan and run the group sessions of their own locality."""
    return (
        user.role in STAFF_ROLES
        and user.role != Role.ADMIN
        and user.locality_id is not None
        and user.locality_id == group.locality_id
    )


# Calendars ---------------------------------------------------------------------------------


def feed_groups(session: Session, user: User, since: datetime) -> list[tuple[GroupSession, bool]]:
    """(group session, cancelled for this person) for a calendar feed: a parent's places,
    including ones they gave up, or the group sessions a member of staff leads."""
    if user.role == Role.PARTICIPANT:
        rows = session.execute(
            select(GroupSession, GroupAttendee.status)
            .join(GroupAttendee, GroupAttendee.group_session_id == GroupSession.id)
            .where(GroupAttendee.participant_id == user.id, GroupSession.starts_at >= since)
            .options(selectinload(GroupSession.venue))
            .order_by(GroupSession.starts_at)
        ).all()
        return [
            (group, group.is_cancelled or status == SessionStatus.CANCELLED)
            for group, status in rows
        ]
    groups = session.scalars(
        select(GroupSession)
        .where(GroupSession.led_by_id == user.id, GroupSession.starts_at >= since)
        .options(selectinload(GroupSession.venue))
        .order_by(GroupSession.starts_at)
    ).all()
    return [(group, group.is_cancelled) for group in groups]
