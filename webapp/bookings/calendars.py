"""iCalendar output: a single session or group session to add to a phone's calendar, and a
person's feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, Event

from webapp.models import BookedSession, GroupSession, SessionStatus

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


def group_event(group: GroupSession, *, cancelled: bool, stamp: datetime) -> Event:
    """A group session as an event (``cancelled``: the session, or this person's place)."""
    event = Event()
    event.add("uid", group.uid)
    event.add("sequence", group.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", group.starts_at)
    event.add("dtend", group.ends_at)
    event.add("summary", f"CoPlan group: {group.title}")
    details = [group.description] if group.description else []
    if group.venue:
        event.add("location", f"{group.venue.name}, {group.venue.address}")
        if group.venue.accessibility_notes:
            details.append(f"Access: {group.venue.accessibility_notes}")
    else:
        details.append("Online")
    event.add("description", "\n".join(details))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def group_ics(group: GroupSession, *, cancelled: bool, stamp: datetime) -> bytes:
    """A .ics file for one group session: PUBLISH, or CANCEL once it (or the place) is off."""
    calendar = _calendar("CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(group_event(group, cancelled=cancelled, stamp=stamp))
    return calendar.to_ical()


def feed_ics(
    bookings: Iterable[BookedSession],
    *,
    for_staff: bool,
    stamp: datetime,
    name: str,
    groups: Iterable[tuple[GroupSession, bool]] = (),
) -> bytes:
    """A person's private feed: their sessions and group sessions (each with whether it is
    cancelled for them), cancelled ones marked STATUS:CANCELLED."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    for booking in bookings:
        calendar.add_component(session_event(booking, for_staff=for_staff, stamp=stamp))
    for group, cancelled in groups:
        calendar.add_component(group_event(group, cancelled=cancelled, stamp=stamp))
    return calendar.to_ical()
