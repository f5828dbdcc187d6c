"""The bookings pages as a parent, a keyworker and a manager use them."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from webapp.models import (
    BookedSession,
    FreeWindow,
    SchoolCalendar,
    SchoolCalendarEntry,
    SessionStatus,
    Venue,
)
from webapp.sessions import operations
from webapp.sessions.slots import LONDON


def offered(page):
    """The slot forms on a page, as dicts of their hidden fields."""
    return [
        {
            i["name"]: i["value"]
            for i in form.select("input[type=hidden]")
            if i["name"] != "csrf_token"
        }
        for form in page.select("form.slot")
    ]


def setup_parent(world, pages):
    keyworker = world.keyworker()
    parent = world.participants(1, keyworker=keyworker, password=True)[0]
    pages.sign_in(parent)
    return keyworker, parent


def count_sessions(session, **filters):
    query = select(func.count()).select_from(BookedSession).filter_by(**filters)
    return session.scalar(query)


def test_a_parent_is_offered_only_school_day_times_and_books_one(world, pages, session):
    setup_parent(world, pages)
    page = pages.get("sessions.find_time")
    slots = offered(page)
    assert slots
    for slot in slots:
        local = datetime.fromisoformat(slot["starts_at"]).astimezone(LONDON)
        assert local.weekday() < 5
        assert time(9, 15) <= local.time() and (local + timedelta(hours=1)).time() <= time(14, 45)
    pages.post("sessions.book", slots[0])
    assert count_sessions(session) == 1
    sessions_page = pages.get("sessions.my_sessions")
    assert "Add to my calendar" in sessions_page.text
    today = pages.get("home.today")
    assert "Your next session" in today.select_one("#next-session").text
    assert "Nothing booked" not in today.select_one("#next-session").text


def test_a_forged_time_outside_school_hours_is_refused(world, pages, session):
    setup_parent(world, pages)
    slot = offered(pages.get("sessions.find_time"))[0]
    evening = datetime.fromisoformat(slot["starts_at"]).astimezone(LONDON).replace(hour=19)
    page = pages.post(
        "sessions.book", {**slot, "starts_at": evening.isoformat()}, _expected_status=422
    )
    assert "isn't one we can offer" in page.text
    for forged in (
        {"starts_at": "tomorrow"},
        {"starts_at": "0001-01-01T00:00:00+02:34:48"},
        {"mode": "spaceship"},
        {"venue_id": "x"},
    ):
        pages.post("sessions.book", {**slot, **forged}, _expected_status=422)
    assert count_sessions(session) == 0


def test_a_taken_time_answers_409_with_the_nearest_free_times(world, pages, session):
    keyworker, _ = setup_parent(world, pages)
    other = world.participant(keyworker=keyworker)
    slot = offered(pages.get("sessions.find_time"))[0]
    from webapp.models import SessionMode

    operations.book_session(
        session,
        participant=other,
        keyworker=keyworker,
        starts_at=datetime.fromisoformat(slot["starts_at"]),
        mode=SessionMode(slot["mode"]),
    )
    session.commit()
    page = pages.post("sessions.book", slot, _expected_status=409)
    assert "That time has just been taken" in page.text
    assert len(offered(page)) == 3
    pages.post("sessions.book", offered(page)[0])
    assert count_sessions(session) == 2


def test_calendar_file_reschedule_and_cancel(world, pages, session):
    setup_parent(world, pages)
    slots = offered(pages.get("sessions.find_time"))
    pages.post("sessions.book", slots[0])
    booking = session.scalar(select(BookedSession))
    ics = Calendar.from_ical(
        pages.get("sessions.session_calendar", session_id=booking.id).response.data
    )
    event = ics.walk("VEVENT")[0]
    assert str(event["uid"]).startswith(f"{booking.uid}@") and int(event["sequence"]) == 0
    assert event.decoded("dtstart") == booking.starts_at

    move_page = pages.get("sessions.reschedule", session_id=booking.id)
    new_slot = offered(move_page)[-1]
    pages.post("sessions.reschedule", new_slot, session_id=booking.id)
    session.refresh(booking)
    assert booking.starts_at == datetime.fromisoformat(new_slot["starts_at"])
    ics = Calendar.from_ical(
        pages.get("sessions.session_calendar", session_id=booking.id).response.data
    )
    moved = ics.walk("VEVENT")[0]
    assert str(moved["uid"]) == str(event["uid"]) and int(moved["sequence"]) == 1

    page = pages.post(
        "sessions.cancel", {"reason": ""}, _expected_status=422, session_id=booking.id
    )
    assert "Tell us why you are cancelling." in page.select_one(".field-error").text
    pages.post("sessions.cancel", {"reason": "Hospital appointment"}, session_id=booking.id)
    session.refresh(booking)
    assert booking.status == SessionStatus.CANCELLED
    ics = Calendar.from_ical(
        pages.get("sessions.session_calendar", session_id=booking.id).response.data
    )
    assert str(ics["method"]) == "CANCEL"
    assert str(ics.walk("VEVENT")[0]["status"]) == "CANCELLED"
    assert int(ics.walk("VEVENT")[0]["sequence"]) == 2


def test_someone_elses_session_is_not_found(world, pages, session, client):
    keyworker = world.keyworker()
    mine, theirs = world.participants(2, keyworker=keyworker, password=True)
    pages.sign_in(theirs)
    slot = offered(pages.get("sessions.find_time"))[0]
    pages.post("sessions.book", slot)
    booking = session.scalar(select(BookedSession))
    pages.sign_out()
    pages.sign_in(mine)
    pages.get("sessions.session_calendar", _expected_status=404, session_id=booking.id)
    pages.get("sessions.reschedule", _expected_status=404, session_id=booking.id)
    pages.post("sessions.cancel", {"reason": "x"}, _expected_status=404, session_id=booking.id)


def test_private_feed_lists_sessions_until_revoked(world, pages, session, client):
    setup_parent(world, pages)
    pages.post("sessions.book", offered(pages.get("sessions.find_time"))[0])
    page = pages.post("sessions.calendar_feed", {"action": "new"}, _expected_status=200)
    url = page.select_one("#feed-url").text
    pages.sign_out()
    response = client.get(url)
    assert response.status_code == 200
    feed = Calendar.from_ical(response.data)
    assert len(feed.walk("VEVENT")) == 1
    assert session.scalar(select(func.count()).select_from(BookedSession)) == 1
    # A new link replaces the old one.
    setup_parent_again = session.scalar(select(BookedSession)).participant
    pages.sign_in(setup_parent_again)
    pages.post("sessions.calendar_feed", {"action": "stop"})
    assert client.get(url).status_code == 404


def test_free_windows_narrow_the_offered_times(world, pages):
    setup_parent(world, pages)
    page = pages.post(
        "sessions.free_windows",
        {"weekday": "1", "starts_at": "12:00", "ends_at": "11:00"},
        _expected_status=422,
    )
    assert "The end time must be after the start time." in page.text
    pages.post("sessions.free_windows", {"weekday": "1", "starts_at": "09:00", "ends_at": "12:00"})
    for slot in offered(pages.get("sessions.find_time")) + offered(
        pages.get("sessions.find_time", week=1)
    ):
        local = datetime.fromisoformat(slot["starts_at"]).astimezone(LONDON)
        assert local.weekday() == 1 and (local + timedelta(hours=1)).time() <= time(12)


def test_a_time_that_is_not_a_time_gets_a_plain_message_and_keeps_the_rest(world, pages):
    setup_parent(world, pages)
    page = pages.post(
        "sessions.free_windows",
        {"weekday": "2", "starts_at": "half nine", "ends_at": "12:00"},
        _expected_status=422,
    )
    assert "Enter a time on the 24-hour clock, like 09:30." in page.text
    assert "Not a valid" not in page.text
    assert page.select_one("select[name=weekday] option[selected]")["value"] == "2"
    assert page.select_one("input[name=ends_at]")["value"] == "12:00"


def test_keyworker_adds_availability_books_for_a_parent_and_marks_attendance(world, pages, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    pages.sign_in(keyworker)
    page = pages.post(
        "sessions.availability",
        {
            "weekday": "0",
            "starts_at": "10:00",
            "ends_at": "12:00",
            "mode": "office",
            "venue_id": "0",
            "valid_from": date.today().isoformat(),
        },
        _expected_status=422,
    )
    assert "Choose where you meet people" in page.text
    pages.post(
        "sessions.availability",
        {
            "weekday": "0",
            "starts_at": "10:00",
            "ends_at": "12:00",
            "mode": "office",
            "venue_id": str(world.venue.id),
            "valid_from": date.today().isoformat(),
        },
    )
    page = pages.get("sessions.book_for", participant_id=parent.id)
    slot = offered(page)[0]
    pages.post("sessions.book_for", slot, participant_id=parent.id)
    booking = session.scalar(select(BookedSession))
    assert booking.booked_by_id == keyworker.id and booking.participant_id == parent.id
    diary = pages.get("sessions.diary")
    assert parent.name in diary.text
    # Once it has happened, it can be marked.
    booking.starts_at -= timedelta(days=60)
    booking.ends_at -= timedelta(days=60)
    session.commit()
    pages.post("sessions.attendance", {"attended": "yes"}, session_id=booking.id)
    session.refresh(booking)
    assert booking.status == SessionStatus.ATTENDED


def confirm_import(pages, data: bytes, filename: str, *, replace: bool = False, **kinds):
    """Upload a calendar file, then confirm what was read (changing the kinds given by name)."""
    page = pages.post(
        "locality.import_school_calendar",
        {"file": (io.BytesIO(data), filename)},
        _expected_status=200,
    )
    form = page.select_one("form[action$='/import/confirm']")
    posted = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    for select_ in form.select("select"):
        chosen = select_.select_one("option[selected]") or select_.select_one("option")
        posted[select_["name"]] = chosen["value"]
    for name, kind in kinds.items():
        row = next(r for r in form.select("tbody tr") if r.th.text.strip().startswith(name))
        posted[row.select_one("select")["name"]] = kind
    if replace:
        posted["replace"] = "y"
    return page, pages.post("locality.confirm_school_calendar", posted)


def test_manager_adds_a_venue_and_imports_the_school_calendar(world, pages, session, make):
    manager = make.manager(locality=world.locality)
    pages.sign_in(manager)
    page = pages.post("locality.venues", {"name": "", "address": ""}, _expected_status=422)
    assert "Enter the venue's name." in page.text
    pages.post(
        "locality.venues",
        {"name": "Easterhouse Hub", "address": "3 Shandwick St", "has_creche": "y"},
    )
    assert session.scalar(select(Venue).where(Venue.name == "Easterhouse Hub")).has_creche

    bad = (
        b"kind,name,starts_on,ends_on\n"
        b"term,Autumn,2026-08-19,2026-12-22\n"
        b"holidy,Xmas,2026-12-23,2027-01-06\n"
        b"term,Spring,2027-04-19,2027-04-01\n"
    )
    page = pages.post(
        "locality.import_school_calendar",
        {"file": (io.BytesIO(bad), "terms.csv"), "replace": "y"},
        _expected_status=422,
    )
    errors = [li.text for li in page.select(".import-errors li")]
    assert errors[0].startswith("Line 3:") and "holidy" in errors[0]
    assert errors[1].startswith("Line 4:") and "before the first day" in errors[1]
    before = session.scalar(select(func.count()).select_from(SchoolCalendarEntry))

    good = (
        b"kind,name,starts_on,ends_on\n"
        b"term,Autumn term,2026-08-19,2026-12-22\n"
        b"in-service,In-service day,14/02/2027,14/02/2027\n"
    )
    confirm_import(pages, good, "terms.csv", replace=True)
    entries = session.scalars(
        select(SchoolCalendarEntry).order_by(SchoolCalendarEntry.starts_on)
    ).all()
    assert before == 1 and [e.name for e in entries] == ["Autumn term", "In-service day"]

    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n"
        b"BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Spring term\r\n"
        b"DTSTART;VALUE=DATE:20270107\r\nDTEND;VALUE=DATE:20270402\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:2\r\nSUMMARY:Easter holidays\r\n"
        b"DTSTART;VALUE=DATE:20270329\r\nDTEND;VALUE=DATE:20270410\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    confirm_import(pages, ics, "glasgow.ics")
    names = session.scalars(select(SchoolCalendarEntry.name)).all()
    assert {"Spring term", "Easter holidays"} <= set(names)
    spring = session.scalar(
        select(SchoolCalendarEntry).where(SchoolCalendarEntry.name == "Spring term")
    )
    assert spring.kind.value == "term" and spring.ends_on.isoformat() == "2027-04-01"

    huge = b"kind,name,starts_on,ends_on\n" + b"term,x,2026-08-19,2026-12-22\n" * 10000
    page = pages.post(
        "locality.import_school_calendar",
        {"file": (io.BytesIO(huge), "t.csv")},
        _expected_status=422,
    )
    assert "too big" in page.text


def test_a_refused_school_calendar_post_stores_nothing(pages, session, make):
    """A refused school day or entry used to save the locality's calendar all the same."""
    locality = make.locality()  # one with no calendar saved yet
    pages.sign_in(make.manager(locality=locality))
    pages.post("locality.school_calendar", {}, _expected_status=422)
    pages.post(
        "locality.school_calendar",
        {"day-starts_at": "15:00", "day-ends_at": "09:00"},
        _expected_status=422,
    )
    assert session.scalar(select(func.count()).select_from(SchoolCalendar)) == 0

    pages.post("locality.school_calendar", {"day-starts_at": "09:00", "day-ends_at": "15:00"})
    calendar = session.get(SchoolCalendar, locality.id)
    assert (calendar.day_starts, calendar.day_ends) == (time(9), time(15))


def test_pages_need_the_right_role(world, pages, make):
    keyworker = world.keyworker()
    parent = world.participants(1, keyworker=keyworker, password=True)[0]
    pages.sign_in(parent)
    pages.get("sessions.diary", _expected_status=403)
    pages.get("locality.venues", _expected_status=403)
    pages.get("locality.school_calendar", _expected_status=403)
    pages.get("sessions.free_windows")
    pages.get("sessions.my_sessions")


def test_a_parent_books_a_place_at_a_group_session_until_it_is_full(world, pages, session):
    from webapp.models import GroupPlace, GroupSession

    start = datetime.now(LONDON).replace(microsecond=0) + timedelta(days=3)
    group = GroupSession(
        locality_id=world.locality.id,
        venue_id=world.creche_venue.id,
        title="Coffee and confidence",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=1,
        creche_places=1,
    )
    session.add(group)
    session.commit()
    group_id = group.id
    first, second = world.participants(2, password=True)
    pages.sign_in(first)
    page = pages.get("sessions.my_sessions")
    assert "1 place left, 1 crèche place." in page.select_one(f"#group-{group_id}").text
    pages.post("groups.book", {"creche_children": "2"}, group_id=group_id)
    page = pages.get("sessions.my_sessions")
    assert "only 1 crèche place left" in page.select_one(".notice--error").text
    pages.post("groups.book", {"creche_children": "1"}, group_id=group_id)
    page = pages.get("sessions.my_sessions")
    assert "Coffee and confidence" in page.select_one(f"#my-group-{group_id}").text
    assert page.select_one(f"#group-{group_id}") is None  # no longer offered to book
    pages.sign_out()
    pages.sign_in(second)
    assert (
        "This session is full."
        in pages.get("sessions.my_sessions").select_one(f"#group-{group_id}").text
    )
    pages.post("groups.book", {"creche_children": "0"}, group_id=group_id)
    assert session.scalar(select(func.count()).select_from(GroupPlace)) == 1


def test_a_calendar_link_is_made_only_when_asked_for(world, pages, session):
    from webapp.models import CalendarFeedToken

    setup_parent(world, pages)
    for data in ({}, {"action": "please"}):
        pages.post("sessions.calendar_feed", data, _expected_status=400)
    assert session.scalar(select(func.count()).select_from(CalendarFeedToken)) == 0


@pytest.mark.parametrize(
    ("starts", "ends", "field", "message"),
    [
        ("06:00", "08:00", "ends_at", "would never be offered one"),
        ("10:00", "10:20", "ends_at", "A session is 60 minutes"),
        ("17:30", "21:00", "ends_at", "between 08:00 and 18:00"),
    ],
)
def test_a_free_window_that_can_never_hold_a_session_says_why(
    world, pages, session, starts, ends, field, message
):
    setup_parent(world, pages)
    page = pages.post(
        "sessions.free_windows",
        {"weekday": "1", "starts_at": starts, "ends_at": ends},
        _expected_status=422,
    )
    assert message in page.select_one(f"#{field}-error").text
    assert page.select_one("input[name=starts_at]")["value"] == starts
    assert session.scalar(select(func.count()).select_from(FreeWindow)) == 0


def test_the_same_free_window_twice_is_refused(world, pages, session):
    setup_parent(world, pages)
    window = {"weekday": "1", "starts_at": "09:00", "ends_at": "12:00"}
    pages.post("sessions.free_windows", window)
    page = pages.post("sessions.free_windows", window, _expected_status=422)
    assert "already said you're free then" in page.select_one("#starts_at-error").text
    assert session.scalar(select(func.count()).select_from(FreeWindow)) == 1
