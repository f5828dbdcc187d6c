"""What bookings add to the service record: one-to-one sessions and group places on the
timeline, the next session on the caseload, attended sessions (one-to-one or group) as contact,
and the sessions report and engagement (declared in ``webapp/bookings/area.py``). The
caseload's columns are subqueries in the caseload's one query; the other providers run one
query each, whatever the number of people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, case, func, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from webapp import clock
from webapp.caseload import facts
from webapp.caseload.facts import FactValue
from webapp.caseload.timeline import TimelineFilters, TimelineItem, newest_first
from webapp.models import (
    BookedSession,
    GroupPlace,
    GroupSession,
    SessionStatus,
    User,
    UTCDateTime,
    utcnow,
)
from webapp.reports.figures import ReportTable, Scope


def _title(session: BookedSession) -> str:
    when = clock.day_and_time(session.starts_at)
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
    query = select(BookedSession, User.name, _happened_at.label("moment")).join(
        User, User.id == BookedSession.keyworker_id
    )
    query = newest_first(
        query, BookedSession.participant_id, _happened_at, BookedSession.id, ids, filters
    )
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


def _group_title(place: GroupPlace, group: GroupSession) -> str:
    when = clock.day_and_time(group.starts_at)
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
            func.coalesce(GroupSession.cancelled_at, GroupPlace.booked_at),
        ),
        (
            GroupPlace.status.in_([SessionStatus.ATTENDED, SessionStatus.DID_NOT_ATTEND]),
            GroupSession.starts_at,
        ),
        (
            GroupPlace.status == SessionStatus.CANCELLED,
            func.coalesce(GroupPlace.cancelled_at, GroupPlace.booked_at),
        ),
        else_=GroupPlace.booked_at,
    ),
    UTCDateTime(),
)


def group_place_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    query = (
        select(GroupPlace, GroupSession, User.name, _place_happened_at.label("moment"))
        .join(GroupSession, GroupSession.id == GroupPlace.group_session_id)
        .outerjoin(User, User.id == GroupSession.led_by_id)
    )
    query = newest_first(
        query, GroupPlace.participant_id, _place_happened_at, GroupPlace.id, ids, filters
    )
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
    return None if at is None else FactValue(text=clock.day_and_time(at), sort=at)


def missed_session_columns() -> dict[str, ColumnElement]:
    """The status and time of the parent's latest marked session."""
    marked = (
        BookedSession.participant_id == User.id,
        BookedSession.status.in_([SessionStatus.ATTENDED, SessionStatus.DID_NOT_ATTEND]),
        BookedSession.starts_at <= facts.NOW,
    )
    return {
        "marked_session_status": facts.latest(
            BookedSession.status, *marked, order_by=[BookedSession.starts_at.desc()]
        ),
        "marked_session_at": type_coerce(
            facts.latest(BookedSession.starts_at, *marked), UTCDateTime()
        ),
    }


def missed_session_check(values: facts.Values) -> str | None:
    """The parent did not come to their latest session (a later one they came to clears it)."""
    if values["marked_session_status"] != SessionStatus.DID_NOT_ATTEND:
        return None
    return f"Did not attend the session on {clock.day(values['marked_session_at'])}"


def attended_sessions_contact() -> ColumnElement:
    return facts.latest(
        BookedSession.starts_at,
        BookedSession.participant_id == User.id,
        BookedSession.status == SessionStatus.ATTENDED,
    )


def attended_groups_contact() -> ColumnElement:
    return (
        select(func.max(GroupSession.starts_at))
        .join(GroupPlace, GroupPlace.group_session_id == GroupSession.id)
        .where(
            GroupPlace.participant_id == User.id,
            GroupPlace.status == SessionStatus.ATTENDED,
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


RECORD_SESSIONS = 5  # how many sessions each way the record's panel lists


def record_panel(session: Session, participant: User) -> dict:
    """The parent's next sessions and their most recent ones, for their record."""
    now = utcnow()
    query = select(BookedSession).where(BookedSession.participant_id == participant.id)
    query = query.options(selectinload(BookedSession.venue), selectinload(BookedSession.keyworker))
    upcoming = session.scalars(
        query.where(BookedSession.starts_at > now, BookedSession.status == SessionStatus.BOOKED)
        .order_by(BookedSession.starts_at)
        .limit(RECORD_SESSIONS)
    ).all()
    recent = session.scalars(
        query.where(BookedSession.starts_at <= now)
        .order_by(BookedSession.starts_at.desc())
        .limit(RECORD_SESSIONS)
    ).all()
    return {"participant": participant, "upcoming": upcoming, "recent": recent, "now": now}
