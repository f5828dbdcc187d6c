"""Venues, availability and booked one-to-one sessions (only flushed)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from webapp.models import (
    AvailabilityRule,
    BookedSession,
    Locality,
    SessionMode,
    SessionStatus,
    User,
    Venue,
    utcnow,
)


def make_venue(
    session, *, locality: Locality, name: str = "Community hub", has_creche: bool = False
) -> Venue:
    """A venue in a locality."""
    venue = Venue(
        locality_id=locality.id, name=name, address="1 High Street", has_creche=has_creche
    )
    session.add(venue)
    session.flush()
    return venue


def make_availability(
    session,
    *,
    keyworker: User,
    weekday: int = 0,
    starts_at: time = time(9),
    ends_at: time = time(15),
    mode: SessionMode = SessionMode.PHONE,
    venue: Venue | None = None,
    valid_from: date = date(2026, 1, 1),
) -> AvailabilityRule:
    """A weekly window in which a keyworker can be booked."""
    rule = AvailabilityRule(
        keyworker_id=keyworker.id,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        venue_id=venue.id if venue else None,
        valid_from=valid_from,
    )
    session.add(rule)
    session.flush()
    return rule


def make_booked_session(
    session,
    *,
    keyworker: User,
    participant: User,
    starts_at: datetime | None = None,
    hours: float = 1,
    mode: SessionMode = SessionMode.PHONE,
    status: SessionStatus = SessionStatus.BOOKED,
    **columns,
) -> BookedSession:
    """A one-to-one session between a keyworker and a participant (three days ahead unless told)."""
    starts_at = starts_at or utcnow() + timedelta(days=3)
    booked = BookedSession(
        keyworker_id=keyworker.id,
        participant_id=participant.id,
        mode=mode,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        status=status,
        **columns,
    )
    session.add(booked)
    session.flush()
    return booked
