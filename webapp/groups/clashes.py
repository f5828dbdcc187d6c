"""Whether a parent or a leader is booked elsewhere when a group session runs: a one-to-one
session (within the leader's gap) or another group session. Read while holding the people's
locks (``sessions.guard.queue_for_people``), so nothing slips in between check and booking."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp import clock
from webapp.models import (
    BookedSession,
    GroupPlace,
    GroupSession,
    SessionStatus,
    User,
)
from webapp.sessions.guard import ACTIVE_STATUSES, hours, overlapping
from webapp.sessions.queries import keyworker_timing


def _at(moment: datetime) -> str:
    return clock.clock_time(moment)


def booked_places(group_id: int):
    """SQL: the group's places held now (not given up; nobody marked yet, before it starts)."""
    return (GroupPlace.group_session_id == group_id) & (GroupPlace.status == SessionStatus.BOOKED)


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
        GroupPlace.participant_id.in_(parents),
        GroupPlace.status != SessionStatus.CANCELLED,
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
        .join(GroupPlace, GroupPlace.group_session_id == GroupSession.id)
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
        select(GroupPlace.participant_id)
        .join(GroupSession, GroupSession.id == GroupPlace.group_session_id)
        .where(*_other_places_then(parent_ids, starts_at, ends_at, group_id))
    )
    return list(
        session.scalars(
            select(User.name).where(User.id.in_(one_to_one.union(other_groups))).order_by(User.name)
        )
    )
