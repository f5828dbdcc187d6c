"""What the locality's pages and the slot search read about its venues and school calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from flask import abort
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session, selectinload

from webapp.clock import LONDON
from webapp.models import (
    AvailabilityRule,
    BookedSession,
    CalendarEntryKind,
    GroupSession,
    Locality,
    Role,
    SchoolCalendar,
    SchoolCalendarEntry,
    SessionStatus,
    User,
    Venue,
    utcnow,
)
from webapp.sessions.slots import SchoolTerms

CALENDAR_QUERY = (
    select(
        SchoolCalendar.day_starts,
        SchoolCalendar.day_ends,
        SchoolCalendarEntry.kind,
        SchoolCalendarEntry.starts_on,
        SchoolCalendarEntry.ends_on,
    )
    .select_from(Locality)
    .outerjoin(SchoolCalendar, SchoolCalendar.locality_id == Locality.id)
    .outerjoin(SchoolCalendarEntry, SchoolCalendarEntry.locality_id == Locality.id)
    .where(Locality.id == bindparam("locality_id"))
)


def school_terms(session: Session, locality_id: int | None) -> SchoolTerms:
    """The locality's school day, terms and closures as the slot search wants them."""
    # One query of plain columns: the slot search runs on every "find a time" page.
    rows = session.execute(CALENDAR_QUERY, {"locality_id": locality_id}).all()
    terms = [(r.starts_on, r.ends_on) for r in rows if r.kind == CalendarEntryKind.TERM]
    closures = [
        (r.starts_on, r.ends_on)
        for r in rows
        if r.kind is not None and r.kind != CalendarEntryKind.TERM
    ]
    if not rows or rows[0].day_starts is None:
        return SchoolTerms(terms=terms, closures=closures)
    return SchoolTerms(rows[0].day_starts, rows[0].day_ends, terms, closures)


def closures_between(
    session: Session, locality_id: int | None, first: date, last: date
) -> list[SchoolCalendarEntry]:
    """The locality's school holidays and in-service days touching ``first`` to ``last``."""
    return list(
        session.scalars(
            select(SchoolCalendarEntry)
            .where(
                SchoolCalendarEntry.locality_id == locality_id,
                SchoolCalendarEntry.kind != CalendarEntryKind.TERM,
                SchoolCalendarEntry.starts_on <= last,
                SchoolCalendarEntry.ends_on >= first,
            )
            .order_by(SchoolCalendarEntry.starts_on)
        )
    )


def school_calendar_or_default(session: Session, locality_id: int) -> SchoolCalendar:
    """The locality's calendar, or an unsaved one with the usual school day (09:15–14:45)."""
    calendar = session.get(SchoolCalendar, locality_id)
    if calendar is None:
        calendar = SchoolCalendar(
            locality_id=locality_id, day_starts=time(9, 15), day_ends=time(14, 45)
        )
    return calendar


@dataclass(frozen=True)
class VenueUse:
    """What refers to a venue from today on: what stopping it would change, and what it keeps."""

    rules: int  # availability rules there that still offer times now or later
    sessions: list[BookedSession]  # booked one-to-one sessions still to come
    groups: list[GroupSession]  # group sessions still to come


def venue_use(session: Session, venue: Venue, now: datetime | None = None) -> VenueUse:
    """The venue's current availability rules, and its sessions still to come."""
    now = now or utcnow()
    today = now.astimezone(LONDON).date()
    rules = session.scalar(
        select(func.count())
        .select_from(AvailabilityRule)
        .where(
            AvailabilityRule.venue_id == venue.id,
            or_(AvailabilityRule.valid_until.is_(None), AvailabilityRule.valid_until >= today),
        )
    )
    sessions = session.scalars(
        select(BookedSession)
        .where(
            BookedSession.venue_id == venue.id,
            BookedSession.status == SessionStatus.BOOKED,
            BookedSession.ends_at > now,
        )
        .options(selectinload(BookedSession.participant), selectinload(BookedSession.keyworker))
        .order_by(BookedSession.starts_at)
    ).all()
    groups = session.scalars(
        select(GroupSession)
        .where(
            GroupSession.venue_id == venue.id,
            GroupSession.is_cancelled.is_(False),
            GroupSession.ends_at > now,
        )
        .order_by(GroupSession.starts_at)
    ).all()
    return VenueUse(rules=rules, sessions=list(sessions), groups=list(groups))


def venues_by_id(session: Session, slots) -> dict[int, Venue]:
    """The venues these slots are at, by id."""
    ids = {slot.venue_id for slot in slots if slot.venue_id}
    if not ids:
        return {}
    return {v.id: v for v in session.scalars(select(Venue).where(Venue.id.in_(ids)))}


def venues_in_use(session: Session, locality_id: int | None) -> list[Venue]:
    """The locality's venues in use, by name."""
    return list(
        session.scalars(
            select(Venue)
            .where(Venue.locality_id == locality_id, Venue.is_active.is_(True))
            .order_by(Venue.name)
        )
    )


def venues_of(session: Session, locality_id: int | None) -> list[Venue]:
    """Every venue of the locality, in use or not, by name."""
    return list(
        session.scalars(select(Venue).where(Venue.locality_id == locality_id).order_by(Venue.name))
    )


def venue_in(session: Session, venue_id: int, locality_id: int | None) -> Venue | None:
    """A venue of this locality, or None (another locality's too)."""
    venue = session.get(Venue, venue_id)
    return venue if venue is not None and venue.locality_id == locality_id else None


def calendar_entries(session: Session, locality_id: int | None) -> list[SchoolCalendarEntry]:
    """The locality's terms, holidays and in-service days, in date order."""
    return list(
        session.scalars(
            select(SchoolCalendarEntry)
            .where(SchoolCalendarEntry.locality_id == locality_id)
            .order_by(SchoolCalendarEntry.starts_on)
        )
    )


def calendar_entry_in(
    session: Session, entry_id: int, locality_id: int | None
) -> SchoolCalendarEntry | None:
    """A term, holiday or in-service day of this locality, or None."""
    entry = session.get(SchoolCalendarEntry, entry_id)
    return entry if entry is not None and entry.locality_id == locality_id else None


def all_localities(session: Session) -> list[Locality]:
    return list(session.scalars(select(Locality).order_by(Locality.name)))


def locality_or_404(session: Session, viewer: User, locality_id: int) -> Locality:
    """A locality the viewer runs: any, for an admin; their own, for a manager."""
    locality = session.get(Locality, locality_id)
    if locality is None or (viewer.role != Role.ADMIN and viewer.locality_id != locality.id):
        abort(404)
    return locality
