"""What bookings add to the service record: one-to-one sessions and group places on the
timeline, the next session on the caseload, attended sessions (one-to-one or group) as contact,
the sessions report and engagement, and the large demo's sessions and group sessions. The
caseload's columns are subqueries in the caseload's one query; the other providers run one
query each, whatever the number of people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, case, func, select, type_coerce
from sqlalchemy.orm import Session

from webapp.caseload import facts
from webapp.caseload.facts import FactValue, register_caseload_fact
from webapp.caseload.timeline import TimelineFilters, TimelineItem, register_timeline_source
from webapp.clock import LONDON
from webapp.large_demo import (
    AREA_LARGE_SEEDS,
    LargeSeedContext,
    bulk_insert,
    insert_returning_ids,
)
from webapp.models import (
    BookedSession,
    GroupSession,
    SessionMode,
    SessionStatus,
    User,
    UTCDateTime,
)
from webapp.models import GroupPlace as GroupAttendee
from webapp.reports import figures
from webapp.reports.figures import ReportTable, Scope

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (None, *(date(2000, month, 1).strftime("%B") for month in range(1, 13)))


def _when(moment) -> str:
    """A moment as "Tue 1 December, 15:48", London time."""
    local = moment.astimezone(LONDON)
    # By hand, not with strftime: the caseload asks for fifty of these, and three strftime
    # calls cost seven times as much.
    month = _MONTHS[local.month]
    return f"{_DAYS[local.weekday()]} {local.day} {month}, {local.hour:02}:{local.minute:02}"


def _title(session: BookedSession) -> str:
    when = _when(session.starts_at)
    match session.status:
        case SessionStatus.ATTENDED:
            return f"Attended a session on {when}"
        case SessionStatus.DID_NOT_ATTEND:
            return f"Did not attend the session on {when}"
        case SessionStatus.CANCELLED:
            return f"Session on {when} cancelled"
    if session.sequence > 0:
        return f"Session moved to {when}"
    return f"Session booked for {when}"


# When a session's item happened: when it was held, cancelled, or booked or last moved. (A
# CASE keeps no column type on SQLite: say it is a UTC moment.)
_happened_at = type_coerce(
    case(
        (
            BookedSession.status.in_([SessionStatus.ATTENDED, SessionStatus.DID_NOT_ATTEND]),
            BookedSession.starts_at,
        ),
        (
            BookedSession.status == SessionStatus.CANCELLED,
            func.coalesce(BookedSession.cancelled_at, BookedSession.updated_at),
        ),
        else_=BookedSession.updated_at,
    ),
    UTCDateTime(),
)


def session_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    query = (
        select(BookedSession, User.name, _happened_at.label("moment"))
        .join(User, User.id == BookedSession.keyworker_id)
        .where(BookedSession.participant_id.in_(ids))
        .order_by(_happened_at.desc(), BookedSession.id.desc())
        .limit(filters.limit)
    )
    if filters.before is not None:
        query = query.where(_happened_at < filters.before)
    items = []
    for booked, keyworker, moment in session.execute(query):
        detail = booked.mode.label
        if booked.status == SessionStatus.CANCELLED and booked.cancel_reason:
            detail = f"{detail}. Reason: {booked.cancel_reason}"
        items.append(
            TimelineItem(
                when=moment,
                kind="sessions",
                title=_title(booked),
                detail=detail,
                by=keyworker,
                participant_id=booked.participant_id,
                ref=("session", booked.id),
            )
        )
    return items


def _group_title(place: GroupAttendee, group: GroupSession) -> str:
    when = _when(group.starts_at)
    if group.is_cancelled:
        return f"Group session {group.title} on {when} cancelled"
    match place.status:
        case SessionStatus.ATTENDED:
            return f"Attended the group session {group.title} on {when}"
        case SessionStatus.DID_NOT_ATTEND:
            return f"Did not attend the group session {group.title} on {when}"
        case SessionStatus.CANCELLED:
            return f"Gave up a place at the group session {group.title} on {when}"
    return f"Place booked at the group session {group.title} on {when}"


# When a group place's item happened: when the group was held, when staff cancelled it, when
# the parent gave up the place, or when they booked it.
_place_happened_at = type_coerce(
    case(
        (
            GroupSession.is_cancelled.is_(True),
            func.coalesce(GroupSession.cancelled_at, GroupAttendee.booked_at),
        ),
        (
            GroupAttendee.status.in_([SessionStatus.ATTENDED, SessionStatus.DID_NOT_ATTEND]),
            GroupSession.starts_at,
        ),
        (
            GroupAttendee.status == SessionStatus.CANCELLED,
            func.coalesce(GroupAttendee.cancelled_at, GroupAttendee.booked_at),
        ),
        else_=GroupAttendee.booked_at,
    ),
    UTCDateTime(),
)


def group_place_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    query = (
        select(GroupAttendee, GroupSession, User.name, _place_happened_at.label("moment"))
        .join(GroupSession, GroupSession.id == GroupAttendee.group_session_id)
        .outerjoin(User, User.id == GroupSession.led_by_id)
        .where(GroupAttendee.participant_id.in_(ids))
        .order_by(_place_happened_at.desc(), GroupAttendee.id.desc())
        .limit(filters.limit)
    )
    if filters.before is not None:
        query = query.where(_place_happened_at < filters.before)
    items = []
    for place, group, leader, moment in session.execute(query):
        detail = "Group session"
        if place.creche_children:
            plural = "place" if place.creche_children == 1 else "places"
            detail = f"{detail}, {place.creche_children} crèche {plural}"
        if group.is_cancelled and group.cancel_reason:
            detail = f"{detail}. Reason: {group.cancel_reason}"
        items.append(
            TimelineItem(
                when=moment,
                kind="groups",
                title=_group_title(place, group),
                detail=detail,
                by=leader,
                participant_id=place.participant_id,
                ref=("group_place", place.id),
            )
        )
    return items


def next_session_columns() -> dict[str, ColumnElement]:
    return {
        "next_session_at": select(func.min(BookedSession.starts_at))
        .where(
            BookedSession.participant_id == User.id,
            BookedSession.status == SessionStatus.BOOKED,
            BookedSession.starts_at >= facts.NOW,
        )
        .scalar_subquery()
    }


def present_next_session(values: facts.Values) -> FactValue | None:
    at = values["next_session_at"]
    return None if at is None else FactValue(text=_when(at), sort=at)


def attended_sessions_contact() -> ColumnElement:
    return facts.latest(
        BookedSession.starts_at,
        BookedSession.participant_id == User.id,
        BookedSession.status == SessionStatus.ATTENDED,
    )


def attended_groups_contact() -> ColumnElement:
    return (
        select(func.max(GroupSession.starts_at))
        .join(GroupAttendee, GroupAttendee.group_session_id == GroupSession.id)
        .where(
            GroupAttendee.participant_id == User.id,
            GroupAttendee.status == SessionStatus.ATTENDED,
        )
        .scalar_subquery()
    )


def _in_period(scope: Scope):
    return (
        BookedSession.participant_id.in_(scope.participants),
        BookedSession.starts_at >= scope.start,
        BookedSession.starts_at < scope.end,
    )


def sessions_held_and_attended(session: Session, scope: Scope) -> ReportTable:
    counts = dict(
        session.execute(
            select(BookedSession.status, func.count())
            .where(*_in_period(scope))
            .group_by(BookedSession.status)
        ).all()
    )
    attended = counts.get(SessionStatus.ATTENDED, 0)
    missed = counts.get(SessionStatus.DID_NOT_ATTEND, 0)
    return ReportTable(
        "sessions",
        "Sessions held and attended",
        ["Sessions", "Number"],
        [
            ("Held and attended", attended),
            ("Did not attend", missed),
            ("Cancelled", counts.get(SessionStatus.CANCELLED, 0)),
        ],
        note="Sessions whose time fell in the period.",
    )


def sessions_engagement(scope: Scope) -> Select:
    return select(BookedSession.participant_id).where(
        *_in_period(scope), BookedSession.status == SessionStatus.ATTENDED
    )


LARGE_SESSIONS = 60_000  # at DESIGN.md's scale of 5,000 parents
FULL_SCALE_PARTICIPANTS = 5_000
SLOTS_PER_DAY = 6
SPREAD_DAYS = 100


def seed_large_sessions(session: Session, context: LargeSeedContext) -> None:
    """60,000 sessions at full scale (in proportion for fewer people), mostly in the past.

    Each keyworker's sessions take distinct hourly slots, so neither a keyworker nor a parent
    ever has two at once (PostgreSQL refuses overlaps)."""
    rng = context.rng("bookings")
    people = context.participants
    if not people:
        return
    total = LARGE_SESSIONS * len(people) // FULL_SCALE_PARTICIPANTS
    counts = [total // len(people) + (n < total % len(people)) for n in range(len(people))]
    modes = list(SessionMode)
    past = [SessionStatus.ATTENDED] * 7 + [SessionStatus.DID_NOT_ATTEND] * 2
    past.append(SessionStatus.CANCELLED)
    first_day = context.now.replace(hour=9, minute=0, second=0) + timedelta(days=28)
    by_keyworker: dict[int, list[int]] = {}
    for (pid, _locality, keyworker_id), count in zip(people, counts, strict=True):
        by_keyworker.setdefault(keyworker_id, []).extend([pid] * count)

    def rows():
        for keyworker_id, pids in by_keyworker.items():
            # Spread over the same hundred days or so at any scale, mostly in the past.
            slots = rng.sample(range(max(len(pids), SPREAD_DAYS * SLOTS_PER_DAY)), len(pids))
            for slot, pid in zip(slots, pids, strict=True):
                starts = first_day - timedelta(days=slot // SLOTS_PER_DAY)
                starts += timedelta(hours=slot % SLOTS_PER_DAY)
                status = rng.choice(past) if starts < context.now else SessionStatus.BOOKED
                booked = starts - timedelta(days=rng.randint(2, 14))
                cancelled = None
                if status == SessionStatus.CANCELLED:
                    cancelled = booked + timedelta(days=1)
                yield {
                    "keyworker_id": keyworker_id,
                    "participant_id": pid,
                    "mode": rng.choice(modes),
                    "starts_at": starts,
                    "ends_at": starts + timedelta(minutes=45),
                    "status": status,
                    "cancelled_at": cancelled,
                    "booked_by_id": keyworker_id,
                    "sequence": 0,
                    "created_at": booked,
                    "updated_at": cancelled or (starts if starts < context.now else booked),
                }

    bulk_insert(session, BookedSession, rows())


GROUP_TITLES = (
    "Peer support",
    "CV and interview workshop",
    "Money and benefits drop-in",
    "Confidence and wellbeing",
)
GROUP_CAPACITY = 12
GROUP_CRECHE_PLACES = 6
GROUP_PLACES_TAKEN = 8


def seed_large_groups(session: Session, context: LargeSeedContext) -> None:
    """A group session a week in each locality, led by its manager, over the same hundred days
    as the one-to-ones (Wednesdays, 10:00 to 11:30), with places for parents of the locality
    who have no one-to-one then. Runs after the one-to-ones, which it reads."""
    rng = context.rng("groups")
    # Places for groups soon were booked by this morning: not by the second of the seeding, so
    # that two seedings on one day are the same.
    this_morning = context.now.replace(hour=0, minute=0, second=0)
    parents: dict[int, list[int]] = {}
    for pid, locality_id, _keyworker in context.participants:
        parents.setdefault(locality_id, []).append(pid)
    last = (context.now + timedelta(days=28)).astimezone(LONDON).date()
    last -= timedelta(days=(last.weekday() - 2) % 7)
    days = sorted(last - timedelta(weeks=w) for w in range(SPREAD_DAYS // 7))
    groups = [
        {
            "locality_id": locality_id,
            "led_by_id": context.manager_ids.get(locality_id),
            "title": GROUP_TITLES[n % len(GROUP_TITLES)],
            "starts_at": (starts := datetime.combine(day, time(10), LONDON).astimezone(UTC)),
            "ends_at": starts + timedelta(minutes=90),
            "capacity": GROUP_CAPACITY,
            "creche_places": GROUP_CRECHE_PLACES,
            "created_at": starts - timedelta(days=21),
        }
        for locality_id in context.locality_ids
        if parents.get(locality_id)
        for n, day in enumerate(days)
    ]
    group_ids = insert_returning_ids(session, GroupSession, groups)
    past = [SessionStatus.ATTENDED] * 16 + [SessionStatus.DID_NOT_ATTEND] * 3
    past.append(SessionStatus.CANCELLED)

    def places():
        for group_id, group in zip(group_ids, groups, strict=True):
            starts, ends = group["starts_at"], group["ends_at"]
            busy = set(
                session.scalars(
                    select(BookedSession.participant_id).where(
                        BookedSession.starts_at < ends,
                        BookedSession.ends_at > starts,
                        BookedSession.status != SessionStatus.CANCELLED,
                    )
                )
            )
            free = [pid for pid in parents[group["locality_id"]] if pid not in busy]
            creche_left = GROUP_CRECHE_PLACES
            for pid in rng.sample(free, min(GROUP_PLACES_TAKEN, len(free))):
                children = min(rng.choice([0, 0, 1, 1, 2]), creche_left)
                creche_left -= children
                booked = min(starts - timedelta(days=rng.randint(3, 14)), this_morning)
                status = rng.choice(past) if starts < context.now else SessionStatus.BOOKED
                yield {
                    "group_session_id": group_id,
                    "participant_id": pid,
                    "creche_children": children,
                    "status": status,
                    "booked_at": booked,
                    "cancelled_at": (
                        booked + timedelta(days=1) if status == SessionStatus.CANCELLED else None
                    ),
                }

    bulk_insert(session, GroupAttendee, places())


def register() -> None:
    register_timeline_source("sessions", "Sessions", session_items)
    register_timeline_source("groups", "Group sessions", group_place_items)
    register_caseload_fact(
        "next_session", "Next session", next_session_columns, present_next_session
    )
    facts.register_contact_column(attended_sessions_contact)
    facts.register_contact_column(attended_groups_contact)
    figures.AREA_REPORTS["sessions"] = sessions_held_and_attended
    if sessions_engagement not in figures.ENGAGEMENT_QUERIES:
        figures.ENGAGEMENT_QUERIES.append(sessions_engagement)
    for seed in (seed_large_sessions, seed_large_groups):
        if seed not in AREA_LARGE_SEEDS:
            AREA_LARGE_SEEDS.append(seed)
