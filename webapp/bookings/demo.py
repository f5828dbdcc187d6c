"""Demo data for bookings: venues, Glasgow's 2026-27 school year, the keyworkers' availability,
a group session and a booked session for the demo parent."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import (
    AvailabilityRule,
    CalendarEntryKind,
    GroupSession,
    Locality,
    Role,
    SchoolCalendar,
    SchoolCalendarEntry,
    SessionMode,
    User,
    Venue,
    utcnow,
)
from webapp.sessions import operations

TERM, HOLIDAY, IN_SERVICE = (
    CalendarEntryKind.TERM,
    CalendarEntryKind.HOLIDAY,
    CalendarEntryKind.IN_SERVICE,
)

# Glasgow's 2026-27 school year as the council publishes it in outline. A real service
# imports its council's own file from the school calendar page.
GLASGOW_2026_27 = [
    (TERM, "Autumn term", date(2026, 8, 17), date(2026, 12, 22)),
    (IN_SERVICE, "In-service days", date(2026, 8, 17), date(2026, 8, 18)),
    (HOLIDAY, "September weekend", date(2026, 9, 25), date(2026, 9, 28)),
    (HOLIDAY, "October week", date(2026, 10, 12), date(2026, 10, 16)),
    (HOLIDAY, "Christmas holidays", date(2026, 12, 23), date(2027, 1, 5)),
    (TERM, "Winter term", date(2027, 1, 6), date(2027, 3, 26)),
    (HOLIDAY, "February mid-term", date(2027, 2, 15), date(2027, 2, 16)),
    (IN_SERVICE, "In-service day", date(2027, 2, 17), date(2027, 2, 17)),
    (HOLIDAY, "Spring holidays", date(2027, 3, 29), date(2027, 4, 9)),
    (TERM, "Summer term", date(2027, 4, 12), date(2027, 6, 25)),
    (HOLIDAY, "May Day", date(2027, 5, 3), date(2027, 5, 3)),
    (HOLIDAY, "May holiday", date(2027, 5, 24), date(2027, 5, 24)),
]


def seed_bookings(session: Session, locality: Locality) -> None:
    """Venues, the school year, availability, a group session and one booked session."""
    office = Venue(
        locality_id=locality.id,
        name="CoPlan office, Shettleston",
        address="12 Shettleston Road, Glasgow G31 5AA",
        accessibility_notes="Step-free entrance. Accessible toilet on the ground floor.",
    )
    centre = Venue(
        locality_id=locality.id,
        name="Easterhouse Family Centre",
        address="3 Lochdochart Road, Glasgow G34 0QD",
        accessibility_notes="Step-free. Buggy park inside. Buses 2 and 38 stop outside.",
        has_creche=True,
    )
    session.add_all([office, centre])
    session.add(
        SchoolCalendar(locality_id=locality.id, day_starts=time(9, 15), day_ends=time(14, 45))
    )
    for kind, name, first, last in GLASGOW_2026_27:
        session.add(
            SchoolCalendarEntry(
                locality_id=locality.id, kind=kind, name=name, starts_on=first, ends_on=last
            )
        )
    session.flush()
    keyworkers = session.scalars(
        select(User)
        .where(User.locality_id == locality.id, User.role == Role.KEYWORKER)
        .order_by(User.id)
    ).all()
    weekly = [
        (0, time(9, 30), time(14, 30), SessionMode.OFFICE, office.id),
        (1, time(9, 15), time(12, 0), SessionMode.PHONE, None),
        (2, time(9, 30), time(14, 30), SessionMode.COMMUNITY_VENUE, centre.id),
        (3, time(9, 30), time(14, 30), SessionMode.OFFICE, office.id),
        (3, time(13, 0), time(14, 45), SessionMode.VIDEO, None),
        (4, time(9, 15), time(12, 0), SessionMode.HOME_VISIT, None),
    ]
    for keyworker in keyworkers:
        for weekday, start, end, mode, venue_id in weekly:
            session.add(
                AvailabilityRule(
                    keyworker_id=keyworker.id,
                    weekday=weekday,
                    starts_at=start,
                    ends_at=end,
                    mode=mode,
                    venue_id=venue_id,
                    valid_from=date(2026, 8, 17),
                )
            )
    session.flush()
    now = utcnow()
    first_wednesday = now + timedelta(days=(2 - now.weekday()) % 7 + 7)
    start = first_wednesday.replace(hour=10, minute=0, second=0, microsecond=0)
    session.add(
        GroupSession(
            locality_id=locality.id,
            venue_id=centre.id,
            led_by_id=keyworkers[0].id if keyworkers else None,
            title="Coffee and confidence: peer support",
            description="Meet other parents, share what works. Crèche on site.",
            starts_at=start,
            ends_at=start + timedelta(hours=1, minutes=30),
            capacity=10,
            creche_places=6,
        )
    )
    parent = session.scalar(select(User).where(User.email == "parent@example.org"))
    if parent is None or parent.profile is None or parent.profile.keyworker is None:
        return
    slots = operations.search_slots(
        session, participant=parent, keyworker_ids=[parent.profile.keyworker_id], now=now
    )
    if slots:
        slot = slots[min(len(slots) - 1, 3)]
        operations.book_session(
            session,
            participant=parent,
            keyworker=parent.profile.keyworker,
            starts_at=slot.starts_at,
            mode=slot.mode,
            venue_id=slot.venue_id,
            booked_by=parent.profile.keyworker,
            now=now,
        )
