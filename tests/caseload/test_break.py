"""Taking a break from My information or Today: what happens to bookings and reminders."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories.sessions import make_booked_session
from webapp.caseload.operations import ON_A_BREAK
from webapp.models import BookedSession, ParticipantStatus, SessionStatus, User


def booked_for(session, team) -> int:
    booked = make_booked_session(session, keyworker=team["keyworker"], participant=team["parent"])
    session.commit()
    return booked.id


def test_my_information_and_today_offer_a_break_that_says_what_happens_to_bookings(
    pages, team, session
):
    booked_for(session, team)
    pages.sign_in(team["parent"])
    for page in (pages.get("privacy.index"), pages.get("home.today")):
        assert page.find("a", href=pages.url("caseload.my_break")) is not None
    page = pages.get("caseload.my_break")
    bookings = page.select_one("#break-bookings")
    assert "stays booked unless you cancel it" in bookings.text
    assert "reminder the day before" in bookings.text
    assert len(bookings.select("li")) == 1
    assert "Cancel the 1 booking above" in page.select_one("label[for=cancel_bookings]").text


def test_taking_a_break_and_cancelling_bookings_cancels_them_so_no_reminders_come(
    pages, team, session
):
    booking_id = booked_for(session, team)
    pages.sign_in(team["parent"])
    pages.post("caseload.my_pause", {"reason": "school-holidays", "cancel_bookings": "y"})
    booked = session.get(BookedSession, booking_id)
    assert (booked.status, booked.cancel_reason) == (SessionStatus.CANCELLED, ON_A_BREAK)
    assert session.get(User, team["parent"].id).profile.status == ParticipantStatus.PAUSED
    page = pages.get("caseload.my_break")
    assert "We've cancelled 1 booking" in page.select_one(".notice--success").text
    assert "nothing booked, so no reminders will come" in page.select_one("#break-bookings").text
    assert "Nothing is booked" in pages.get("home.today").select_one("#on-a-break").text


def test_taking_a_break_keeping_bookings_says_so_on_today(pages, team, session):
    booking_id = booked_for(session, team)
    pages.sign_in(team["parent"])
    pages.post("caseload.my_pause", {"reason": "school-holidays"})
    assert session.get(BookedSession, booking_id).status == SessionStatus.BOOKED
    panel = pages.get("home.today").select_one("#on-a-break")
    assert "You still have 1 booking, with reminders the day before" in panel.text
    pages.post("caseload.my_resume")
    assert pages.get("home.today").select_one("#on-a-break") is None
    assert session.scalars(select(BookedSession.status)).all() == [SessionStatus.BOOKED]
