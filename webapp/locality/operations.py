"""Changes to a locality's venues and school calendar. Functions take a database session and
plain values, only flush, and leave the commit to the caller."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from webapp.locality.queries import school_calendar_or_default
from webapp.locality.school_calendar import ParsedEntry
from webapp.models import CalendarEntryKind, Locality, SchoolCalendar, SchoolCalendarEntry, Venue


def ensure_school_calendar(session: Session, locality_id: int) -> SchoolCalendar:
    """The locality's calendar, saved, so that changes to it can be stored."""
    calendar = school_calendar_or_default(session, locality_id)
    if calendar not in session:
        session.add(calendar)
        session.flush()
    return calendar


def set_venue_in_use(session: Session, venue: Venue, in_use: bool) -> Venue:
    """Stop using a venue, or use it again. Never deleted: past sessions refer to it.

    A venue not in use offers no times (the slot search skips its rules) and can't be chosen
    for new availability; sessions already booked there are kept.
    """
    venue.is_active = in_use
    session.flush()
    return venue


class VenueTaken(Exception):
    """Another venue in the locality already has this name."""

    def __init__(self, name: str):
        super().__init__(name)
        self.message = f"There's already a venue called {name} here. Give this one another name."


def _check_venue_name(session: Session, locality_id: int, name: str, venue_id=None) -> None:
    query = select(Venue.id).where(
        Venue.locality_id == locality_id, func.lower(Venue.name) == name.strip().lower()
    )
    if venue_id is not None:
        query = query.where(Venue.id != venue_id)
    if session.scalar(query.limit(1)) is not None:
        raise VenueTaken(name.strip())


def add_venue(
    session: Session,
    *,
    locality_id: int,
    name: str,
    address: str,
    accessibility_notes: str,
    has_creche: bool,
) -> Venue:
    """A new venue in the locality, in use; refused when the locality has one of that name."""
    _check_venue_name(session, locality_id, name)
    venue = Venue(
        locality_id=locality_id,
        name=name,
        address=address,
        accessibility_notes=accessibility_notes,
        has_creche=has_creche,
    )
    session.add(venue)
    session.flush()
    return venue


def edit_venue(
    session: Session,
    venue: Venue,
    *,
    name: str,
    address: str,
    accessibility_notes: str,
    has_creche: bool,
) -> bool:
    """Save a venue's details; True when it no longer has a crèche (so holiday and in-service
    day times there stop being offered)."""
    _check_venue_name(session, venue.locality_id, name, venue.id)
    creche_removed = venue.has_creche and not has_creche
    venue.name, venue.address = name, address
    venue.accessibility_notes, venue.has_creche = accessibility_notes, has_creche
    session.flush()
    return creche_removed


def set_school_day(session: Session, locality_id: int, *, starts: time, ends: time) -> None:
    """The locality's school day; the calendar is saved only now, with a valid day."""
    calendar = ensure_school_calendar(session, locality_id)
    calendar.day_starts, calendar.day_ends = starts, ends
    session.flush()


def add_calendar_entry(
    session: Session,
    *,
    locality_id: int,
    kind: CalendarEntryKind,
    name: str,
    starts_on: date,
    ends_on: date,
) -> SchoolCalendarEntry:
    """A term, holiday or in-service day in the locality's school calendar."""
    entry = SchoolCalendarEntry(
        locality_id=locality_id, kind=kind, name=name, starts_on=starts_on, ends_on=ends_on
    )
    session.add(entry)
    session.flush()
    return entry


def import_calendar(
    session: Session, *, locality_id: int, entries: Iterable[ParsedEntry], replace: bool
) -> None:
    """Add imported terms and holidays, first removing those already there if ``replace``."""
    if replace:
        session.execute(
            delete(SchoolCalendarEntry).where(SchoolCalendarEntry.locality_id == locality_id)
        )
    for entry in entries:
        add_calendar_entry(
            session,
            locality_id=locality_id,
            kind=entry.kind,
            name=entry.name,
            starts_on=entry.starts_on,
            ends_on=entry.ends_on,
        )


def remove_calendar_entry(session: Session, entry: SchoolCalendarEntry) -> None:
    """Remove a term, holiday or in-service day."""
    session.delete(entry)
    session.flush()


class NameTaken(Exception):
    """Another locality already has this name."""


def create_locality(session: Session, *, name: str) -> Locality:
    """A new locality, with the service's default rules until someone sets its own."""
    if session.scalar(select(Locality.id).where(Locality.name == name)) is not None:
        raise NameTaken(name)
    locality = Locality(name=name)
    session.add(locality)
    session.flush()
    return locality


def save_rules(session: Session, *, locality: Locality, name: str, **rules) -> None:
    """Rename the locality and set its booking rules and how parents reach the team."""
    clash = session.scalar(
        select(Locality.id).where(Locality.name == name, Locality.id != locality.id)
    )
    if clash is not None:
        raise NameTaken(name)
    locality.name = name
    for setting, value in rules.items():
        setattr(locality, setting, value)
    session.flush()
