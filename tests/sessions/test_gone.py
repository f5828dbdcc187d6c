"""Back to a session's page after it was cancelled: what became of it, not "Page not found"."""

from __future__ import annotations

from sqlalchemy import select

from tests.sessions.test_confirm import slot_forms
from tests.sessions.test_views import setup_parent
from webapp.clock import utcnow
from webapp.models import BookedSession


def test_back_to_a_cancelled_session_says_it_was_cancelled_and_when(world, pages, session):
    keyworker, _ = setup_parent(world, pages)
    _, _, values = slot_forms(pages.get("sessions.find_time"))[0]
    pages.post("sessions.book", values)
    booked = session.scalars(select(BookedSession)).one()
    pages.post("sessions.cancel", {"reason": "My wee one is off sick"}, session_id=booked.id)
    for endpoint in ("sessions.cancel", "sessions.reschedule"):
        page = pages.get(endpoint, 410, session_id=booked.id)
        assert page.h1.text == "This session was cancelled"
        assert f"was cancelled on {utcnow():%-d %B %Y}" in page.text
        assert "My wee one is off sick" in page.text
        assert page.find("a", string="See your sessions")["href"] == pages.url(
            "sessions.my_sessions"
        )
    pages.sign_out()
    pages.sign_in(world.participants(1, keyworker=keyworker, password=True)[0])
    pages.get("sessions.cancel", 404, session_id=booked.id)
