"""Loading what the slot search needs, in a fixed handful of queries, and running it
(``slots.find_slots``): "find a time" runs this on every page view."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Integer, bindparam, cast, null, or_, select, union_all
from sqlalchemy.orm import Session

from webapp.locality.queries import school_terms
from webapp.models import (
    AvailabilityRule,
    BookedSession,
    FreeWindow,
    GroupPlace,
    GroupSession,
    KeyworkerSettings,
    SessionStatus,
    TimeOff,
    User,
    Venue,
    utcnow,
)
from webapp.models.sessions import ACTIVE_STATUSES
from webapp.sessions.slots import (
    DEFAULT_LIMITS,
    Rule,
    SearchLimits,
    Slot,
    Timing,
    Window,
    find_slots,
)


def _intervals_by(rows) -> dict[int, list[tuple[datetime, datetime]]]:
    grouped: dict[int, list[tuple[datetime, datetime]]] = {}
    for owner, start, end in rows:
        grouped.setdefault(owner, []).append((start, end))
    return grouped


# The slot search's queries, built once: "find a time" runs them on every page view.
_KEYWORKERS = bindparam("keyworker_ids", expanding=True)


RULES_QUERY = (
    select(
        AvailabilityRule.keyworker_id,
        AvailabilityRule.weekday,
        AvailabilityRule.starts_at,
        AvailabilityRule.ends_at,
        AvailabilityRule.mode,
        AvailabilityRule.venue_id,
        AvailabilityRule.valid_from,
        AvailabilityRule.valid_until,
        Venue.has_creche,
        KeyworkerSettings.session_minutes,
        KeyworkerSettings.buffer_minutes,
    )
    .outerjoin(Venue, Venue.id == AvailabilityRule.venue_id)
    .outerjoin(KeyworkerSettings, KeyworkerSettings.keyworker_id == AvailabilityRule.keyworker_id)
    .where(
        AvailabilityRule.keyworker_id.in_(_KEYWORKERS),
        or_(AvailabilityRule.venue_id.is_(None), Venue.is_active.is_(True)),
        AvailabilityRule.valid_from <= bindparam("last_day"),
        or_(
            AvailabilityRule.valid_until.is_(None),
            AvailabilityRule.valid_until >= bindparam("first_day"),
        ),
    )
)


_ONE_TO_ONE_BUSY = select(
    BookedSession.keyworker_id,
    BookedSession.participant_id,
    BookedSession.starts_at,
    BookedSession.ends_at,
).where(
    BookedSession.status.in_(ACTIVE_STATUSES),
    BookedSession.starts_at < bindparam("end"),
    BookedSession.ends_at > bindparam("start"),
    BookedSession.id != bindparam("ignore_id"),
    or_(
        BookedSession.keyworker_id.in_(_KEYWORKERS),
        BookedSession.participant_id == bindparam("participant_id"),
    ),
)


_GROUP_TIME = (
    GroupSession.is_cancelled.is_(False),
    GroupSession.starts_at < bindparam("end"),
    GroupSession.ends_at > bindparam("start"),
)


# Group sessions a keyworker leads keep them busy (with their gap, like their sessions) ...
_LEADING_BUSY = select(
    GroupSession.led_by_id,
    cast(null(), Integer),
    GroupSession.starts_at,
    GroupSession.ends_at,
).where(*_GROUP_TIME, GroupSession.led_by_id.in_(_KEYWORKERS))


# ... and a parent's places at group sessions keep the parent busy.
_PLACES_BUSY = (
    select(
        cast(null(), Integer),
        GroupPlace.participant_id,
        GroupSession.starts_at,
        GroupSession.ends_at,
    )
    .join(GroupSession, GroupSession.id == GroupPlace.group_session_id)
    .where(
        *_GROUP_TIME,
        GroupPlace.participant_id == bindparam("participant_id"),
        GroupPlace.status != SessionStatus.CANCELLED,
    )
)


# One query for everything that makes the keyworkers or the parent busy: (keyworker_id,
# participant_id, starts_at, ends_at) rows, either id empty when the row isn't theirs.
BUSY_QUERY = union_all(_ONE_TO_ONE_BUSY, _LEADING_BUSY, _PLACES_BUSY)


TIME_OFF_QUERY = select(TimeOff.keyworker_id, TimeOff.starts_at, TimeOff.ends_at).where(
    TimeOff.keyworker_id.in_(_KEYWORKERS),
    TimeOff.starts_at < bindparam("end"),
    TimeOff.ends_at > bindparam("start"),
)


WINDOWS_QUERY = select(FreeWindow.weekday, FreeWindow.starts_at, FreeWindow.ends_at).where(
    FreeWindow.participant_id == bindparam("participant_id")
)


def search_slots(
    session: Session,
    *,
    participant: User,
    keyworker_ids: Sequence[int],
    now: datetime | None = None,
    limits: SearchLimits = DEFAULT_LIMITS,
    on_or_after: datetime | None = None,
    before: datetime | None = None,
    ignore_session_id: int | None = None,
    include_sessions: bool = True,
) -> list[Slot]:
    """The slots this parent may book with these keyworkers (five queries, whatever the
    number of keyworkers or sessions)."""
    now = now or utcnow()
    start = max(now + limits.min_notice, on_or_after or now) - timedelta(days=1)
    end = min(now + limits.horizon, before or now + limits.horizon) + timedelta(days=1)
    keyworker_ids = list(keyworker_ids)
    rows = session.execute(
        RULES_QUERY,
        {"keyworker_ids": keyworker_ids, "first_day": start.date(), "last_day": end.date()},
    ).all()
    rules = [
        Rule(
            keyworker_id=row.keyworker_id,
            weekday=row.weekday,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            mode=row.mode,
            venue_id=row.venue_id,
            venue_has_creche=bool(row.has_creche),
            valid_from=row.valid_from,
            valid_until=row.valid_until,
        )
        for row in rows
    ]
    timings = {
        row.keyworker_id: Timing(row.session_minutes, row.buffer_minutes)
        for row in rows
        if row.session_minutes is not None
    }
    if not rules:
        return []
    keyworker_busy: dict[int, list[tuple[datetime, datetime]]] = {}
    participant_busy: list[tuple[datetime, datetime]] = []
    if include_sessions:
        wanted = set(keyworker_ids)
        for keyworker_id, participant_id, starts_at, ends_at in session.execute(
            BUSY_QUERY,
            {
                "keyworker_ids": keyworker_ids,
                "participant_id": participant.id,
                "start": start,
                "end": end,
                "ignore_id": ignore_session_id if ignore_session_id is not None else -1,
            },
        ):
            if keyworker_id in wanted:
                keyworker_busy.setdefault(keyworker_id, []).append((starts_at, ends_at))
            if participant_id == participant.id:
                participant_busy.append((starts_at, ends_at))
    time_off = _intervals_by(
        session.execute(
            TIME_OFF_QUERY, {"keyworker_ids": keyworker_ids, "start": start, "end": end}
        )
    )
    windows = (
        [
            Window(weekday, starts_at, ends_at)
            for weekday, starts_at, ends_at in session.execute(
                WINDOWS_QUERY, {"participant_id": participant.id}
            )
        ]
        if limits.parent_windows
        else []
    )
    return find_slots(
        now=now,
        rules=rules,
        school=school_terms(session, participant.locality_id),
        windows=windows,
        keyworker_busy=keyworker_busy,
        time_off=time_off,
        participant_busy=participant_busy,
        timings=timings,
        limits=limits,
        on_or_after=on_or_after,
        before=before,
    )
