"""Booking a time already booked in another tab says so and shows it, instead of calling it
taken; a "no free times" week links to the next week and names the school holidays."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.sessions.test_views import offered, setup_parent
from webapp.models import BookedSession


def test_booking_the_slot_you_just_booked_in_another_tab_says_youve_already_booked_it(
    world, pages, session
):
    setup_parent(world, pages)
    slot = offered(pages.get("sessions.find_time"))[0]
    pages.post("sessions.book", slot)
    again = pages.post("sessions.book", slot)  # the other tab's page still offers it
    booking = session.scalar(select(BookedSession))
    assert again.response.headers["Location"].endswith(f"/sessions#session-{booking.id}")
    page = pages.get("sessions.my_sessions")
    assert "You've already booked this" in page.select_one(".flashes").text
    assert "just been taken" not in page.text
    assert page.select_one(f"#session-{booking.id}")
    assert session.scalar(select(func.count()).select_from(BookedSession)) == 1


def test_staff_booking_a_parent_twice_are_told_the_parent_is_already_booked(world, pages, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    pages.sign_in(keyworker)
    slot = offered(pages.get("sessions.book_for", participant_id=parent.id))[0]
    pages.post("sessions.book_for", slot, participant_id=parent.id)
    pages.post("sessions.book_for", slot, participant_id=parent.id)
    page = pages.get("caseload.record", participant_id=parent.id)
    assert f"{parent.name} is already booked for this" in page.select_one(".flashes").text


def test_a_week_of_school_holidays_names_them_and_links_to_the_next_week(world, pages, session):
    from datetime import timedelta

    from webapp.models import CalendarEntryKind, SchoolCalendarEntry, utcnow
    from webapp.sessions.slots import LONDON

    first = (utcnow() + timedelta(weeks=1)).astimezone(LONDON).date()
    session.add(
        SchoolCalendarEntry(
            locality_id=world.locality.id,
            kind=CalendarEntryKind.HOLIDAY,
            name="February mid-term break",
            starts_on=first - timedelta(days=1),
            ends_on=first + timedelta(days=8),
        )
    )
    session.commit()
    setup_parent(world, pages)
    page = pages.get("sessions.find_time", week=1)
    assert not offered(page)
    notice = page.select_one("[data-no-times]")
    assert "the schools are closed for February mid-term break" in notice.text
    link = notice.find("a", string="See next week's times")
    assert link["href"] == pages.url("sessions.find_time", week=2)
