"""Closing and reopening a record from its page, and what an erased record's pages show."""

import pytest
from sqlalchemy import select

from tests.factories.sessions import make_booked_session
from webapp.models import BookedSession, Note, SessionStatus, User
from webapp.privacy.erasure import ERASED_NAME, anonymise


@pytest.fixture
def keyworker(pages, team):
    pages.sign_in(team["keyworker"])
    return team["keyworker"]


def timeline(page):
    return [i.select_one(".timeline__title").text.strip() for i in page.select(".timeline__item")]


def caseload_names(pages, **filters):
    page = pages.get("caseload.index", **filters)
    return [link.text.strip() for link in page.select("table a")]


def test_closing_from_the_record_with_a_reason(pages, team, keyworker, session):
    parent = team["parent"]
    make_booked_session(
        session, keyworker=session.get(User, keyworker.id), participant=session.get(User, parent.id)
    )
    session.commit()
    page = pages.get("caseload.close", participant_id=parent.id)
    assert "cancels 1 one-to-one session still to come" in page.text

    # No months given for "no contact": said next to the field, and the choice is kept.
    page = pages.post("caseload.close", {"reason": "no-contact"}, 422, participant_id=parent.id)
    assert "Enter how many months" in page.select_one(".field--error").text
    assert page.select_one("input[value=no-contact]").has_attr("checked")

    pages.post(
        "caseload.close",
        {"reason": "no-contact", "no_contact_months": "4"},
        participant_id=parent.id,
    )
    record = pages.get("caseload.record", participant_id=parent.id)
    assert "Aisha Rahman's record is closed. We cancelled 1 booking" in record.text
    involvement = record.select_one("#involvement").text
    assert "Closed on" in involvement and "No contact for 4 months" in involvement
    assert timeline(record)[0].startswith("Closed on ")
    assert timeline(record)[0].endswith(": No contact for 4 months")
    booking = session.scalars(select(BookedSession)).one()
    assert booking.status == SessionStatus.CANCELLED

    # Out of the caseload, found by the Closed filter.
    assert "Aisha Rahman" not in caseload_names(pages)
    assert "Aisha Rahman" in caseload_names(pages, status="closed")

    pages.post("caseload.reopen", participant_id=parent.id)
    record = pages.get("caseload.record", participant_id=parent.id)
    assert timeline(record)[:1] == ["Reopened"]
    assert any(title.startswith("Closed on ") for title in timeline(record))
    assert "Aisha Rahman" in caseload_names(pages)


def test_an_erased_record_says_so_and_refuses_a_note(pages, team, keyworker, session):
    parent = session.get(User, team["parent"].id)
    anonymise(session, parent)
    session.commit()

    record = pages.get("caseload.record", participant_id=parent.id)
    assert record.select_one("h1").text == ERASED_NAME
    assert "closed for good" in record.select_one("#involvement").text
    assert not record.select("#write-note") and "Close the record" not in record.text
    for page in (record, pages.get("caseload.add_outcome", participant_id=parent.id)):
        assert "Erased can" not in page.text and "Erased's" not in page.text

    # The page hides the form, and the domain refuses a post made anyway.
    pages.post("caseload.add_note", {"note": "Hello?"}, participant_id=parent.id)
    record = pages.get("caseload.record", participant_id=parent.id)
    assert "This record has been erased" in record.select_one(".notice--error").text
    assert not session.scalars(select(Note)).all()
    pages.post("caseload.reset_link", participant_id=parent.id)
    assert "erased" in pages.get("caseload.record", participant_id=parent.id).text
    pages.get("caseload.close", participant_id=parent.id, expect=302)
