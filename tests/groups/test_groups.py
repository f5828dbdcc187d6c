"""Group sessions as domain functions: places within capacity and crèche places, a place given
up and taken again, staff changing and cancelling a session, and marking who came; a parent
never in two places at once, and a leader never leading a group during a one-to-one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.sessions.conftest import NOW
from webapp.groups import operations as group_operations
from webapp.groups import queries as group_queries
from webapp.groups.operations import GroupDetails, GroupFull, GroupProblem, PlaceClash
from webapp.models import BookedSession, GroupPlace, GroupSession, SessionMode, SessionStatus
from webapp.sessions import operations
from webapp.sessions.guard import BookingProblem

TUESDAY_10 = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)  # 10:00 in London (GMT)


def add_group(world, session, *, capacity=3, creche_places=2, starts_at=TUESDAY_10):
    return world.group(
        starts_at, capacity=capacity, creche_places=creche_places, at_creche_venue=True
    )


def details(group, **changes) -> GroupDetails:
    values = {
        "title": group.title,
        "description": group.description,
        "venue_id": group.venue_id,
        "led_by_id": group.led_by_id,
        "starts_at": group.starts_at,
        "ends_at": group.ends_at,
        "capacity": group.capacity,
        "creche_places": group.creche_places,
    }
    return GroupDetails(**{**values, **changes})


def book(session, group, parent, children=0):
    place = group_operations.book_group_place(
        session, group_id=group.id, participant=parent, creche_children=children, now=NOW
    )
    session.commit()
    return place


def test_group_places_stop_at_capacity_and_creche_places(world, session):
    group = add_group(world, session)
    a, b, c, d = world.participants(4)
    book(session, group, a, children=2)
    with pytest.raises(GroupFull, match="only 0 crèche places"):
        group_operations.book_group_place(
            session, group_id=group.id, participant=b, creche_children=1, now=NOW
        )
    book(session, group, b)
    book(session, group, c)
    with pytest.raises(GroupFull, match="full"):
        group_operations.book_group_place(session, group_id=group.id, participant=d, now=NOW)
    session.commit()
    assert group_queries.group_places_taken(session, group.id) == (3, 2)


def test_a_place_given_up_frees_it_and_its_creche_places_and_can_be_taken_again(world, session):
    group = add_group(world, session, capacity=1, creche_places=2)
    first, second = world.participants(2)
    place = book(session, group, first, children=2)
    group_operations.cancel_group_place(session, attendee=place, now=NOW)
    session.commit()
    assert group_queries.group_places_taken(session, group.id) == (0, 0)
    book(session, group, second, children=2)
    with pytest.raises(GroupFull):
        group_operations.book_group_place(session, group_id=group.id, participant=first, now=NOW)
    session.rollback()
    taken = group_queries.place_for(session, group_id=group.id, participant_id=second.id)
    group_operations.cancel_group_place(session, attendee=taken, now=NOW)
    session.commit()
    # Booking again reuses the parent's row: one per parent and group session.
    again = book(session, group, first)
    assert again.id == place.id and again.status == SessionStatus.BOOKED
    assert session.scalar(select(func.count()).select_from(GroupPlace)) == 2
    # Each change of place moved SEQUENCE on, so a calendar's cancelled copy comes back.
    assert session.get(GroupSession, group.id).sequence == 3


def test_a_place_cannot_be_given_up_or_booked_once_the_session_has_started(world, session):
    group = add_group(world, session)
    first, second = world.participants(2)
    place = book(session, group, first)
    with pytest.raises(BookingProblem, match="already started"):
        group_operations.cancel_group_place(session, attendee=place, now=TUESDAY_10)
    with pytest.raises(BookingProblem, match="already started"):
        group_operations.book_group_place(
            session, group_id=group.id, participant=second, now=TUESDAY_10
        )


def test_capacity_and_creche_places_cannot_go_below_the_places_booked(world, session):
    group = add_group(world, session, capacity=5, creche_places=4)
    for parent in world.participants(3):
        book(session, group, parent, children=1)
    with pytest.raises(GroupProblem, match="3 parents already have a place") as refused:
        group_operations.update_group(
            session, group=group, details=details(group, capacity=2), now=NOW
        )
    assert refused.value.field == "capacity"
    session.rollback()
    with pytest.raises(GroupProblem, match="3 crèche places are already booked") as refused:
        group_operations.update_group(
            session, group=group, details=details(group, creche_places=2), now=NOW
        )
    assert refused.value.field == "creche_places"
    session.rollback()
    moved = group_operations.update_group(
        session, group=group, details=details(group, capacity=3, creche_places=3), now=NOW
    )
    session.commit()
    assert not moved and group.sequence == 0  # places aren't in anyone's calendar
    with pytest.raises(GroupFull):
        group_operations.book_group_place(
            session, group_id=group.id, participant=world.participant(), now=NOW
        )


def test_moving_a_session_bumps_its_sequence_and_must_stay_in_the_future(world, session):
    group = add_group(world, session)
    later = group.starts_at + timedelta(days=1)
    with pytest.raises(GroupProblem, match="in the future") as refused:
        group_operations.update_group(
            session,
            group=group,
            details=details(group, starts_at=NOW - timedelta(hours=1), ends_at=NOW),
            now=NOW,
        )
    assert refused.value.field == "day"
    session.rollback()
    moved = group_operations.update_group(
        session,
        group=group,
        details=details(group, starts_at=later, ends_at=later + timedelta(hours=1)),
        now=NOW,
    )
    session.commit()
    assert moved and group.sequence == 1 and group.starts_at == later
    group_operations.update_group(
        session, group=group, details=details(group, title="Coffee"), now=NOW
    )
    assert group.sequence == 2  # a new title reaches calendars too
    # After it has been held it can still be tidied up, as long as the time stays.
    group_operations.update_group(
        session, group=group, details=details(group, description="Notes"), now=later
    )
    assert group.description == "Notes"


def test_a_cancelled_session_leaves_the_parents_lists_and_takes_no_bookings(world, session):
    group = add_group(world, session)
    going, other = world.participants(2)
    book(session, group, going)
    assert group_queries.groups_for_parent(session, going, NOW)[0][0].group.id == group.id
    assert group_queries.groups_for_parent(session, other, NOW)[1][0].group.id == group.id
    group_operations.cancel_group(session, group=group, reason="The hall is flooded.", now=NOW)
    session.commit()
    assert group.is_cancelled and group.sequence == 1
    assert group_queries.groups_for_parent(session, going, NOW) == ([], [])
    assert group_queries.groups_for_parent(session, other, NOW) == ([], [])
    with pytest.raises(BookingProblem, match="isn't running"):
        group_operations.book_group_place(session, group_id=group.id, participant=other, now=NOW)
    with pytest.raises(GroupProblem, match="already cancelled"):
        group_operations.cancel_group(session, group=group, reason="The hall is flooded.", now=NOW)
    # Who had a place stays on record; their calendar shows it cancelled.
    assert [a.participant_id for a in group_queries.booked_attendees(session, group.id)] == [
        going.id
    ]
    assert group_queries.feed_groups(session, going, since=NOW) == [(group, True)]


def test_attendance_is_marked_once_the_session_has_started(world, session):
    group = add_group(world, session)
    came, stayed_away, gave_up = world.participants(3)
    places = [book(session, group, parent) for parent in (came, stayed_away, gave_up)]
    group_operations.cancel_group_place(session, attendee=places[2], now=NOW)
    session.commit()
    marks = {places[0].id: True, places[1].id: False, places[2].id: True, 999_999: True}
    with pytest.raises(GroupProblem, match="once the session has started"):
        group_operations.mark_group_attendance(session, group=group, marks=marks, now=NOW)
    marked = group_operations.mark_group_attendance(
        session, group=group, marks=marks, now=TUESDAY_10 + timedelta(minutes=30)
    )
    session.commit()
    assert marked == 2
    statuses = [session.get(GroupPlace, p.id).status for p in places]
    assert statuses == [
        SessionStatus.ATTENDED,
        SessionStatus.DID_NOT_ATTEND,
        SessionStatus.CANCELLED,
    ]


def test_a_place_is_refused_when_the_parent_has_a_session_or_another_group_then(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    group = add_group(world, session)  # 10:00 to 12:00
    operations.book_session(
        session,
        participant=parent,
        keyworker=keyworker,
        starts_at=TUESDAY_10 + timedelta(minutes=30),
        mode=SessionMode.PHONE,
        now=NOW,
    )
    session.commit()
    with pytest.raises(PlaceClash) as refused:
        group_operations.book_group_place(session, group_id=group.id, participant=parent, now=NOW)
    assert refused.value.message == (
        "You have a session with Ewan MacLeod at 10:30 then. "
        "Move it first, or choose another group."
    )
    session.rollback()
    assert group_queries.group_places_taken(session, group.id) == (0, 0)

    # Cancelled, the session no longer stands in the way; then another group at 11:00 does.
    booking = session.scalar(select(BookedSession))
    operations.cancel_session(session, booking=booking, reason="Sorted", now=NOW)
    book(session, group, parent)
    later = add_group(world, session, starts_at=TUESDAY_10 + timedelta(hours=1))
    later.title = "Money workshop"
    session.commit()
    with pytest.raises(PlaceClash, match="You have a place at Peer support at 10:00 then"):
        group_operations.book_group_place(session, group_id=later.id, participant=parent, now=NOW)
    session.rollback()
    # Back to back is fine.
    after = add_group(world, session, starts_at=TUESDAY_10 + timedelta(hours=2))
    assert book(session, after, parent).status == SessionStatus.BOOKED


def test_a_leader_booked_elsewhere_then_is_refused_by_the_time_field(world, session):
    keyworker, free = world.keyworker(), world.keyworker()
    parent = world.participant(keyworker=keyworker)
    operations.book_session(
        session,
        participant=parent,
        keyworker=keyworker,
        starts_at=TUESDAY_10 + timedelta(hours=3),  # 13:00 to 14:00
        mode=SessionMode.PHONE,
        now=NOW,
    )
    session.commit()
    group = add_group(world, session)  # 10:00 to 12:00, nobody leading
    plan = details(group, title="Coffee", led_by_id=keyworker.id)
    # Ending at 12:50 runs into Ewan's 15-minute gap before his 13:00 session.
    clashing = details(
        group, led_by_id=keyworker.id, ends_at=TUESDAY_10 + timedelta(hours=2, minutes=50)
    )
    with pytest.raises(GroupProblem) as refused:
        group_operations.create_group(
            session, locality_id=world.locality.id, details=clashing, now=NOW
        )
    assert refused.value.field == "starts_at"
    assert refused.value.message == (
        "Ewan MacLeod has a one-to-one session from 13:00 to 14:00 that day. "
        "Choose another time, or someone else to lead it."
    )
    session.rollback()
    with pytest.raises(GroupProblem, match="has a one-to-one session from 13:00"):
        group_operations.update_group(session, group=group, details=clashing, now=NOW)
    session.rollback()

    # Leading one group, Ewan can't lead another at the same time; someone else can.
    group_operations.update_group(session, group=group, details=plan, now=NOW)
    session.commit()
    other = details(group, title="Money workshop", led_by_id=keyworker.id)
    with pytest.raises(GroupProblem) as refused:
        group_operations.create_group(
            session, locality_id=world.locality.id, details=other, now=NOW
        )
    assert refused.value.message == (
        "Ewan MacLeod is leading Coffee from 10:00 to 12:00 that day. "
        "Choose another time, or someone else to lead it."
    )
    session.rollback()
    other.led_by_id = free.id
    assert group_operations.create_group(
        session, locality_id=world.locality.id, details=other, now=NOW
    )
    # A group's own time never clashes with itself.
    assert not group_operations.update_group(
        session, group=group, details=details(group, description="Bring a friend"), now=NOW
    )


def test_cancelling_keeps_the_reason_and_the_parents_past_list_shows_it(world, session):
    group = add_group(world, session)
    held = add_group(world, session, starts_at=NOW - timedelta(days=3))
    given_up = add_group(world, session, starts_at=TUESDAY_10 + timedelta(days=1))
    parent = world.participant()
    book(session, group, parent)
    session.add(GroupPlace(group_session_id=held.id, participant_id=parent.id))
    group_operations.cancel_group_place(session, attendee=book(session, given_up, parent), now=NOW)
    group_operations.cancel_group(session, group=group, reason="The hall is flooded.", now=NOW)
    session.commit()
    assert group.cancel_reason == "The hall is flooded." and group.cancelled_at == NOW
    past = group_queries.past_group_places(session, parent, NOW)
    assert [p.group_session_id for p in past] == [given_up.id, group.id, held.id]
    assert past[0].cancelled_at == NOW


def test_a_group_is_not_moved_onto_a_time_when_a_parent_with_a_place_is_booked_elsewhere(
    world, session
):
    keyworker = world.keyworker()
    aisha, kirsty, free = world.participants(3, keyworker=keyworker)
    group = add_group(world, session)  # Tuesday 10:00 to 12:00
    for parent in (aisha, kirsty, free):
        book(session, group, parent)
    thursday_10 = TUESDAY_10 + timedelta(days=2)
    operations.book_session(
        session,
        participant=aisha,
        keyworker=keyworker,
        starts_at=thursday_10 + timedelta(hours=1),
        mode=SessionMode.PHONE,
        now=NOW,
    )
    other = add_group(world, session, starts_at=thursday_10)
    book(session, other, kirsty)

    moved = details(group, starts_at=thursday_10, ends_at=thursday_10 + timedelta(hours=2))
    with pytest.raises(GroupProblem) as refused:
        group_operations.update_group(session, group=group, details=moved, now=NOW)
    assert refused.value.field == "starts_at"
    message = refused.value.message
    assert " have a place at this group and another session then." in message
    assert aisha.name in message and kirsty.name in message and free.name not in message
    session.rollback()
    assert session.get(GroupSession, group.id).starts_at == TUESDAY_10

    # Once Kirsty gives up the other group, and Aisha's session is somewhere else, it moves.
    group_operations.cancel_group_place(
        session,
        attendee=group_queries.place_for(session, group_id=other.id, participant_id=kirsty.id),
        now=NOW,
    )
    one_to_one = session.scalars(
        select(BookedSession).where(BookedSession.participant_id == aisha.id)
    ).one()
    operations.cancel_session(session, booking=one_to_one, reason="Moving the group", now=NOW)
    assert group_operations.update_group(session, group=group, details=moved, now=NOW) is True
    session.commit()
