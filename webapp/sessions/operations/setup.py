"""What keyworkers and parents set up: a keyworker's session length, availability and time off,
and a parent's free windows. Functions only flush; the caller commits."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import (
    AvailabilityRule,
    FreeWindow,
    KeyworkerSettings,
    SessionMode,
    TimeOff,
    User,
)
from webapp.sessions.free_windows import WindowRefused, check_free_window
from webapp.sessions.queries import keyworker_settings_or_default
from webapp.sessions.slots import LONDON, SESSION_GAPS, SESSION_LENGTHS, local_moment


def set_session_timing(
    session: Session, *, keyworker: User, session_minutes: int, buffer_minutes: int
) -> KeyworkerSettings:
    """Save how long the keyworker's new sessions are and the gap kept around them.

    Sessions already booked keep their own start and end: only the times offered change.
    """
    if session_minutes not in SESSION_LENGTHS or buffer_minutes not in SESSION_GAPS:
        raise ValueError("a session length or gap CoPlan does not offer")
    settings = keyworker_settings_or_default(session, keyworker.id)
    settings.session_minutes, settings.buffer_minutes = session_minutes, buffer_minutes
    if settings not in session:
        session.add(settings)
    session.flush()
    return settings


# What keyworkers and parents set up -----------------------------------------------------------


def add_free_window(
    session: Session, *, participant: User, weekday: int, starts_at: time, ends_at: time
) -> FreeWindow:
    """A weekly stretch when the parent is free: only times inside their windows are offered."""
    check_free_window(
        session, participant=participant, weekday=weekday, starts_at=starts_at, ends_at=ends_at
    )
    window = FreeWindow(
        participant_id=participant.id, weekday=weekday, starts_at=starts_at, ends_at=ends_at
    )
    session.add(window)
    session.flush()
    return window


def add_availability_rule(
    session: Session,
    *,
    keyworker: User,
    weekday: int,
    starts_at: time,
    ends_at: time,
    mode: SessionMode,
    venue_id: int | None,
    valid_from: date,
    valid_until: date | None,
) -> AvailabilityRule:
    """A weekly stretch when the keyworker can meet people, somewhere, in some way; the very
    same rule twice is refused."""
    same = session.scalar(
        select(AvailabilityRule.id).where(
            AvailabilityRule.keyworker_id == keyworker.id,
            AvailabilityRule.weekday == weekday,
            AvailabilityRule.starts_at == starts_at,
            AvailabilityRule.ends_at == ends_at,
            AvailabilityRule.mode == mode,
            AvailabilityRule.venue_id.is_(None)
            if venue_id is None
            else AvailabilityRule.venue_id == venue_id,
            AvailabilityRule.valid_from == valid_from,
            AvailabilityRule.valid_until.is_(None)
            if valid_until is None
            else AvailabilityRule.valid_until == valid_until,
        )
    )
    if same is not None:
        raise WindowRefused("starts_at", "You've already added this availability.")
    rule = AvailabilityRule(
        keyworker_id=keyworker.id,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        venue_id=venue_id,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    session.add(rule)
    session.flush()
    return rule


def add_time_off(
    session: Session, *, keyworker: User, first_day: date, last_day: date, reason: str
) -> TimeOff:
    """Whole days (in Scotland) off, first to last inclusive: no new times are offered then.
    Days that overlap time off already given are refused, naming it."""
    starts = local_moment(first_day, time(0))
    ends = local_moment(last_day + timedelta(days=1), time(0))
    clash = session.scalar(
        select(TimeOff).where(
            TimeOff.keyworker_id == keyworker.id,
            TimeOff.starts_at < ends,
            TimeOff.ends_at > starts,
        )
    )
    if clash is not None:
        raise WindowRefused(
            "starts_on",
            f"You already have time off from {clash.starts_at.astimezone(LONDON):%-d %B} to "
            f"{clash.last_day:%-d %B} over some of these days. "
            "Remove it first, or choose other days.",
        )
    off = TimeOff(keyworker_id=keyworker.id, starts_at=starts, ends_at=ends, reason=reason)
    session.add(off)
    session.flush()
    return off


def remove_set_up(session: Session, row: FreeWindow | AvailabilityRule | TimeOff) -> None:
    """Remove a free window, availability rule or time off; sessions booked are kept."""
    session.delete(row)
    session.flush()
