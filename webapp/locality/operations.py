"""Changes to a locality's venues and school calendar. Functions take a database session and
plain values, only flush, and leave the commit to the caller."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.locality.queries import school_calendar_or_default
from webapp.models import (
    SchoolCalendar,
    Venue,
)


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
