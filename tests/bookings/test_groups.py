"""Group sessions as domain functions: places within capacity and crèche places, a place given
up and taken again, staff changing and cancelling a session, and marking who came."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.bookings.conftest import NOW
from webapp.bookings import groups
from webapp.bookings.groups import GroupDetails, GroupFull, GroupProblem
from webapp.bookings.operations import BookingProblem
from webapp.models import GroupAttendee, GroupSession, SessionStatus

TUESDAY_10 = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)  # 10:00 in London (GMT)


def add_group(world, session, *, capacity=3, creche_places=2, starts_at=TUESDAY_10):
    group = GroupSession(
        locality_id=world.locality.id,
        venue_id=world.creche_venue.id,
        title="Peer support",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=capacity,
        creche_places=creche_places,
    )
    session.add(group)
    session.commit()
    return group


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
    place = groups.book_group_place(
        session, group_id=group.id, participant=parent, creche_children=children, now=NOW
    )
    session.commit()
    return place


def test_group_places_stop_at_capacity_and_creche_places(world, session):
    group = add_group(world, session)
    a, b, c, d = world.participants(4)
    book(session, group, a, children=2)
    with pytest.raises(GroupFull, match="only 0 crèche places"):
        groups.book_group_place(
            session, group_id=group.id, participant=b, creche_children=1, now=NOW
        )
    book(session, group, b)
    book(session, group, c)
    with pytest.raises(GroupFull, match="full"):
        groups.book_group_place(session, group_id=group.id, participant=d, now=NOW)
    session.commit()
    assert groups.group_places_taken(session, group.id) == (3, 2)


def test_a_place_given_up_frees_it_and_its_creche_places_and_can_be_taken_again(world, session):
    group = add_group(world, session, capacity=1, creche_places=2)
    first, second = world.participants(2)
    place = book(session, group, first, children=2)
    groups.cancel_group_place(session, attendee=place, now=NOW)
    session.commit()
    assert groups.group_places_taken(session, group.id) == (0, 0)
    book(session, group, second, children=2)
    with pytest.raises(GroupFull):
        groups.book_group_place(session, group_id=group.id, participant=first, now=NOW)
    session.rollback()
    taken = groups.place_for(session, group_id=group.id, participant_id=second.id)
    groups.cancel_group_place(session, attendee=taken, now=NOW)
    session.commit()
    # Booking again reuses the parent's row: one per parent and group session.
    again = book(session, group, first)
    assert again.id == place.id and again.status == SessionStatus.BOOKED
    assert session.scalar(select(func.count()).select_from(GroupAttendee)) == 2
    # Each change of place moved SEQUENCE on, so a calendar's cancelled copy comes back.
    assert session.get(GroupSession, group.id).sequence == 3


def test_a_place_cannot_be_given_up_or_booked_once_the_session_has_started(world, session):
    group = add_group(world, session)
    first, second = world.participants(2)
    place = book(session, group, first)
    with pytest.raises(BookingProblem, match="already started"):
        groups.cancel_group_place(session, attendee=place, now=TUESDAY_10)
    with pytest.raises(BookingProblem, match="already started"):
        groups.book_group_place(session, group_id=group.id, participant=second, now=TUESDAY_10)


def test_capacity_and_creche_places_cannot_go_below_the_places_booked(world, session):
    group = add_group(world, session, capacity=5, creche_places=4)
    for parent in world.participants(3):
        book(session, group, parent, children=1)
    with pytest.raises(GroupProblem, match="3 parents already have a place") as refused:
        groups.update_group(session, group=group, details=details(group, capacity=2), now=NOW)
    assert refused.value.field == "capacity"
    session.rollback()
    with pytest.raises(GroupProblem, match="3 crèche places are already booked") as refused:
        groups.update_group(session, group=group, details=details(group, creche_places=2), now=NOW)
    assert refused.value.field == "creche_places"
    session.rollback()
    moved = groups.update_group(
        session, group=group, details=details(group, capacity=3, creche_places=3), now=NOW
    )
    session.commit()
    assert not moved and group.sequence == 0  # places aren't in anyone's calendar
    with pytest.raises(GroupFull):
        groups.book_group_place(
            session, group_id=group.id, participant=world.participant(), now=NOW
        )


def test_moving_a_session_bumps_its_sequence_and_must_stay_in_the_future(world, session):
    group = add_group(world, session)
    later = group.starts_at + timedelta(days=1)
    with pytest.raises(GroupProblem, match="in the future") as refused:
        groups.update_group(
            session,
            group=group,
            details=details(group, starts_at=NOW - timedelta(hours=1), ends_at=NOW),
            now=NOW,
        )
    assert refused.value.field == "day"
    session.rollback()
    moved = groups.update_group(
        session,
        group=group,
        details=details(group, starts_at=later, ends_at=later + timedelta(hours=1)),
        now=NOW,
    )
    session.commit()
    assert moved and group.sequence == 1 and group.starts_at == later
    groups.update_group(session, group=group, details=details(group, title="Coffee"), now=NOW)
    assert group.sequence == 2  # a new title reaches calendars too
    # After it has been held it can still be tidied up, as long as the time stays.
    groups.update_group(
        session, group=group, details=details(group, description="Notes"), now=later
    )
    assert group.description == "Notes"


def test_a_cancelled_session_leaves_the_parents_lists_and_takes_no_bookings(world, session):
    group = add_group(world, session)
    going, other = world.participants(2)
    book(session, group, going)
    assert groups.groups_for_parent(session, going, NOW)[0][0].group.id == group.id
    assert groups.groups_for_parent(session, other, NOW)[1][0].group.id == group.id
    groups.cancel_group(session, group=group, now=NOW)
    session.commit()
    assert group.is_cancelled and group.sequence == 1
    assert groups.groups_for_parent(session, going, NOW) == ([], [])
    assert groups.groups_for_parent(session, other, NOW) == ([], [])
    with pytest.raises(BookingProblem, match="isn't running"):
        groups.book_group_place(session, group_id=group.id, participant=other, now=NOW)
    with pytest.raises(GroupProblem, match="already cancelled"):
        groups.cancel_group(session, group=group, now=NOW)
    # Who had a place stays on record; their calendar shows it cancelled.
    assert [a.participant_id for a in groups.booked_attendees(session, group.id)] == [going.id]
    assert groups.feed_groups(session, going, since=NOW) == [(group, True)]


def test_attendance_is_marked_once_the_session_has_started(world, session):
    group = add_group(world, session)
    came, stayed_away, gave_up = world.participants(3)
    places = [book(session, group, parent) for parent in (came, stayed_away, gave_up)]
    groups.cancel_group_place(session, attendee=places[2], now=NOW)
    session.commit()
    marks = {places[0].id: True, places[1].id: False, places[2].id: True, 999_999: True}
    with pytest.raises(GroupProblem, match="once the session has started"):
        groups.mark_group_attendance(session, group=group, marks=marks, now=NOW)
    marked = groups.mark_group_attendance(
        session, group=group, marks=marks, now=TUESDAY_10 + timedelta(minutes=30)
    )
    session.commit()
    assert marked == 2
    statuses = [session.get(GroupAttendee, p.id).status for p in places]
    assert statuses == [
        SessionStatus.ATTENDED,
        SessionStatus.DID_NOT_ATTEND,
        SessionStatus.CANCELLED,
    ]
