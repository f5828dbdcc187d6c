"""iCalendar output: a single session or group session to add to a phone's calendar, and a
person's feed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event

from webapp.models import BookedSession, GroupSession, SessionStatus

PRODID = "-//CoPlan//Sessions//EN"


def installation_host() -> str:
    """What makes calendar UIDs this installation's own, and keeps them the same across
    updates: the host of BASE_URL, else a name made from the secret key (kept for ever)."""
    host = urlsplit(current_app.config.get("BASE_URL") or "").hostname
    if host:
        return host
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return f"{hashlib.sha256(b'calendar-uid:' + secret).hexdigest()[:16]}.coplan.invalid"


def event_uid(name: str) -> str:
    """'session-12@coplan.glasgow.example': unique to this installation, stable for ever."""
    return f"{name}@{installation_host()}"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _event(
    *,
    uid: str,
    sequence: int,
    stamp: datetime,
    starts_at,
    ends_at,
    summary: str,
    venue,
    details: list[str],
    cancelled: bool,
) -> Event:
    """An event whose UID never changes and whose SEQUENCE counts changes, with the venue's
    address as its location and its access notes in the description."""
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", summary)
    if venue:
        event.add("location", f"{venue.name}, {venue.address}")
        if venue.accessibility_notes:
            details = [*details, f"Access: {venue.accessibility_notes}"]
    event.add("description", "\n".join(details))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def session_event(booking: BookedSession, *, for_staff: bool, stamp: datetime) -> Event:
    """One session as an event, named for the other person in it."""
    other = booking.participant if for_staff else booking.keyworker
    event = _event(
        uid=event_uid(booking.uid),
        sequence=booking.sequence,
        stamp=stamp,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=f"CoPlan session with {other.name}",
        venue=booking.venue,
        details=[booking.mode.label],
        cancelled=booking.status == SessionStatus.CANCELLED,
    )
    event.add("last-modified", booking.updated_at)
    return event


def session_ics(booking: BookedSession, *, for_staff: bool, stamp: datetime) -> bytes:
    """A .ics file for one session: PUBLISH while booked, CANCEL once cancelled."""
    cancelled = booking.status == SessionStatus.CANCELLED
    calendar = _calendar("CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(session_event(booking, for_staff=for_staff, stamp=stamp))
    return calendar.to_ical()


def group_event(group: GroupSession, *, cancelled: bool, stamp: datetime) -> Event:
    """A group session as an event (``cancelled``: the session, or this person's place)."""
    details = [group.description] if group.description else []
    return _event(
        uid=event_uid(group.uid),
        sequence=group.sequence,
        stamp=stamp,
        starts_at=group.starts_at,
        ends_at=group.ends_at,
        summary=f"CoPlan group: {group.title}",
        venue=group.venue,
        details=details if group.venue else [*details, "Online"],
        cancelled=cancelled,
    )


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
