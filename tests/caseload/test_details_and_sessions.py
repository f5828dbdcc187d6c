"""A parent's record for staff: their sessions, and their details kept up to date."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories.sessions import make_booked_session
from webapp.models import AuditEvent, SessionStatus, User, utcnow


@pytest.fixture
def keyworker(pages, team):
    pages.sign_in(team["keyworker"])
    return team["keyworker"]


def test_the_record_lists_the_parents_upcoming_and_recent_sessions(pages, team, keyworker, session):
    parent = team["parent"]
    make_booked_session(
        session, keyworker=keyworker, participant=parent, starts_at=utcnow() + timedelta(days=2)
    )
    make_booked_session(
        session,
        keyworker=keyworker,
        participant=parent,
        starts_at=utcnow() - timedelta(days=3),
        status=SessionStatus.DID_NOT_ATTEND,
    )
    session.commit()
    page = pages.get("caseload.record", participant_id=parent.id)
    panel = page.select_one("#sessions")
    upcoming = panel.select_one("[data-sessions=upcoming]").text
    assert keyworker.name in upcoming
    assert "Move" in upcoming and "Cancel" in upcoming
    assert "did not attend" in panel.select_one("[data-sessions=recent]").text
    book = panel.find("a", string=f"Book a session for {parent.first_name}")
    assert book["href"] == pages.url("sessions.book_for", participant_id=parent.id)


def test_a_parent_with_no_mobile_reads_not_given_never_none(pages, team, keyworker):
    page = pages.get("caseload.record", participant_id=team["parent"].id)
    details = page.select_one("#details").text
    assert "None" not in details.replace("None yet", "")
    assert "Not given" in details


def details(parent, **changes):
    return {
        "name": parent.name,
        "email": parent.email or "",
        "phone": parent.phone or "",
        "children_stages": ["primary"],
    } | changes


def test_staff_change_a_parents_name_mobile_and_children(pages, team, keyworker, session):
    parent = team["parent"]
    form = pages.get("caseload.edit_details", participant_id=parent.id)
    assert form.select_one("input[name=name]")["value"] == parent.name
    pages.post(
        "caseload.edit_details",
        details(
            parent,
            name="Aisha Khan",
            phone="07700 900123",
            children_stages=["nursery", "secondary"],
        ),
        participant_id=parent.id,
    )
    session.expire_all()
    changed = session.get(User, parent.id)
    assert changed.name == "Aisha Khan" and changed.phone == "07700900123"
    assert sorted(changed.profile.children_stages) == ["nursery", "secondary"]
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "participant.details_changed")
    )
    assert event.actor_id == keyworker.id
    assert set(event.detail["fields"]) == {"name", "phone", "children"}
    assert "07700" not in str(event.detail)
    page = pages.get("caseload.record", participant_id=parent.id)
    assert "Aisha Khan" in page.select_one("h1").text


def test_changing_details_to_someone_elses_email_is_refused_keeping_what_was_typed(
    pages, team, keyworker, make, session
):
    parent = team["parent"]
    make.participant(locality=team["locality"], email="taken@example.org")
    page = pages.post(
        "caseload.edit_details",
        details(parent, name="Aisha New", email="taken@example.org"),
        _expected_status=422,
        participant_id=parent.id,
    )
    assert "already uses this" in page.select_one("#email-error, .field__error").text or (
        "already uses this" in page.text
    )
    assert page.select_one("input[name=name]")["value"] == "Aisha New"
    session.expire_all()
    assert session.get(User, parent.id).name == "Aisha Rahman"
