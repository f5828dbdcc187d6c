"""Checking a booking or a move before it is made, and undoing a booking just made."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from tests.pages import parsed
from tests.sessions.test_views import count_sessions, setup_parent
from webapp.models import BookedSession, SessionStatus
from webapp.sessions.slots import LONDON


def slot_forms(page):
    """The offered times as the forms a parent taps: (method, action, hidden values)."""
    return [
        (
            form.get("method", "get"),
            form["action"],
            {i["name"]: i["value"] for i in form.select("input[type=hidden]")},
        )
        for form in page.select("form.slot")
    ]


def check_page(pages, action, values):
    response = pages.client.get(action, query_string=values)
    assert response.status_code == 200

    return parsed(response)


def test_tapping_a_time_shows_what_when_where_and_with_whom_before_anything_is_booked(
    world, pages, session
):
    keyworker, _ = setup_parent(world, pages)
    method, action, values = slot_forms(pages.get("sessions.find_time"))[0]
    assert method == "get" and "csrf_token" not in values
    check = check_page(pages, action, values)
    assert check.h1.text == "Book this session?"
    assert count_sessions(session) == 0
    rows = {
        row.dt.text: " ".join(row.dd.text.split()) for row in check.select(".summary-list__row")
    }
    start = datetime.fromisoformat(values["starts_at"]).astimezone(LONDON)
    assert f"{start:%H:%M}" in rows["When"] and str(start.day) in rows["When"]
    assert rows["With"] == keyworker.name
    assert rows["What"] == "One-to-one session (phone call)" and rows["Where"] == "Phone call"
    book, other = check.select(".choices form")
    assert book.button.text == "Book it" and book["method"] == "post"
    assert other.button.text == "Choose another time" and other["method"] == "get"
    posted = {i["name"]: i["value"] for i in book.select("input[type=hidden]")}
    answer = pages.post("sessions.book", posted)
    assert count_sessions(session, status=SessionStatus.BOOKED) == 1
    assert "booked=" in answer.response.location


def test_moving_a_session_asks_first_and_nothing_moves_until_move_it(world, pages, session):
    setup_parent(world, pages)
    _, _, first = slot_forms(pages.get("sessions.find_time"))[0]
    pages.post("sessions.book", first)
    booked = session.scalars(select(BookedSession)).one()
    was = booked.starts_at
    forms = slot_forms(pages.get("sessions.reschedule", session_id=booked.id))
    method, action, values = forms[-1]
    assert method == "get"
    check = check_page(pages, action, values)
    assert check.h1.text == "Move your session?"
    assert "Booked now for" in check.text and "New time" in check.text
    session.refresh(booked)
    assert booked.starts_at == was
    move = check.select_one(".choices form[method=post]")
    assert move.button.text == "Move it"
    pages.post(
        "sessions.reschedule",
        {i["name"]: i["value"] for i in move.select("input[type=hidden]")},
        session_id=booked.id,
    )
    session.refresh(booked)
    assert booked.starts_at == datetime.fromisoformat(values["starts_at"])


def test_undo_straight_after_booking_cancels_the_session_just_made(world, pages, session):
    setup_parent(world, pages)
    _, _, values = slot_forms(pages.get("sessions.find_time"))[0]
    answer = pages.post("sessions.book", values)
    page = pages.client.get(answer.response.location)

    undo = parsed(page).select_one("form.undo")
    assert undo is not None and undo.has_attr("hidden")  # shown by JavaScript for a few seconds
    booked = session.scalars(select(BookedSession)).one()
    pages.post("sessions.undo_booking", session_id=booked.id)
    session.refresh(booked)
    assert booked.status == SessionStatus.CANCELLED
    assert booked.cancel_reason == "Undone straight after booking"
    assert pages.get("sessions.my_sessions").select_one("form.undo") is None


def test_undo_a_minute_later_is_refused_and_leads_to_cancelling(world, pages, session):
    setup_parent(world, pages)
    _, _, values = slot_forms(pages.get("sessions.find_time"))[0]
    pages.post("sessions.book", values)
    booked = session.scalars(select(BookedSession)).one()
    booked.created_at -= timedelta(minutes=1)
    session.commit()
    answer = pages.post("sessions.undo_booking", session_id=booked.id)
    assert answer.response.location.endswith(f"/sessions/{booked.id}/cancel")
    session.refresh(booked)
    assert booked.status == SessionStatus.BOOKED
    page = pages.get("sessions.my_sessions", booked=booked.id)
    assert page.select_one("form.undo") is None


def test_another_parent_cannot_undo_or_check_moving_your_session(world, pages, session):
    keyworker, _ = setup_parent(world, pages)
    _, _, values = slot_forms(pages.get("sessions.find_time"))[0]
    pages.post("sessions.book", values)
    booked = session.scalars(select(BookedSession)).one()
    pages.sign_out()
    pages.sign_in(world.participants(1, keyworker=keyworker, password=True)[0])
    pages.post("sessions.undo_booking", expect=404, session_id=booked.id)
    pages.get("sessions.confirm_move", 404, session_id=booked.id, **values)
    session.refresh(booked)
    assert booked.status == SessionStatus.BOOKED


def test_cancelling_offers_keep_it_as_a_real_button_away_from_cancel(world, pages, session):
    setup_parent(world, pages)
    _, _, values = slot_forms(pages.get("sessions.find_time"))[0]
    pages.post("sessions.book", values)
    booked = session.scalars(select(BookedSession)).one()
    page = pages.get("sessions.cancel", session_id=booked.id)
    keep = page.select_one("form.choices__apart")
    assert keep.button.text == "Keep it" and keep["method"] == "get"
    assert keep["action"] == pages.url("sessions.my_sessions")


def test_a_made_up_time_on_the_check_page_is_refused(world, pages, session):
    setup_parent(world, pages)
    pages.get("sessions.confirm_booking", 422, starts_at="not a time", mode="phone")
    assert count_sessions(session) == 0
