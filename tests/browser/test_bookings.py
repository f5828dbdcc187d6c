"""A parent on a phone books a session that fits the school day, adds it to their calendar,
moves it and cancels it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.sessions.conftest import World, add_terms
from webapp.models import Locality, Venue
from webapp.sessions.slots import LONDON


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
    # Nothing is booked until the parent has read what, when, where and with whom.
    expect(page.get_by_role("heading", level=1)).to_have_text("Book this session?")
    expect(page.locator(".summary-list")).to_contain_text(first_time.split(" to ")[0])
    expect(page.locator(".summary-list")).to_contain_text("Ewan MacLeod")
    assert_accessible(page)
    page.get_by_role("button", name="Book it").click()
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
    expect(page.get_by_role("heading", level=1)).to_have_text("Move your session?")
    expect(page.locator(".summary-list")).to_contain_text(later_time)
    page.get_by_role("button", name="Move it").click()
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


def test_keyworker_plans_a_group_session_and_a_parent_books_then_gives_up_a_place(
    page, session, new_phone
):
    locality = Locality(name="Glasgow North East")
    session.add(locality)
    session.flush()
    centre = Venue(
        locality_id=locality.id, name="Family Centre", address="2 High Street", has_creche=True
    )
    session.add(centre)
    session.commit()
    today = date.today()
    add_terms(session, locality, terms=[(today - timedelta(days=30), today + timedelta(days=120))])
    world = World(session, locality, centre, centre)
    keyworker_email = world.keyworker().email
    parent_email = world.participants(1, password=True)[0].email
    session.close()  # the live server needs SQLite's write lock from here on

    sign_in(page, keyworker_email)
    page.get_by_role("link", name="Diary").click()
    page.get_by_role("link", name="Group sessions").click()
    page.get_by_role("link", name="Add a group session").click()
    page.get_by_label("Title").fill("Coffee and confidence")
    page.get_by_label("Where").select_option(label="Family Centre (crèche)")
    page.get_by_label("Date").fill((today + timedelta(days=9)).isoformat())
    page.get_by_label("Starts").fill("11:00")
    page.get_by_label("Ends").fill("10:00")
    page.get_by_label("Places", exact=True).fill("0")
    page.get_by_role("button", name="Add group session").click()
    expect(page.locator("#ends_at-error")).to_contain_text("after the start time")
    expect(page.locator("#capacity-error")).to_contain_text("from 1 to 200")
    expect(page.get_by_label("Title")).to_have_value("Coffee and confidence")
    assert_accessible(page)
    page.get_by_label("Ends").fill("12:30")
    page.get_by_label("Places", exact=True).fill("6")
    page.get_by_label("Crèche places").fill("2")
    page.get_by_role("button", name="Add group session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coffee and confidence")
    expect(page.get_by_text("0 of 6 taken, 6 left")).to_be_visible()
    assert_accessible(page)

    phone = new_phone()
    sign_in(phone, parent_email)
    phone.get_by_role("link", name="Sessions").click()
    phone.get_by_label("Crèche places you need").select_option("1")
    phone.get_by_role("button", name="Book a place at Coffee and confidence").click()
    expect(phone.locator(".notice--success")).to_contain_text("Your place is booked.")
    phone.get_by_role("link", name="Cancel my place at Coffee and confidence").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Cancel your place")
    assert_accessible(phone)
    phone.get_by_role("button", name="Cancel my place").click()
    expect(phone.locator(".notice--success")).to_contain_text("given up your place")
    expect(phone.get_by_text("6 places left, 2 crèche places.")).to_be_visible()

    page.reload()
    expect(page.get_by_text("Nobody has booked a place yet.")).to_be_visible()


def test_a_parent_who_books_by_mistake_undoes_it_within_seconds(page, session):
    locality = Locality(name="Fife")
    session.add(locality)
    session.flush()
    venue = Venue(locality_id=locality.id, name="Kirkcaldy Hub", address="2 High Street")
    session.add(venue)
    session.commit()
    today = date.today()
    add_terms(session, locality, terms=[(today - timedelta(days=30), today + timedelta(days=120))])
    world = World(session, locality, venue, venue)
    email = world.participants(1, keyworker=world.keyworker(), password=True)[0].email
    session.close()

    sign_in(page, email)
    page.goto("/sessions/find")
    page.locator("[data-slot]").first.click()
    page.get_by_role("button", name="Book it").click()
    expect(page.locator(".notice--success")).to_contain_text("Booked")
    undo = page.get_by_role("button", name="Undo the booking")
    expect(undo).to_be_visible()
    # The undo stands well apart from the buttons around it.
    box = undo.bounding_box()
    for other in page.locator("main .button").all():
        near = other.bounding_box()
        if near is None or near == box:  # hidden, or the undo button itself
            continue
        apart = max(
            near["y"] - (box["y"] + box["height"]),
            box["y"] - (near["y"] + near["height"]),
            near["x"] - (box["x"] + box["width"]),
            box["x"] - (near["x"] + near["width"]),
        )
        assert apart >= 8, f"“{other.inner_text()}” sits against the undo button"
    assert_accessible(page)
    undo.click()
    expect(page.locator(".notice--success")).to_contain_text("Undone")
    expect(page.get_by_text("You have no sessions booked.")).to_be_visible()

    # A few seconds on, the offer to undo is gone; cancelling is the way then.
    page.goto("/sessions/find")
    page.locator("[data-slot]").first.click()
    page.get_by_role("button", name="Book it").click()
    expect(page.get_by_role("button", name="Undo the booking")).to_be_visible()
    expect(page.get_by_role("button", name="Undo the booking")).to_be_hidden(timeout=15_000)
    expect(page.get_by_role("link", name="Cancel it")).to_be_visible()
