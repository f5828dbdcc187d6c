"""What the group pages read: group sessions with their places taken, a parent's places, the
locality's venues and leaders, calendar feeds. Plain functions of a database session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from webapp.models import (
    STAFF_ROLES,
    GroupPlace,
    GroupSession,
    Role,
    SessionStatus,
    User,
    Venue,
    utcnow,
)

# Group sessions held this recently stay on the staff list, to mark who came.
RECENT = timedelta(days=14)


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


def group_places_taken(session: Session, group_id: int) -> tuple[int, int]:
    """(places taken, crèche places taken) for a group session."""
    places, creche = session.execute(
        select(
            func.count(GroupPlace.id),
            func.coalesce(func.sum(GroupPlace.creche_children), 0),
        ).where(
            GroupPlace.group_session_id == group_id,
            GroupPlace.status != SessionStatus.CANCELLED,
        )
    ).one()
    return places, creche


def _taken_subquery():
    return (
        select(
            GroupPlace.group_session_id,
            func.count(GroupPlace.id).label("places"),
            func.coalesce(func.sum(GroupPlace.creche_children), 0).label("creche"),
        )
        .where(GroupPlace.status != SessionStatus.CANCELLED)
        .group_by(GroupPlace.group_session_id)
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


def place_for(session: Session, *, group_id: int, participant_id: int) -> GroupPlace | None:
    """The parent's row at this group session, booked or cancelled, if they ever had one."""
    return session.scalar(
        select(GroupPlace)
        .where(
            GroupPlace.group_session_id == group_id,
            GroupPlace.participant_id == participant_id,
        )
        .options(selectinload(GroupPlace.group_session).selectinload(GroupSession.venue))
    )


def groups_for_parent(
    session: Session, participant: User, now: datetime | None = None
) -> tuple[list[GroupPlaces], list[GroupPlaces]]:
    """(the group sessions the parent has a place at, the others they could book)."""
    now = now or utcnow()
    mine = select(GroupPlace.group_session_id).where(
        GroupPlace.participant_id == participant.id,
        GroupPlace.status == SessionStatus.BOOKED,
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
        .join(GroupPlace, GroupPlace.group_session_id == GroupSession.id)
        .where(
            GroupPlace.participant_id == participant.id,
            GroupPlace.status == SessionStatus.BOOKED,
            GroupSession.is_cancelled.is_(False),
            GroupSession.ends_at >= (now or utcnow()),
        )
        .options(selectinload(GroupSession.venue))
        .order_by(GroupSession.starts_at)
        .limit(1)
    )


def past_group_places(
    session: Session, participant: User, now: datetime | None = None, limit: int = 10
) -> list[GroupPlace]:
    """The parent's places that are over: held, cancelled by staff, or given up; latest first."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(GroupPlace)
            .join(GroupSession, GroupSession.id == GroupPlace.group_session_id)
            .where(
                GroupPlace.participant_id == participant.id,
                or_(
                    GroupSession.is_cancelled.is_(True),
                    GroupSession.ends_at < now,
                    GroupPlace.status == SessionStatus.CANCELLED,
                ),
            )
            .options(selectinload(GroupPlace.group_session))
            .order_by(GroupSession.starts_at.desc())
            .limit(limit)
        )
    )


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


def booked_attendees(session: Session, group_id: int) -> list[GroupPlace]:
    """The parents with a place (booked, attended or not), by name."""
    return list(
        session.scalars(
            select(GroupPlace)
            .join(User, User.id == GroupPlace.participant_id)
            .where(
                GroupPlace.group_session_id == group_id,
                GroupPlace.status != SessionStatus.CANCELLED,
            )
            .options(selectinload(GroupPlace.participant))
            .order_by(User.name, User.id)
        )
    )


def can_manage(user: User, group: GroupSession) -> bool:
    """Keyworkers and managers plan and run the group sessions of their own locality."""
    return (
        user.role in STAFF_ROLES
        and user.role != Role.ADMIN
        and user.locality_id is not None
        and user.locality_id == group.locality_id
    )


def feed_groups(session: Session, user: User, since: datetime) -> list[tuple[GroupSession, bool]]:
    """(group session, cancelled for this person) for a calendar feed: a parent's places,
    including ones they gave up, or the group sessions a member of staff leads."""
    if user.role == Role.PARTICIPANT:
        rows = session.execute(
            select(GroupSession, GroupPlace.status)
            .join(GroupPlace, GroupPlace.group_session_id == GroupSession.id)
            .where(GroupPlace.participant_id == user.id, GroupSession.starts_at >= since)
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


def group_session(session: Session, group_id: int) -> GroupSession | None:
    """One group session by id (who may see it, the caller checks)."""
    return session.get(GroupSession, group_id)
