"""A keyworker booking a session for a parent: found from the record and the caseload, worded
for staff, and able to book a time agreed with the parent outside their usual times."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from tests.sessions.conftest import NOW
from tests.sessions.test_views import offered
from webapp.models import AuditEvent, BookedSession, FreeWindow, SessionMode
from webapp.sessions import operations
from webapp.sessions.guard import SlotNotOffered
from webapp.sessions.slots import LONDON

MONDAY_10 = datetime(2027, 1, 11, 10, 0, tzinfo=UTC)  # two hours after NOW, a Monday


def test_a_time_agreed_with_the_parent_within_24_hours_is_booked_and_audited(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)

    def book(**kwargs):
        return operations.book_session(
            session,
            participant=parent,
            keyworker=keyworker,
            starts_at=MONDAY_10,
            mode=SessionMode.PHONE,
            now=NOW,
            booked_by=keyworker,
            **kwargs,
        )

    with pytest.raises(SlotNotOffered):
        book()
    session.rollback()
    booking = book(agreed=True)
    session.commit()
    assert booking.starts_at == MONDAY_10
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "session.booked_by_agreement")
    )
    assert (event.actor_id, event.participant_id) == (keyworker.id, parent.id)
    assert event.detail == {"booking": booking.id}


def test_a_parent_cannot_book_as_if_agreed(world, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    with pytest.raises(SlotNotOffered):
        operations.book_session(
            session,
            participant=parent,
            keyworker=keyworker,
            starts_at=MONDAY_10,
            mode=SessionMode.PHONE,
            now=NOW,
            booked_by=parent,
            agreed=True,
        )


@pytest.fixture
def keyworker_and_parent(world, pages, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    # Free only on Tuesday mornings.
    session.add(
        FreeWindow(participant_id=parent.id, weekday=1, starts_at=time(9), ends_at=time(12))
    )
    session.commit()
    pages.sign_in(keyworker)
    return keyworker, parent


def weekdays(slots):
    return {datetime.fromisoformat(s["starts_at"]).astimezone(LONDON).weekday() for s in slots}


def test_book_a_session_is_linked_from_the_caseload_and_speaks_to_staff_naming_the_parent(
    keyworker_and_parent, pages
):
    _, parent = keyworker_and_parent
    caseload = pages.get("caseload.index")
    link = caseload.find("a", class_="caseload__book")
    assert link["href"] == pages.url("sessions.book_for", participant_id=parent.id)
    page = pages.get("sessions.book_for", participant_id=parent.id)
    text = page.select_one("main").text
    assert f"Book a session for {parent.name}" in page.select_one("h1").text
    assert f"the times {parent.first_name} said they're free" in text
    assert "you're free" not in text and "your keyworker" not in text


def test_a_keyworker_books_outside_the_parents_windows_when_they_tick_they_agreed_it(
    keyworker_and_parent, pages, session
):
    _, parent = keyworker_and_parent
    usual = offered(pages.get("sessions.book_for", participant_id=parent.id, week=1))
    assert usual and weekdays(usual) == {1}
    agreed_page = pages.get("sessions.book_for", participant_id=parent.id, week=1, agreed="y")
    everything = offered(agreed_page)
    assert weekdays(everything) > {1}
    outside = next(s for s in everything if weekdays([s]) != {1})
    assert outside["agreed"] == "y"
    # Without the tick the same time is refused ...
    refused = {key: value for key, value in outside.items() if key != "agreed"}
    pages.post("sessions.book_for", refused, _expected_status=422, participant_id=parent.id)
    # ... and with it, booked and recorded as agreed.
    pages.post("sessions.book_for", outside, participant_id=parent.id)
    booking = session.scalar(select(BookedSession))
    assert booking.starts_at.isoformat() == datetime.fromisoformat(outside["starts_at"]).isoformat()
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.action == "session.booked_by_agreement")
    )


def test_attendance_marked_by_mistake_is_corrected_within_14_days_and_audited(
    world, pages, session
):
    from datetime import timedelta

    from tests.factories.sessions import make_booked_session
    from webapp.models import SessionStatus, utcnow

    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker)
    recent = make_booked_session(
        session,
        keyworker=keyworker,
        participant=parent,
        starts_at=utcnow() - timedelta(days=3),
        status=SessionStatus.ATTENDED,
    )
    old = make_booked_session(
        session,
        keyworker=keyworker,
        participant=parent,
        starts_at=utcnow() - timedelta(days=20),
        status=SessionStatus.ATTENDED,
    )
    session.commit()
    pages.sign_in(keyworker)
    diary = pages.get("sessions.diary")
    assert "Correct to did not attend" in diary.select_one("[data-marked]").text
    record = pages.get("caseload.record", participant_id=parent.id)
    assert len(record.select("#sessions button[name=attended]")) == 1
    pages.post("sessions.attendance", {"attended": "no"}, session_id=recent.id)
    pages.post("sessions.attendance", {"attended": "no"}, session_id=old.id)
    session.expire_all()
    assert session.get(BookedSession, recent.id).status == SessionStatus.DID_NOT_ATTEND
    assert session.get(BookedSession, old.id).status == SessionStatus.ATTENDED
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "attendance.corrected"))
    assert event.actor_id == keyworker.id and event.detail == {
        "booking": recent.id,
        "was": "attended",
        "now": "did-not-attend",
    }
