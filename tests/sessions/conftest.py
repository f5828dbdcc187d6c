"""A locality set up for booking: a school calendar, a venue with a crèche, and keyworkers
available on weekdays."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.factories import PASSWORD
from webapp.auth.operations import create_user
from webapp.models import (
    AvailabilityRule,
    CalendarEntryKind,
    GroupPlace,
    GroupSession,
    Locality,
    ParticipantProfile,
    ParticipantStatus,
    Role,
    SchoolCalendar,
    SchoolCalendarEntry,
    SessionMode,
    User,
    Venue,
)

COUNTER = itertools.count(1)

# A fixed Monday in term time, far from any clock change: domain tests pass it as "now".
NOW = datetime(2027, 1, 11, 8, 0, tzinfo=UTC)


@dataclass
class World:
    session: Session
    locality: Locality
    venue: Venue
    creche_venue: Venue

    def keyworker(self, *, modes=(SessionMode.PHONE,)) -> User:
        keyworker = create_user(
            self.session,
            role=Role.KEYWORKER,
            name="Ewan MacLeod",
            email=f"kw{next(COUNTER)}@example.org",
            password=PASSWORD,
            locality_id=self.locality.id,
        )
        for weekday in range(5):
            for mode in modes:
                venue = self.venue.id if mode.parent_travels else None
                self.session.add(
                    AvailabilityRule(
                        keyworker_id=keyworker.id,
                        weekday=weekday,
                        starts_at=time(9, 0),
                        ends_at=time(15, 0),
                        mode=mode,
                        venue_id=venue,
                        valid_from=date(2026, 1, 1),
                    )
                )
        self.session.commit()
        return keyworker

    def participants(
        self, count: int, *, keyworker: User | None = None, password: bool = False
    ) -> list[User]:
        people = []
        for n in range(count):
            user = create_user(
                self.session,
                role=Role.PARTICIPANT,
                name=f"Parent {n}",
                email=f"p{next(COUNTER)}@example.org",
                password=PASSWORD if password else None,
                locality_id=self.locality.id,
            )
            user.profile = ParticipantProfile(
                keyworker=keyworker, status=ParticipantStatus.ACTIVE, children_stages=["primary"]
            )
            people.append(user)
        self.session.commit()
        return people

    def participant(self, **kwargs) -> User:
        return self.participants(1, **kwargs)[0]

    def group(
        self,
        starts_at: datetime,
        *,
        hours: float = 2,
        capacity: int = 8,
        creche_places: int = 0,
        at_creche_venue: bool = False,
        title: str = "Peer support",
        places=(),
        **columns,
    ) -> GroupSession:
        """A group session in this locality, with a place for each parent in ``places``."""
        group = GroupSession(
            locality_id=self.locality.id,
            venue_id=self.creche_venue.id if at_creche_venue else None,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            capacity=capacity,
            creche_places=creche_places,
            **columns,
        )
        self.session.add(group)
        self.session.flush()
        self.session.add_all(
            GroupPlace(group_session_id=group.id, participant_id=p.id) for p in places
        )
        self.session.commit()
        return group


def add_terms(session: Session, locality: Locality, terms, closures=()) -> None:
    session.add(
        SchoolCalendar(locality_id=locality.id, day_starts=time(9, 15), day_ends=time(14, 45))
    )
    for start, end in terms:
        session.add(
            SchoolCalendarEntry(
                locality_id=locality.id,
                kind=CalendarEntryKind.TERM,
                name="Term",
                starts_on=start,
                ends_on=end,
            )
        )
    for start, end in closures:
        session.add(
            SchoolCalendarEntry(
                locality_id=locality.id,
                kind=CalendarEntryKind.HOLIDAY,
                name="Holiday",
                starts_on=start,
                ends_on=end,
            )
        )
    session.commit()


@pytest.fixture
def world(session) -> World:
    """A locality whose terms run a year either side of today and around NOW."""
    locality = Locality(name="Glasgow North East")
    session.add(locality)
    session.flush()
    venue = Venue(locality_id=locality.id, name="Parkhead Hub", address="1 Main Street")
    creche = Venue(
        locality_id=locality.id, name="Family Centre", address="2 High Street", has_creche=True
    )
    session.add_all([venue, creche])
    session.commit()
    today = date.today()
    add_terms(
        session,
        locality,
        terms=[
            (
                min(today, NOW.date()) - timedelta(days=400),
                max(today, NOW.date()) + timedelta(days=400),
            )
        ],
    )
    return World(session, locality, venue, creche)
