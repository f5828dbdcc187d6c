"""Many people reaching for the same or overlapping times at once: real threads, the real
database. Exactly one wins; everyone else gets a clean "that time has just been taken"."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from tests.sessions.conftest import NOW
from webapp.groups import operations as group_operations
from webapp.groups import queries as group_queries
from webapp.groups.operations import GroupFull, GroupProblem, PlaceClash
from webapp.models import (
    BookedSession,
    GroupPlace,
    GroupSession,
    SessionMode,
    SessionStatus,
    User,
)
from webapp.sessions import operations
from webapp.sessions.guard import AlreadyBooked, SlotTaken
from webapp.web.extensions import db

ATTEMPTS = 200
# No more threads than the engine's pool holds (5 + 10 overflow), so that on a busy machine no
# attempt fails waiting for a connection rather than for the booking.
THREADS = 15
ROUNDS = 3


def race(app, attempts, refusals=(SlotTaken, AlreadyBooked, GroupFull, PlaceClash)):
    """Run each attempt in its own app context (its own database session and connection);
    ``refusals`` are the clean answers counted as a conflict."""
    db.session.commit()  # the test's own transaction must not hold SQLite's write lock

    def run(attempt):
        with app.app_context():
            try:
                attempt(db.session)
                db.session.commit()
                return "booked"
            except refusals:
                db.session.rollback()
                return "conflict"
            except Exception as error:  # noqa: BLE001 - any other failure is what we count
                db.session.rollback()
                return f"error: {error!r}"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return Counter(pool.map(run, attempts))


def booking_attempt(participant_id, keyworker_id, starts_at):
    def attempt(session):
        operations.book_session(
            session,
            participant=session.get(User, participant_id),
            keyworker=session.get(User, keyworker_id),
            starts_at=starts_at,
            mode=SessionMode.PHONE,
            now=NOW,
        )

    return attempt


def active_sessions(session) -> int:
    return session.scalar(
        select(func.count())
        .select_from(BookedSession)
        .where(BookedSession.status == SessionStatus.BOOKED)
    )


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_many_parents_one_keyworker_overlapping_slots(app, world, session, round_):
    keyworker = world.keyworker()
    parents = world.participants(ATTEMPTS, keyworker=keyworker)
    slot = datetime(2027, 1, 12 + round_, 10, 0, tzinfo=UTC)
    overlapping = slot + timedelta(minutes=30)
    attempts = [
        booking_attempt(p.id, keyworker.id, slot if n % 2 else overlapping)
        for n, p in enumerate(parents)
    ]
    results = race(app, attempts)
    assert results == Counter(booked=1, conflict=ATTEMPTS - 1)
    session.expire_all()
    assert active_sessions(session) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_parent_two_keyworkers_overlapping_slots(app, world, session, round_):
    first, second = world.keyworker(), world.keyworker()
    parent = world.participant(keyworker=first)
    slot = datetime(2027, 1, 12 + round_, 11, 0, tzinfo=UTC)
    attempts = [
        booking_attempt(parent.id, first.id, slot)
        if n % 2
        else booking_attempt(parent.id, second.id, slot + timedelta(minutes=30))
        for n in range(ATTEMPTS)
    ]
    results = race(app, attempts)
    assert results == Counter(booked=1, conflict=ATTEMPTS - 1)
    session.expire_all()
    assert active_sessions(session) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_many_reschedules_onto_overlapping_slots(app, world, session, round_):
    keyworker = world.keyworker()
    parents = world.participants(ATTEMPTS, keyworker=keyworker)
    # Each parent already has a session, far apart, months ahead.
    far = datetime(2027, 6, 1, tzinfo=UTC)
    bookings = [
        BookedSession(
            keyworker_id=keyworker.id,
            participant_id=p.id,
            mode=SessionMode.PHONE,
            starts_at=far + timedelta(hours=2 * n),
            ends_at=far + timedelta(hours=2 * n + 1),
        )
        for n, p in enumerate(parents)
    ]
    session.add_all(bookings)
    session.commit()
    slot = datetime(2027, 1, 12 + round_, 13, 0, tzinfo=UTC)

    def move(booking_id, starts_at):
        def attempt(session):
            operations.reschedule_session(
                session,
                booking=session.get(BookedSession, booking_id),
                starts_at=starts_at,
                mode=SessionMode.PHONE,
                now=NOW,
            )

        return attempt

    results = race(
        app,
        [
            move(b.id, slot if n % 2 else slot - timedelta(minutes=30))
            for n, b in enumerate(bookings)
        ],
    )
    assert results == Counter(booked=1, conflict=ATTEMPTS - 1)
    moved = session.scalars(
        select(BookedSession).where(BookedSession.starts_at < datetime(2027, 2, 1, tzinfo=UTC))
    ).all()
    assert len(moved) == 1 and moved[0].sequence == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_group_places_never_exceed_capacity_or_creche(app, world, session, round_):
    group = GroupSession(
        locality_id=world.locality.id,
        title="Confidence workshop",
        starts_at=datetime(2027, 1, 12 + round_, 10, tzinfo=UTC),
        ends_at=datetime(2027, 1, 12 + round_, 12, tzinfo=UTC),
        capacity=12,
        creche_places=5,
    )
    session.add(group)
    session.commit()
    parents = world.participants(ATTEMPTS)
    group_id = group.id

    def place(participant_id, children):
        def attempt(session):
            group_operations.book_group_place(
                session,
                group_id=group_id,
                participant=session.get(User, participant_id),
                creche_children=children,
                now=NOW,
            )

        return attempt

    results = race(app, [place(p.id, n % 2) for n, p in enumerate(parents)])
    assert results == Counter(booked=12, conflict=ATTEMPTS - 12)
    session.expire_all()
    places, creche = group_queries.group_places_taken(session, group_id)
    assert places == 12 and creche <= 5
    assert session.scalar(select(func.count()).select_from(GroupPlace)) == 12


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_lowering_the_capacity_while_parents_book_never_leaves_more_places_than_capacity(
    app, world, session, round_
):
    """A member of staff cuts the places from 12 to 6 while 40 parents reach for them: either
    the cut comes first and only 6 get in, or more than 6 are in and the cut is refused."""
    group = GroupSession(
        locality_id=world.locality.id,
        title="Confidence workshop",
        starts_at=datetime(2027, 1, 18 + round_, 10, tzinfo=UTC),
        ends_at=datetime(2027, 1, 18 + round_, 12, tzinfo=UTC),
        capacity=12,
    )
    session.add(group)
    session.commit()
    group_id = group.id
    parents = world.participants(40)

    def place(participant_id):
        def attempt(session):
            group_operations.book_group_place(
                session, group_id=group_id, participant=session.get(User, participant_id), now=NOW
            )

        return attempt

    def cut(session):
        current = session.get(GroupSession, group_id)
        details = group_operations.GroupDetails(
            title=current.title,
            description=current.description,
            venue_id=None,
            led_by_id=None,
            starts_at=current.starts_at,
            ends_at=current.ends_at,
            capacity=6,
            creche_places=0,
        )
        try:
            group_operations.update_group(session, group=current, details=details, now=NOW)
        except group_operations.GroupProblem:
            session.rollback()

    attempts = [place(p.id) for p in parents]
    attempts.insert(4 + round_ * 2, cut)
    results = race(app, attempts)
    assert set(results) <= {"booked", "conflict"}, results
    session.expire_all()
    places, _ = group_queries.group_places_taken(session, group_id)
    capacity = session.get(GroupSession, group_id).capacity
    assert places == capacity and capacity in (6, 12)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_the_database_alone_lets_one_of_many_raw_overlapping_inserts_in(
    app, world, session, round_
):
    """No Python checks, no locks: only the exclusion constraint (PostgreSQL) or the trigger
    under BEGIN IMMEDIATE (SQLite) stands between 200 overlapping inserts."""
    keyworker = world.keyworker()
    parents = world.participants(ATTEMPTS, keyworker=keyworker)
    keyworker_id = keyworker.id
    slot = datetime(2027, 1, 12 + round_, 10, 0, tzinfo=UTC)

    def insert(participant_id, starts_at):
        def attempt(session):
            session.add(
                BookedSession(
                    keyworker_id=keyworker_id,
                    participant_id=participant_id,
                    mode=SessionMode.PHONE,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=1),
                )
            )
            try:
                session.flush()
            except (IntegrityError, OperationalError) as error:
                # A refusal by the database: the constraint, or (PostgreSQL) its deadlock
                # detector choosing which of two overlapping inserts gives way.
                if "no_overlap" in str(error.orig) or "deadlock" in str(error.orig):
                    raise SlotTaken([]) from error
                raise

        return attempt

    results = race(
        app, [insert(p.id, slot + timedelta(minutes=30 * (n % 2))) for n, p in enumerate(parents)]
    )
    assert results == Counter(booked=1, conflict=ATTEMPTS - 1)
    session.expire_all()
    assert active_sessions(session) == 1


def add_group(session, world, starts_at, **kwargs) -> int:
    return world.group(starts_at, hours=1, **kwargs).id


def place_attempt(participant_id, group_id):
    def attempt(session):
        group_operations.book_group_place(
            session, group_id=group_id, participant=session.get(User, participant_id), now=NOW
        )

    return attempt


def active_places(session) -> int:
    return session.scalar(
        select(func.count())
        .select_from(GroupPlace)
        .where(GroupPlace.status == SessionStatus.BOOKED)
    )


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_parent_one_to_ones_and_group_places_at_overlapping_times(app, world, session, round_):
    """Half the attempts book the parent a one-to-one at 10:00, half a place at one of many
    group sessions from 10:30: the parent ends up in exactly one place."""
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    slot = datetime(2027, 1, 12 + round_, 10, 0, tzinfo=UTC)
    group_ids = [
        add_group(session, world, slot + timedelta(minutes=30)) for _ in range(ATTEMPTS // 2)
    ]
    attempts = [
        booking_attempt(parent.id, keyworker.id, slot)
        if n % 2
        else place_attempt(parent.id, group_ids[n // 2])
        for n in range(ATTEMPTS)
    ]
    results = race(app, attempts)
    assert results == Counter(booked=1, conflict=ATTEMPTS - 1)
    session.expire_all()
    assert active_sessions(session) + active_places(session) == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_keyworker_booked_and_set_to_lead_groups_at_overlapping_times(
    app, world, session, round_
):
    """Half the attempts book parents one-to-ones with Ewan at 10:00, half add a group session
    led by him from 10:30: he ends up in exactly one place."""
    keyworker = world.keyworker()
    parents = world.participants(ATTEMPTS // 2, keyworker=keyworker)
    slot = datetime(2027, 1, 12 + round_, 10, 0, tzinfo=UTC)
    locality_id, keyworker_id = world.locality.id, keyworker.id

    def lead(session):
        details = group_operations.GroupDetails(
            title="Peer support",
            description="",
            venue_id=None,
            led_by_id=keyworker_id,
            starts_at=slot + timedelta(minutes=30),
            ends_at=slot + timedelta(minutes=90),
            capacity=8,
            creche_places=0,
        )
        group_operations.create_group(session, locality_id=locality_id, details=details, now=NOW)

    attempts = [
        booking_attempt(parents[n // 2].id, keyworker_id, slot) if n % 2 else lead
        for n in range(ATTEMPTS)
    ]
    results = race(app, attempts, refusals=(SlotTaken, GroupProblem))
    assert results == Counter(booked=1, conflict=ATTEMPTS - 1)
    session.expire_all()
    led = session.scalar(select(func.count()).select_from(GroupSession))
    assert active_sessions(session) + led == 1
