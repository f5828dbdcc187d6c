"""When staff book, move or cancel a parent's session the parent is told, on Today and by
their reminder channels; time off over booked sessions lists them to move or cancel."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.factories.sessions import make_booked_session
from tests.sessions.test_views import offered
from webapp.models import BookedSession, Notice, OutboxMail, SessionStatus, TimeOff, utcnow
from webapp.sessions.slots import LONDON


def mail_to(session, person):
    return session.scalars(select(OutboxMail).where(OutboxMail.to_address == person.email)).all()


def test_a_parent_sees_on_today_and_by_email_that_their_keyworker_booked_moved_and_cancelled(
    world, pages, session
):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker, password=True)
    pages.sign_in(keyworker)
    slots = offered(pages.get("sessions.book_for", participant_id=parent.id))
    pages.post("sessions.book_for", slots[0], participant_id=parent.id)
    booking = session.scalar(select(BookedSession))
    moved_to = offered(pages.get("sessions.reschedule", session_id=booking.id))[-1]
    pages.post("sessions.reschedule", moved_to, session_id=booking.id)
    pages.post("sessions.cancel", {"reason": "I'm off sick"}, session_id=booking.id)
    emails = mail_to(session, parent)
    assert len(emails) == 3
    assert "I'm off sick" in emails[-1].body
    assert "booked a session for you" in emails[0].body

    pages.sign_out()
    pages.sign_in(parent)
    today = pages.get("home.today")
    told = today.select_one("[data-session-notices]").text
    assert f"{keyworker.name} booked a session for you" in told
    assert f"{keyworker.name} moved your session to" in told
    assert f"{keyworker.name} cancelled your session on" in told
    pages.post("sessions.dismiss_notices", {})
    assert not pages.get("home.today").select_one("[data-session-notices]")


def test_a_parent_is_not_told_of_their_own_booking(world, pages, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker, password=True)
    pages.sign_in(parent)
    pages.post("sessions.book", offered(pages.get("sessions.find_time"))[0])
    assert not session.scalars(select(Notice)).all()
    assert not pages.get("home.today").select_one("[data-session-notices]")


def test_time_off_over_booked_sessions_lists_each_to_move_or_cancel(world, pages, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    starts = utcnow() + timedelta(days=9)
    booked = make_booked_session(session, keyworker=keyworker, participant=parent, starts_at=starts)
    make_booked_session(
        session,
        keyworker=keyworker,
        participant=parent,
        starts_at=starts + timedelta(hours=3),
        status=SessionStatus.CANCELLED,
    )
    session.commit()
    pages.sign_in(keyworker)
    day = starts.astimezone(LONDON).date().isoformat()
    answer = pages.post("sessions.time_off", {"starts_on": day, "ends_on": day})
    off_id = session.scalar(select(TimeOff.id))
    clashes_url = pages.url("sessions.time_off_clashes", time_off_id=off_id)
    assert answer.response.headers["Location"].endswith(clashes_url)
    page = pages.get("sessions.time_off_clashes", time_off_id=off_id)
    clashes = page.select("[data-clashes] > li")
    assert len(clashes) == 1 and parent.name in clashes[0].text
    links = {a["href"] for a in clashes[0].select("a")}
    assert pages.url("sessions.reschedule", session_id=booked.id) in links
    assert pages.url("sessions.cancel", session_id=booked.id) in links
