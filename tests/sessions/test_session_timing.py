"""A keyworker's session length and the gap between sessions: what slot search offers, and
the form on the availability page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.sessions.conftest import NOW
from webapp.models import KeyworkerSettings, SessionMode
from webapp.sessions import operations
from webapp.sessions import queries as session_queries
from webapp.sessions.search import search_slots

TUESDAY_10 = datetime(2027, 1, 12, 10, 0, tzinfo=UTC)  # 10:00 in London (GMT)


def settings_rows(session) -> int:
    return session.scalar(select(func.count()).select_from(KeyworkerSettings))


def lengths(slots) -> set[timedelta]:
    return {slot.ends_at - slot.starts_at for slot in slots}


def search(session, parent, keyworker):
    return search_slots(session, participant=parent, keyworker_ids=[keyworker.id], now=NOW)


# The domain -----------------------------------------------------------------------------


def test_the_default_is_an_hour_with_a_quarter_hour_gap_and_is_not_saved(world, session):
    keyworker = world.keyworker()
    settings = session_queries.keyworker_settings_or_default(session, keyworker.id)
    assert (settings.session_minutes, settings.buffer_minutes) == (60, 15)
    session.commit()
    assert settings_rows(session) == 0


def test_a_longer_session_length_changes_the_slots_offered(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    assert lengths(search(session, parent, keyworker)) == {timedelta(minutes=60)}

    operations.set_session_timing(
        session, keyworker=keyworker, session_minutes=90, buffer_minutes=15
    )
    session.commit()
    slots = search(session, parent, keyworker)
    assert slots and lengths(slots) == {timedelta(minutes=90)}
    # The school day ends at 14:45 (GMT in January), so the last 90-minute start is 13:00.
    assert max(slot.starts_at.time() for slot in slots).isoformat() == "13:00:00"

    operations.set_session_timing(
        session, keyworker=keyworker, session_minutes=30, buffer_minutes=0
    )
    session.commit()
    assert lengths(search(session, parent, keyworker)) == {timedelta(minutes=30)}
    assert settings_rows(session) == 1


def test_sessions_already_booked_keep_their_length_and_the_new_gap_is_kept_around_them(
    world, session
):
    keyworker = world.keyworker()
    first, second = world.participants(2, keyworker=keyworker)
    booked = operations.book_session(
        session,
        participant=first,
        keyworker=keyworker,
        starts_at=TUESDAY_10,
        mode=SessionMode.PHONE,
        now=NOW,
    )
    session.commit()

    operations.set_session_timing(
        session, keyworker=keyworker, session_minutes=90, buffer_minutes=30
    )
    session.commit()
    session.refresh(booked)
    assert (booked.starts_at, booked.ends_at) == (TUESDAY_10, TUESDAY_10 + timedelta(hours=1))

    for slot in search(session, second, keyworker):
        assert slot.ends_at <= TUESDAY_10 - timedelta(minutes=30) or slot.starts_at >= (
            TUESDAY_10 + timedelta(minutes=90)
        )
    later = operations.book_session(
        session,
        participant=second,
        keyworker=keyworker,
        starts_at=TUESDAY_10 + timedelta(minutes=90),
        mode=SessionMode.PHONE,
        now=NOW,
    )
    assert later.ends_at - later.starts_at == timedelta(minutes=90)


@pytest.mark.parametrize(("length", "gap"), [(50, 15), (60, 5), (0, 0), (600, 15)])
def test_lengths_and_gaps_not_on_the_list_are_refused(world, session, length, gap):
    keyworker = world.keyworker()
    with pytest.raises(ValueError):
        operations.set_session_timing(
            session, keyworker=keyworker, session_minutes=length, buffer_minutes=gap
        )
    session.rollback()
    assert settings_rows(session) == 0


# The page -------------------------------------------------------------------------------


def minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def checked(page, name: str) -> list[str]:
    return [radio["value"] for radio in page.select(f"input[name={name}][checked]")]


def test_the_availability_page_shows_the_defaults_without_saving_them(world, pages, session):
    keyworker = world.keyworker()
    pages.sign_in(keyworker)
    page = pages.get("sessions.availability")
    assert checked(page, "session_minutes") == ["60"]
    assert checked(page, "buffer_minutes") == ["15"]
    assert "Time to write notes and travel between sessions." in page.text
    assert settings_rows(session) == 0


def test_a_keyworker_chooses_90_minute_sessions_and_parents_are_offered_them(world, pages, session):
    keyworker = world.keyworker()
    parent = world.participants(1, keyworker=keyworker, password=True)[0]
    pages.sign_in(keyworker)
    pages.post("sessions.session_timing", {"session_minutes": "90", "buffer_minutes": "30"})
    page = pages.get("sessions.availability")
    assert "90-minute sessions with 30 minutes between them" in page.select_one(".flashes").text
    assert checked(page, "session_minutes") == ["90"]
    assert checked(page, "buffer_minutes") == ["30"]
    saved = session.get(KeyworkerSettings, keyworker.id)
    assert (saved.session_minutes, saved.buffer_minutes) == (90, 30)

    pages.sign_out()
    pages.sign_in(parent)
    times = [
        span.text.split(" to ")
        for span in pages.get("sessions.find_time").select(".slot__time")
        + pages.get("sessions.find_time", week=1).select(".slot__time")
    ]
    assert times
    for start, end in times:
        assert minutes(end) - minutes(start) == 90


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "session_minutes", "Choose how long your sessions are."),
        ({"session_minutes": "50", "buffer_minutes": "15"}, "session_minutes", "how long"),
        ({"session_minutes": "sixty", "buffer_minutes": "15"}, "session_minutes", "how long"),
        ({"session_minutes": "60", "buffer_minutes": "-5"}, "buffer_minutes", "the gap"),
        ({"session_minutes": "60"}, "buffer_minutes", "Choose the gap you need"),
        ({"session_minutes": "60", "buffer_minutes": "1e3"}, "buffer_minutes", "the gap"),
    ],
)
def test_bad_or_forged_values_are_refused_by_the_field_and_keep_the_page(
    world, pages, session, data, field, message
):
    keyworker = world.keyworker()
    pages.sign_in(keyworker)
    page = pages.post("sessions.session_timing", data, _expected_status=422)
    error = page.select_one(f"#{field}-error")
    assert error is not None and message in error.text
    assert page.select_one(f".error-summary a[href='#{field}']")
    # The rest of the page is still there: the availability and time off.
    assert page.select_one("#weekday") and page.select_one("#starts_on")
    assert "Monday 09:00 to 15:00" in page.text
    assert settings_rows(session) == 0


def test_a_bad_post_leaves_the_saved_length_alone(world, pages, session):
    keyworker = world.keyworker()
    pages.sign_in(keyworker)
    pages.post("sessions.session_timing", {"session_minutes": "45", "buffer_minutes": "10"})
    pages.post(
        "sessions.session_timing",
        {"session_minutes": "45", "buffer_minutes": "999"},
        _expected_status=422,
    )
    saved = session.get(KeyworkerSettings, keyworker.id)
    assert (saved.session_minutes, saved.buffer_minutes) == (45, 10)


def test_only_keyworkers_set_session_lengths(world, pages, make):
    parent = world.participants(1, password=True)[0]
    pages.sign_in(parent)
    pages.post(
        "sessions.session_timing",
        {"session_minutes": "90", "buffer_minutes": "0"},
        _expected_status=403,
    )
    pages.sign_out()
    pages.sign_in(make.manager(locality=world.locality))
    pages.post(
        "sessions.session_timing",
        {"session_minutes": "90", "buffer_minutes": "0"},
        _expected_status=403,
    )
