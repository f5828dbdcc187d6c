"""A parent on a phone books a session that fits the school day, adds it to their calendar,
moves it and cancels it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import expect

from tests.bookings.conftest import World, add_terms
from tests.browser.conftest import assert_accessible, sign_in
from webapp.bookings.slots import LONDON
from webapp.models import Locality, Venue


def test_parent_books_adds_to_calendar_moves_and_cancels(page, session):
    locality = Locality(name="Glasgow North East")
    session.add(locality)
    session.flush()
    venue = Venue(locality_id=locality.id, name="Parkhead Hub", address="1 Main Street")
    session.add(venue)
    session.commit()
    today = date.today()
    # A holiday on the first weekdays that could be offered: none of those days may appear.
    holiday = [
        today + timedelta(days=n) for n in range(2, 9) if (today + timedelta(days=n)).weekday() < 5
    ][:2]
    add_terms(
        session,
        locality,
        terms=[(today - timedelta(days=30), today + timedelta(days=120))],
        closures=[(holiday[0], holiday[-1])],
    )
    world = World(session, locality, venue, venue)
    keyworker = world.keyworker()
    email = world.participants(1, keyworker=keyworker, password=True)[0].email
    session.close()  # the live server needs SQLite's write lock from here on

    sign_in(page, email)
    page.get_by_role("link", name="Sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your sessions")
    page.get_by_role("link", name="Book a session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a time")
    assert_accessible(page)

    offered = [
        datetime.fromisoformat(value).astimezone(LONDON)
        for value in page.locator("[data-slot]").evaluate_all("els => els.map(e => e.dataset.slot)")
    ]
    assert offered
    for moment in offered:
        assert moment.weekday() < 5 and moment.date() not in holiday
        assert time(9, 15) <= moment.time() and (moment + timedelta(hours=1)).time() <= time(14, 45)

    first = page.locator("[data-slot]").first
    first_time = first.locator(".slot__time").inner_text()
    first.click()
    expect(page.locator(".notice--success")).to_contain_text("Booked")
    expect(page.locator(".session").first).to_contain_text(first_time.split(" to ")[0])
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar").click()
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    event = calendar.walk("VEVENT")[0]
    assert int(event["sequence"]) == 0 and "Ewan MacLeod" in str(event["summary"])
    uid = str(event["uid"])

    page.get_by_role("link", name="Move it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move your session")
    page.get_by_role("link", name="Later times").click()
    later = page.locator("[data-slot]").first
    later_time = later.locator(".slot__time").inner_text().split(" to ")[0]
    later.click()
    expect(page.locator(".notice--success")).to_contain_text("Moved to")
    expect(page.locator(".session").first).to_contain_text(later_time)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar").click()
    moved = Calendar.from_ical(Path(download_info.value.path()).read_bytes()).walk("VEVENT")[0]
    assert str(moved["uid"]) == uid and int(moved["sequence"]) == 1

    page.get_by_role("link", name="Cancel it").click()
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.locator("#reason-error")).to_contain_text("Tell us why you are cancelling.")
    assert_accessible(page)
    page.get_by_label("Why are you cancelling?").fill("My wee one is off sick")
    page.get_by_role("button", name="Cancel the session").click()
    expect(page.locator(".notice--success")).to_contain_text("Cancelled")
    expect(page.get_by_text("You have no sessions booked.")).to_be_visible()
    expect(page.get_by_text("My wee one is off sick")).to_be_visible()
