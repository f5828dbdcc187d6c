"""Demo data for bookings: venues, Glasgow's 2026-27 school year, the keyworkers' availability,
a group session and a booked session for the demo parent; and the large demo's one-to-one and
group sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.clock import LONDON
from webapp.demo.large import LargeSeedContext, bulk_insert, insert_returning_ids
from webapp.models import (
    AvailabilityRule,
    BookedSession,
    CalendarEntryKind,
    GroupPlace,
    GroupSession,
    Locality,
    Role,
    SchoolCalendar,
    SchoolCalendarEntry,
    SessionMode,
    SessionStatus,
    User,
    Venue,
    utcnow,
)
from webapp.sessions import operations
from webapp.sessions.search import search_slots

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
    slots = search_slots(
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


LARGE_SESSIONS = 60_000  # at DESIGN.md's scale of 5,000 parents
FULL_SCALE_PARTICIPANTS = 5_000
SLOTS_PER_DAY = 6
SPREAD_DAYS = 100


def seed_large_sessions(session: Session, context: LargeSeedContext) -> None:
    """60,000 sessions at full scale (in proportion for fewer people), mostly in the past.

    Each keyworker's sessions take distinct hourly slots, so neither a keyworker nor a parent
    ever has two at once (PostgreSQL refuses overlaps)."""
    rng = context.rng("bookings")
    people = context.participants
    if not people:
        return
    total = LARGE_SESSIONS * len(people) // FULL_SCALE_PARTICIPANTS
    counts = [total // len(people) + (n < total % len(people)) for n in range(len(people))]
    modes = list(SessionMode)
    past = [SessionStatus.ATTENDED] * 7 + [SessionStatus.DID_NOT_ATTEND] * 2
    past.append(SessionStatus.CANCELLED)
    first_day = context.now.replace(hour=9, minute=0, second=0) + timedelta(days=28)
    by_keyworker: dict[int, list[int]] = {}
    for (pid, _locality, keyworker_id), count in zip(people, counts, strict=True):
        by_keyworker.setdefault(keyworker_id, []).extend([pid] * count)

    def rows():
        for keyworker_id, pids in by_keyworker.items():
            # Spread over the same hundred days or so at any scale, mostly in the past.
            slots = rng.sample(range(max(len(pids), SPREAD_DAYS * SLOTS_PER_DAY)), len(pids))
            for slot, pid in zip(slots, pids, strict=True):
                starts = first_day - timedelta(days=slot // SLOTS_PER_DAY)
                starts += timedelta(hours=slot % SLOTS_PER_DAY)
                status = rng.choice(past) if starts < context.now else SessionStatus.BOOKED
                booked = starts - timedelta(days=rng.randint(2, 14))
                cancelled = None
                if status == SessionStatus.CANCELLED:
                    cancelled = booked + timedelta(days=1)
                yield {
                    "keyworker_id": keyworker_id,
                    "participant_id": pid,
                    "mode": rng.choice(modes),
                    "starts_at": starts,
                    "ends_at": starts + timedelta(minutes=45),
                    "status": status,
                    "cancelled_at": cancelled,
                    "booked_by_id": keyworker_id,
                    "sequence": 0,
                    "created_at": booked,
                    "updated_at": cancelled or (starts if starts < context.now else booked),
                }

    bulk_insert(session, BookedSession, rows())


GROUP_TITLES = (
    "Peer support",
    "CV and interview workshop",
    "Money and benefits drop-in",
    "Confidence and wellbeing",
)
GROUP_CAPACITY = 12
GROUP_CRECHE_PLACES = 6
GROUP_PLACES_TAKEN = 8


def seed_large_groups(session: Session, context: LargeSeedContext) -> None:
    """A group session a week in each locality, led by its manager, over the same hundred days
    as the one-to-ones (Wednesdays, 10:00 to 11:30), with places for parents of the locality
    who have no one-to-one then. Runs after the one-to-ones, which it reads."""
    rng = context.rng("groups")
    # Places for groups soon were booked by this morning: not by the second of the seeding, so
    # that two seedings on one day are the same.
    this_morning = context.now.replace(hour=0, minute=0, second=0)
    parents: dict[int, list[int]] = {}
    for pid, locality_id, _keyworker in context.participants:
        parents.setdefault(locality_id, []).append(pid)
    last = (context.now + timedelta(days=28)).astimezone(LONDON).date()
    last -= timedelta(days=(last.weekday() - 2) % 7)
    days = sorted(last - timedelta(weeks=w) for w in range(SPREAD_DAYS // 7))
    groups = [
        {
            "locality_id": locality_id,
            "led_by_id": context.manager_ids.get(locality_id),
            "title": GROUP_TITLES[n % len(GROUP_TITLES)],
            "starts_at": (starts := datetime.combine(day, time(10), LONDON).astimezone(UTC)),
            "ends_at": starts + timedelta(minutes=90),
            "capacity": GROUP_CAPACITY,
            "creche_places": GROUP_CRECHE_PLACES,
            "created_at": starts - timedelta(days=21),
        }
        for locality_id in context.locality_ids
        if parents.get(locality_id)
        for n, day in enumerate(days)
    ]
    group_ids = insert_returning_ids(session, GroupSession, groups)
    past = [SessionStatus.ATTENDED] * 16 + [SessionStatus.DID_NOT_ATTEND] * 3
    past.append(SessionStatus.CANCELLED)

    def places():
        for group_id, group in zip(group_ids, groups, strict=True):
            starts, ends = group["starts_at"], group["ends_at"]
            busy = set(
                session.scalars(
                    select(BookedSession.participant_id).where(
                        BookedSession.starts_at < ends,
                        BookedSession.ends_at > starts,
                        BookedSession.status != SessionStatus.CANCELLED,
                    )
                )
            )
            free = [pid for pid in parents[group["locality_id"]] if pid not in busy]
            creche_left = GROUP_CRECHE_PLACES
            for pid in rng.sample(free, min(GROUP_PLACES_TAKEN, len(free))):
                children = min(rng.choice([0, 0, 1, 1, 2]), creche_left)
                creche_left -= children
                booked = min(starts - timedelta(days=rng.randint(3, 14)), this_morning)
                status = rng.choice(past) if starts < context.now else SessionStatus.BOOKED
                yield {
                    "group_session_id": group_id,
                    "participant_id": pid,
                    "creche_children": children,
                    "status": status,
                    "booked_at": booked,
                    "cancelled_at": (
                        booked + timedelta(days=1) if status == SessionStatus.CANCELLED else None
                    ),
                }

    bulk_insert(session, GroupPlace, places())
