"""A manager's venues: changing one, stopping using it (never deleting it) and using it again,
and what slot search offers at a venue that is no longer used or no longer has a crèche."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.sessions.conftest import NOW
from webapp.locality import operations as locality_operations
from webapp.locality import queries as locality_queries
from webapp.models import (
    AvailabilityRule,
    BookedSession,
    CalendarEntryKind,
    GroupSession,
    Locality,
    SchoolCalendarEntry,
    SessionMode,
    SessionStatus,
    Venue,
    utcnow,
)
from webapp.sessions import operations
from webapp.sessions.guard import SlotNotOffered
from webapp.sessions.search import search_slots

TUESDAY_10 = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)  # 10:00 in London (GMT)


def at_venue(slots, venue) -> list:
    return [slot for slot in slots if slot.venue_id == venue.id]


def search(session, parent, keyworker, now=NOW):
    return search_slots(session, participant=parent, keyworker_ids=[keyworker.id], now=now)


def booked_at(session, venue, parent, keyworker, starts_at) -> BookedSession:
    booking = BookedSession(
        keyworker_id=keyworker.id,
        participant_id=parent.id,
        venue_id=venue.id,
        mode=SessionMode.OFFICE,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
    )
    session.add(booking)
    session.commit()
    return booking


# The domain -----------------------------------------------------------------------------


def test_slot_search_offers_nothing_at_a_venue_no_longer_used(world, session):
    keyworker = world.keyworker(modes=(SessionMode.OFFICE, SessionMode.PHONE))
    parent = world.participant(keyworker=keyworker)
    assert at_venue(search(session, parent, keyworker), world.venue)

    locality_operations.set_venue_in_use(session, world.venue, False)
    session.commit()
    slots = search(session, parent, keyworker)
    assert not at_venue(slots, world.venue)
    assert {slot.mode for slot in slots} == {SessionMode.PHONE}
    with pytest.raises(SlotNotOffered):
        operations.book_session(
            session,
            participant=parent,
            keyworker=keyworker,
            starts_at=TUESDAY_10,
            mode=SessionMode.OFFICE,
            venue_id=world.venue.id,
            now=NOW,
        )

    locality_operations.set_venue_in_use(session, world.venue, True)
    session.commit()
    assert at_venue(search(session, parent, keyworker), world.venue)


def test_venue_use_counts_current_rules_and_sessions_still_to_come(world, session):
    keyworker = world.keyworker(modes=(SessionMode.OFFICE,))
    first, second, third = world.participants(3, keyworker=keyworker)
    session.add(
        AvailabilityRule(  # ended before NOW: it offers nothing already
            keyworker_id=keyworker.id,
            weekday=5,
            starts_at=time(10),
            ends_at=time(12),
            mode=SessionMode.OFFICE,
            venue_id=world.venue.id,
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
        )
    )
    coming = booked_at(session, world.venue, first, keyworker, TUESDAY_10)
    booked_at(session, world.venue, second, keyworker, NOW - timedelta(days=7))
    cancelled = booked_at(session, world.venue, third, keyworker, TUESDAY_10 + timedelta(days=1))
    cancelled.status = SessionStatus.CANCELLED
    booked_at(session, world.creche_venue, third, keyworker, TUESDAY_10 + timedelta(days=2))
    group = GroupSession(
        locality_id=world.locality.id,
        venue_id=world.venue.id,
        title="Coffee and confidence",
        starts_at=TUESDAY_10 + timedelta(days=3),
        ends_at=TUESDAY_10 + timedelta(days=3, hours=2),
        capacity=8,
    )
    session.add(group)
    session.commit()

    use = locality_queries.venue_use(session, world.venue, now=NOW)
    assert use.rules == 5  # Monday to Friday; not the rule that has ended
    assert [b.id for b in use.sessions] == [coming.id]
    assert [g.id for g in use.groups] == [group.id]

    locality_operations.set_venue_in_use(session, world.venue, False)
    session.commit()
    session.refresh(coming)
    assert coming.status == SessionStatus.BOOKED and coming.venue_id == world.venue.id
    assert session.get(Venue, world.venue.id) is not None


def test_holiday_times_stop_at_a_venue_without_a_creche(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    session.add(
        AvailabilityRule(
            keyworker_id=keyworker.id,
            weekday=2,
            starts_at=time(9),
            ends_at=time(15),
            mode=SessionMode.COMMUNITY_VENUE,
            venue_id=world.creche_venue.id,
            valid_from=date(2026, 1, 1),
        )
    )
    holiday = date(2027, 1, 20)  # a Wednesday
    session.add(
        SchoolCalendarEntry(
            locality_id=world.locality.id,
            kind=CalendarEntryKind.HOLIDAY,
            name="Snow day",
            starts_on=holiday,
            ends_on=holiday,
        )
    )
    session.commit()

    def on_holiday():
        return [
            slot for slot in search(session, parent, keyworker) if slot.starts_at.date() == holiday
        ]

    assert on_holiday() and all(s.venue_id == world.creche_venue.id for s in on_holiday())
    world.creche_venue.has_creche = False
    session.commit()
    assert on_holiday() == []


# The pages ------------------------------------------------------------------------------


@pytest.fixture
def manager(world, pages, make):
    manager = make.manager(locality=world.locality)
    pages.sign_in(manager)
    return manager


def test_a_manager_changes_a_venue_on_its_own_page(world, pages, session, manager):
    page = pages.get("locality.venues")
    assert page.select_one(f"#venue-{world.creche_venue.id} a[href$='/{world.creche_venue.id}']")

    page = pages.get("locality.edit_venue", venue_id=world.creche_venue.id)
    assert page.select_one("#name")["value"] == "Family Centre"
    assert page.select_one("#address").text.strip() == "2 High Street"
    assert page.select_one("#has_creche").has_attr("checked")
    hint = page.select_one("#has_creche-hint").text
    assert "Untick this and those times here stop being offered" in hint

    pages.post(
        "locality.edit_venue",
        {
            "name": "Family Centre, Shettleston",
            "address": "2 High Street\nShettleston",
            "accessibility_notes": "Step-free from the car park.",
        },
        venue_id=world.creche_venue.id,
    )
    venue = session.get(Venue, world.creche_venue.id)
    assert venue.name == "Family Centre, Shettleston" and not venue.has_creche
    assert venue.accessibility_notes == "Step-free from the car park."
    flashed = pages.get("locality.venues").select_one(".flashes").text
    assert "Holiday and in-service day times there are no longer offered" in flashed


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "address": "1 Main Street"}, "name", "Enter the venue's name."),
        ({"name": "x" * 121, "address": "1 Main Street"}, "name", "under 120 characters"),
        ({"name": "Hub", "address": "  "}, "address", "Enter the address."),
        (
            {"name": "Hub", "address": "1 Main St", "accessibility_notes": "x" * 1001},
            "accessibility_notes",
            "under 1000 characters",
        ),
    ],
)
def test_a_bad_change_is_refused_by_the_field(world, pages, session, manager, data, field, message):
    page = pages.post("locality.edit_venue", data, _expected_status=422, venue_id=world.venue.id)
    assert message in page.select_one(f"#{field}-error").text
    venue = session.get(Venue, world.venue.id)
    assert (venue.name, venue.address) == ("Parkhead Hub", "1 Main Street")


def test_stopping_a_venue_says_what_happens_and_keeps_its_sessions(world, pages, session, manager):
    keyworker = world.keyworker(modes=(SessionMode.OFFICE,))
    parent = world.participant(keyworker=keyworker)
    booking = booked_at(session, world.venue, parent, keyworker, utcnow() + timedelta(days=3))

    page = pages.get("locality.stop_venue", venue_id=world.venue.id)
    assert "5 weekly availability times here stop offering sessions" in page.text
    assert "1 session already booked here is kept" in page.select_one("#sessions-kept").text
    assert parent.name in page.select_one("#booked-here").text
    assert session.get(Venue, world.venue.id).is_active  # looking changed nothing

    pages.post("locality.stop_venue", venue_id=world.venue.id)
    assert not session.get(Venue, world.venue.id).is_active
    session.refresh(booking)
    assert booking.status == SessionStatus.BOOKED and booking.venue_id == world.venue.id
    venues = pages.get("locality.venues")
    assert "1 session already booked there is kept" in venues.select_one(".flashes").text
    assert "Use again" in venues.select_one(f"#venue-{world.venue.id}").text
    assert session.scalar(select(func.count()).select_from(Venue)) == 2

    # Keyworkers can't choose it for new availability, and see why their times there stopped.
    pages.sign_out()
    pages.sign_in(keyworker)
    availability = pages.get("sessions.availability")
    choices = [option["value"] for option in availability.select("#venue_id option")]
    assert str(world.venue.id) not in choices and str(world.creche_venue.id) in choices
    assert "Venue no longer used" in availability.text
    pages.sign_out()

    pages.sign_in(manager)
    pages.post("locality.use_venue_again", venue_id=world.venue.id)
    assert session.get(Venue, world.venue.id).is_active
    assert "Using Parkhead Hub again" in pages.get("locality.venues").select_one(".flashes").text


def test_the_confirmation_page_of_an_unused_venue_says_nothing_is_lost(world, pages, manager):
    page = pages.get("locality.stop_venue", venue_id=world.creche_venue.id)
    assert "No keyworker's availability is here now." in page.select_one("#rules-stopped").text
    assert "Nothing is booked here from now on." in page.select_one("#sessions-kept").text
    assert page.select_one("#booked-here") is None


def test_a_venue_of_another_locality_is_not_found(world, pages, session, manager):
    there = Locality(name="Inverclyde")
    session.add(there)
    session.flush()
    theirs = Venue(locality_id=there.id, name="Their Hub", address="9 Far Road")
    session.add(theirs)
    session.commit()
    venue_id = theirs.id

    pages.get("locality.edit_venue", _expected_status=404, venue_id=venue_id)
    pages.get("locality.stop_venue", _expected_status=404, venue_id=venue_id)
    pages.post(
        "locality.edit_venue",
        {"name": "Mine now", "address": "1 Main Street"},
        _expected_status=404,
        venue_id=venue_id,
    )
    pages.post("locality.stop_venue", _expected_status=404, venue_id=venue_id)
    pages.post("locality.use_venue_again", _expected_status=404, venue_id=venue_id)
    pages.get("locality.edit_venue", _expected_status=404, venue_id=venue_id + 1000)
    venue = session.get(Venue, venue_id)
    assert venue.name == "Their Hub" and venue.is_active
    assert "Their Hub" not in pages.get("locality.venues").text


def test_keyworkers_cannot_change_venues(world, pages):
    keyworker = world.keyworker()
    pages.sign_in(keyworker)
    pages.get("locality.edit_venue", _expected_status=403, venue_id=world.venue.id)
    pages.post("locality.stop_venue", _expected_status=403, venue_id=world.venue.id)
    pages.post("locality.use_venue_again", _expected_status=403, venue_id=world.venue.id)
    assert world.session.get(Venue, world.venue.id).is_active
