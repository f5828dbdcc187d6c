"""iCalendar output: a single session to add to a phone's calendar, and a person's feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, Event

from webapp.models import BookedSession, SessionStatus

PRODID = "-//CoPlan//Sessions//EN"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def session_event(booking: BookedSession, *, for_staff: bool, stamp: datetime) -> Event:
    """One session as an event whose UID never changes and whose SEQUENCE counts changes."""
    event = Event()
    event.add("uid", booking.uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", stamp)
    event.add("last-modified", booking.updated_at)
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    other = booking.participant if for_staff else booking.keyworker
    event.add("summary", f"CoPlan session with {other.name}")
    details = [booking.mode.label]
    if booking.venue:
        event.add("location", f"{booking.venue.name}, {booking.venue.address}")
        if booking.venue.accessibility_notes:
            details.append(f"Access: {booking.venue.accessibility_notes}")
    event.add("description", "\n".join(details))
    cancelled = booking.status == SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def session_ics(booking: BookedSession, *, for_staff: bool, stamp: datetime) -> bytes:
    """A .ics file for one session: PUBLISH while booked, CANCEL once cancelled."""
    cancelled = booking.status == SessionStatus.CANCELLED
    calendar = _calendar("CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(session_event(booking, for_staff=for_staff, stamp=stamp))
    return calendar.to_ical()


def feed_ics(
    bookings: Iterable[BookedSession], *, for_staff: bool, stamp: datetime, name: str
) -> bytes:
    """A person's private feed: their sessions, cancelled ones marked STATUS:CANCELLED."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    for booking in bookings:
        calendar.add_component(session_event(booking, for_staff=for_staff, stamp=stamp))
    return calendar.to_ical()
