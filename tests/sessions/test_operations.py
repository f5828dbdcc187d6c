"""Booking, moving and cancelling sessions, and what the database refuses on its own."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.sessions.conftest import NOW
from webapp.models import (
    BookedSession,
    FreeWindow,
    GroupPlace,
    Reminder,
    SessionMode,
    SessionStatus,
    TimeOff,
)
from webapp.sessions import guard, operations
from webapp.sessions import queries as session_queries
from webapp.sessions.guard import SlotNotOffered, SlotTaken
from webapp.sessions.search import search_slots

TUESDAY_10 = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)  # 10:00 in London (GMT)


def add_group(world, session, starts_at, *, hours=2, led_by=None, places=(), cancelled=False):
    """A group session, with a place for each parent in ``places``."""
    return world.group(
        starts_at,
        hours=hours,
        led_by_id=led_by.id if led_by else None,
        places=places,
        is_cancelled=cancelled,
    )


def book(session, participant, keyworker, starts_at=TUESDAY_10, mode=SessionMode.PHONE, **kwargs):
    booking = operations.book_session(
        session,
        participant=participant,
        keyworker=keyworker,
        starts_at=starts_at,
        mode=mode,
        now=NOW,
        **kwargs,
    )
    session.commit()
    return booking


def test_a_parent_books_an_offered_slot_and_gets_a_reminder(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    booking = book(session, parent, keyworker)
    assert booking.ends_at - booking.starts_at == timedelta(hours=1)
    assert booking.status == SessionStatus.BOOKED
    reminders = session.scalars(select(Reminder).where(Reminder.session_id == booking.id)).all()
    assert sorted(r.channel for r in reminders) == ["email", "push"]
    assert {r.due_at for r in reminders} == {TUESDAY_10 - timedelta(days=1)}


@pytest.mark.parametrize(
    ("starts_at", "why"),
    [
        (datetime(2027, 1, 12, 8, 0, tzinfo=UTC), "before the school day"),
        (datetime(2027, 1, 12, 14, 30, tzinfo=UTC), "ends after the school day"),
        (datetime(2027, 1, 16, 10, 0, tzinfo=UTC), "a Saturday"),
        (datetime(2027, 1, 11, 12, 0, tzinfo=UTC), "less than 24 hours ahead"),
        (datetime(2027, 3, 1, 10, 0, tzinfo=UTC), "more than 6 weeks ahead"),
        (datetime(2027, 1, 12, 10, 10, tzinfo=UTC), "not on the offered grid"),
    ],
)
def test_times_that_break_the_rules_are_refused(world, session, starts_at, why):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    with pytest.raises(SlotNotOffered):
        book(session, parent, keyworker, starts_at=starts_at)
    assert session.scalar(select(func.count()).select_from(BookedSession)) == 0, why


def test_a_time_outside_the_parents_own_windows_is_refused(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    # Nursery mornings only: free 09:00-12:00 on Tuesdays.
    session.add(
        FreeWindow(participant_id=parent.id, weekday=1, starts_at=time(9), ends_at=time(12))
    )
    session.commit()
    with pytest.raises(SlotNotOffered):
        book(session, parent, keyworker, starts_at=datetime(2027, 1, 12, 12, 0, tzinfo=UTC))
    assert book(session, parent, keyworker, starts_at=datetime(2027, 1, 12, 10, 30, tzinfo=UTC))


def test_a_mode_or_venue_the_keyworker_does_not_offer_is_refused(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    with pytest.raises(SlotNotOffered):
        book(session, parent, keyworker, mode=SessionMode.HOME_VISIT)
    with pytest.raises(SlotNotOffered):
        book(session, parent, keyworker, venue_id=world.venue.id)


def test_time_off_is_never_offered(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    session.add(
        TimeOff(
            keyworker_id=keyworker.id, starts_at=TUESDAY_10, ends_at=TUESDAY_10 + timedelta(hours=3)
        )
    )
    session.commit()
    with pytest.raises(SlotNotOffered):
        book(session, parent, keyworker)


def test_an_overlapping_time_is_taken_and_the_nearest_free_times_are_offered(world, session):
    keyworker = world.keyworker()
    first, second = world.participants(2, keyworker=keyworker)
    book(session, first, keyworker)
    with pytest.raises(SlotTaken) as taken:
        book(session, second, keyworker, starts_at=TUESDAY_10 + timedelta(minutes=30))
    assert "just been taken" in taken.value.message
    alternatives = taken.value.alternatives
    assert len(alternatives) == 3
    for slot in alternatives:
        # Clear of the booked hour and the keyworker's 15-minute buffer.
        assert slot.ends_at <= TUESDAY_10 - timedelta(
            minutes=15
        ) or slot.starts_at >= TUESDAY_10 + timedelta(minutes=75)


def test_the_database_itself_refuses_overlapping_sessions(world, session):
    """Even code that skips every check cannot store two overlapping sessions."""
    keyworker = world.keyworker()
    first, second = world.participants(2, keyworker=keyworker)

    def raw(participant, start):
        return BookedSession(
            keyworker_id=keyworker.id,
            participant_id=participant.id,
            mode=SessionMode.PHONE,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )

    session.add(raw(first, TUESDAY_10))
    session.commit()
    session.add(raw(second, TUESDAY_10 + timedelta(minutes=59)))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    # Back to back is fine, and a cancelled session frees its time.
    session.add(raw(second, TUESDAY_10 + timedelta(hours=1)))
    session.commit()
    existing = session.scalar(select(BookedSession).where(BookedSession.participant_id == first.id))
    existing.status = SessionStatus.CANCELLED
    session.commit()
    session.add(raw(first, TUESDAY_10 + timedelta(minutes=30)))
    with pytest.raises(IntegrityError):  # overlaps the second parent's session still
        session.commit()
    session.rollback()


def test_reschedule_moves_the_session_and_bumps_its_sequence(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    booking = book(session, parent, keyworker)
    later = TUESDAY_10 + timedelta(days=1, hours=2)
    operations.reschedule_session(
        session, booking=booking, starts_at=later, mode=SessionMode.PHONE, now=NOW
    )
    session.commit()
    assert booking.starts_at == later and booking.sequence == 1
    reminders = session.scalars(select(Reminder).where(Reminder.session_id == booking.id)).all()
    assert {r.due_at for r in reminders} == {later - timedelta(days=1)}
    # Moving by half an hour overlaps only itself, which is allowed.
    operations.reschedule_session(
        session,
        booking=booking,
        starts_at=later + timedelta(minutes=30),
        mode=SessionMode.PHONE,
        now=NOW,
    )
    session.commit()
    assert booking.sequence == 2


def test_reschedule_onto_someone_elses_time_is_refused_and_changes_nothing(world, session):
    keyworker = world.keyworker()
    first, second = world.participants(2, keyworker=keyworker)
    book(session, first, keyworker)
    mine = book(session, second, keyworker, starts_at=TUESDAY_10 + timedelta(hours=3))
    with pytest.raises(SlotTaken):
        operations.reschedule_session(
            session,
            booking=mine,
            starts_at=TUESDAY_10 + timedelta(minutes=30),
            mode=SessionMode.PHONE,
            now=NOW,
        )
    session.commit()
    session.refresh(mine)
    assert mine.starts_at == TUESDAY_10 + timedelta(hours=3) and mine.sequence == 0


def test_cancel_keeps_the_reason_and_frees_the_time(world, session):
    keyworker = world.keyworker()
    first, second = world.participants(2, keyworker=keyworker)
    booking = book(session, first, keyworker)
    operations.cancel_session(session, booking=booking, reason="My youngest is ill", now=NOW)
    session.commit()
    assert (
        booking.status == SessionStatus.CANCELLED and booking.cancel_reason == "My youngest is ill"
    )
    assert booking.sequence == 1
    assert book(session, second, keyworker)


def test_attendance_is_marked_only_once_the_session_has_started(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    booking = book(session, parent, keyworker)
    with pytest.raises(guard.BookingProblem):
        operations.mark_attendance(session, booking=booking, attended=True, now=NOW)
    operations.mark_attendance(
        session, booking=booking, attended=False, now=TUESDAY_10 + timedelta(minutes=20)
    )
    assert booking.status == SessionStatus.DID_NOT_ATTEND


def test_feed_tokens_are_stored_hashed_and_can_be_revoked(world, session):
    parent = world.participant()
    token = operations.issue_feed_token(session, parent)
    session.commit()
    assert session_queries.user_for_feed_token(session, token) == parent
    newer = operations.issue_feed_token(session, parent)
    session.commit()
    assert session_queries.user_for_feed_token(session, token) is None
    assert session_queries.user_for_feed_token(session, newer) == parent
    operations.revoke_feed_tokens(session, parent)
    assert session_queries.user_for_feed_token(session, newer) is None


def test_slot_search_takes_five_queries_however_many_keyworkers(world, session, count_queries):
    keyworkers = [world.keyworker() for _ in range(3)]
    parent = world.participant(keyworker=keyworkers[0])
    for keyworker in keyworkers:
        book(session, world.participant(keyworker=keyworker), keyworker)
    # Group sessions the keyworkers lead and the parent's own group places are busy time too,
    # from the same query.
    for n, keyworker in enumerate(keyworkers):
        add_group(world, session, TUESDAY_10 + timedelta(days=n + 1), led_by=keyworker)
    add_group(world, session, TUESDAY_10 + timedelta(days=7), places=[parent])
    counts = []
    assert parent.locality_id  # loaded before counting: a request has its user already
    for ids in ([keyworkers[0].id], [k.id for k in keyworkers]):
        with count_queries() as statements:
            slots = search_slots(session, participant=parent, keyworker_ids=ids, now=NOW)
        assert slots
        counts.append(len(statements))
    assert counts == [5, 5]


def starts(slots) -> set[datetime]:
    return {slot.starts_at for slot in slots}


def test_slot_search_keeps_clear_of_group_places_and_the_groups_a_keyworker_leads(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    tuesday, wednesday = TUESDAY_10, TUESDAY_10 + timedelta(days=1)
    # The parent's place at a group 10:00-12:00 on Tuesday; a place given up and a cancelled
    # group on Tuesday afternoon; Ewan leads a group 11:00-12:00 on Wednesday.
    add_group(world, session, tuesday, places=[parent])
    given_up = add_group(world, session, tuesday + timedelta(hours=2), hours=1, places=[parent])
    place = session.scalar(select(GroupPlace).where(GroupPlace.group_session_id == given_up.id))
    place.status = SessionStatus.CANCELLED
    add_group(
        world, session, tuesday + timedelta(hours=3), hours=1, places=[parent], cancelled=True
    )
    add_group(world, session, wednesday + timedelta(hours=1), hours=1, led_by=keyworker)
    session.commit()
    slots = search_slots(session, participant=parent, keyworker_ids=[keyworker.id], now=NOW)
    day = [s for s in slots if s.starts_at.date() == tuesday.date()]
    assert day and all(
        s.ends_at <= tuesday or s.starts_at >= tuesday + timedelta(hours=2) for s in day
    )
    # The given-up place and the cancelled group leave their time free.
    assert {tuesday + timedelta(hours=2), tuesday + timedelta(hours=3)} <= starts(day)
    # Ewan's group keeps his 15-minute gap around it, like a session.
    wed = [s for s in slots if s.starts_at.date() == wednesday.date()]
    assert all(
        s.ends_at <= wednesday + timedelta(minutes=45)
        or s.starts_at >= wednesday + timedelta(hours=2, minutes=15)
        for s in wed
    )
    assert wednesday - timedelta(minutes=30) in starts(wed)
    # Another parent is free while this one is at the group.
    other = search_slots(
        session, participant=world.participant(), keyworker_ids=[keyworker.id], now=NOW
    )
    assert tuesday in starts(other)


def test_a_time_over_the_parents_group_place_is_refused_with_the_nearest_free_times(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    add_group(world, session, TUESDAY_10, places=[parent])
    with pytest.raises(SlotTaken) as taken:
        book(session, parent, keyworker, starts_at=TUESDAY_10 + timedelta(hours=1))
    assert taken.value.message == (
        "That time clashes with Peer support, a group session from 10:00 to 12:00. "
        "Here are the nearest free times."
    )
    assert len(taken.value.alternatives) == 3
    for slot in taken.value.alternatives:
        assert slot.ends_at <= TUESDAY_10 or slot.starts_at >= TUESDAY_10 + timedelta(hours=2)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(BookedSession)) == 0
    # Moving a session onto the group's time is refused the same way.
    booking = book(session, parent, keyworker, starts_at=TUESDAY_10 + timedelta(days=1))
    with pytest.raises(SlotTaken, match="clashes with Peer support"):
        operations.reschedule_session(
            session, booking=booking, starts_at=TUESDAY_10, mode=SessionMode.PHONE, now=NOW
        )
    session.rollback()
    assert session.get(BookedSession, booking.id).sequence == 0


def test_a_time_when_the_keyworker_leads_a_group_is_refused(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    add_group(world, session, TUESDAY_10, hours=1, led_by=keyworker)
    # 11:00 is after the group but inside Ewan's 15-minute gap.
    for starts_at in (TUESDAY_10, TUESDAY_10 + timedelta(hours=1)):
        with pytest.raises(SlotTaken) as taken:
            book(session, parent, keyworker, starts_at=starts_at)
        assert taken.value.message == (
            "Ewan MacLeod is leading a group session then. Here are the nearest free times."
        )
        session.rollback()
    assert book(session, parent, keyworker, starts_at=TUESDAY_10 + timedelta(hours=1.5))
