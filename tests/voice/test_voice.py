"""The parents' voice: one-tap feedback after a session, and the ideas board."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from webapp.models import (
    AuditEvent,
    BookedSession,
    Idea,
    IdeaStatus,
    SessionFeedback,
    SessionMode,
    SessionStatus,
    utcnow,
)

HELD = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # a Tuesday, 15:00 in London


@pytest.fixture
def people(make):
    here = make.locality(name="Here")
    there = make.locality(name="There")
    return {
        "parent": make.participant(locality=here),
        "neighbour": make.participant(locality=here),
        "faraway": make.participant(locality=there),
        "manager": make.manager(locality=here),
        "other_manager": make.manager(locality=there),
        "keyworker": make.keyworker(locality=here),
    }


def booked(session, people, who: str, status: SessionStatus, starts=HELD) -> int:
    """A one-to-one session of ``who`` with the keyworker; answers its id."""
    row = BookedSession(
        participant_id=people[who].id,
        keyworker_id=people["keyworker"].id,
        mode=SessionMode.PHONE,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        status=status,
    )
    session.add(row)
    session.commit()
    return row.id


def test_one_tap_feedback_with_an_optional_comment(pages, people, session):
    attended = booked(session, people, "parent", SessionStatus.ATTENDED)
    pages.sign_in(people["parent"])
    pages.post(
        "voice.feedback", {"helpful": "yes", "booking_id": str(attended), "about": "Peer support"}
    )
    pages.post("voice.feedback", {"helpful": "no", "comment": "Too early for the school run"})
    rows = session.scalars(select(SessionFeedback).order_by(SessionFeedback.id)).all()
    about = f"Session with {people['keyworker'].name} on Tue 1 December"
    assert [(r.helpful, r.booking_id, r.about, r.comment) for r in rows] == [
        (True, attended, about, None),  # named by the booking, not by the form
        (False, None, None, "Too early for the school run"),
    ]
    assert rows[0].locality_id == people["parent"].locality_id
    page = pages.post("voice.feedback", {"comment": "hmm"}, _expected_status=422)
    assert "Choose yes or no" in page.select_one(".error-summary").text
    assert page.select_one("#comment").text == "hmm"


def test_feedback_is_only_about_a_session_the_parent_attended(pages, people, session):
    attended = booked(session, people, "parent", SessionStatus.ATTENDED)
    refused = [
        booked(session, people, "neighbour", SessionStatus.ATTENDED, HELD + timedelta(hours=1)),
        booked(session, people, "parent", SessionStatus.DID_NOT_ATTEND, HELD - timedelta(days=7)),
        booked(session, people, "parent", SessionStatus.BOOKED, HELD + timedelta(days=7)),
        attended + 100,  # no such booking
    ]
    pages.sign_in(people["parent"])
    for booking_id in refused:
        answer = {"helpful": "yes", "booking_id": str(booking_id)}
        pages.post("voice.feedback", answer, _expected_status=404)
    assert session.scalars(select(SessionFeedback)).all() == []
    pages.post("voice.feedback", {"helpful": "yes", "booking_id": str(attended)})
    assert session.scalars(select(SessionFeedback.booking_id)).all() == [attended]


def test_manager_sees_the_feedback_summary(pages, people):
    pages.sign_in(people["parent"])
    pages.post("voice.feedback", {"helpful": "yes"})
    pages.post("voice.feedback", {"helpful": "no", "comment": "Crèche was full"})
    pages.sign_out()
    pages.sign_in(people["manager"])
    summary = pages.get("voice.overview").select_one("[data-feedback-summary]")
    assert "50% of 2 answers" in summary.text
    assert "Crèche was full" in summary.text
    pages.sign_out()
    pages.sign_in(people["other_manager"])
    assert "No answers yet" in pages.get("voice.overview").text


def test_ideas_board_you_said_we_did(pages, people, session):
    pages.sign_in(people["parent"])
    page = pages.post("voice.suggest", {"body": ""}, _expected_status=422)
    assert "Write your idea" in page.select_one("#body-error").text
    pages.post("voice.suggest", {"body": "Sessions after the school run, not before"})
    idea = session.scalars(select(Idea)).one()
    pages.sign_out()

    pages.sign_in(people["other_manager"])
    pages.get("voice.answer", _expected_status=404, idea_id=idea.id)
    pages.sign_out()

    pages.sign_in(people["manager"])
    page = pages.post("voice.answer", {"answer": "x"}, _expected_status=422, idea_id=idea.id)
    assert "Choose where the idea stands" in page.text
    pages.post(
        "voice.answer",
        {"status": "done", "answer": "Tuesday groups now start at 10:00."},
        idea_id=idea.id,
    )
    session.refresh(idea)
    assert idea.status == IdeaStatus.DONE and idea.answered_by_id == people["manager"].id
    assert "idea.answered" in session.scalars(select(AuditEvent.action)).all()
    session.commit()
    pages.sign_out()

    pages.sign_in(people["neighbour"])
    board = pages.get("voice.ideas").select_one(f"[data-idea='{idea.id}']")
    assert "after the school run" in board.text
    assert "start at 10:00" in board.select_one("[data-answer]").text
    pages.sign_out()
    pages.sign_in(people["faraway"])
    assert not pages.get("voice.ideas").select(f"[data-idea='{idea.id}']")


def test_only_parents_suggest_and_only_managers_answer(pages, people, session):
    pages.sign_in(people["keyworker"])
    pages.post("voice.suggest", {"body": "Hi"}, _expected_status=403)
    pages.get("voice.overview", _expected_status=403)
    pages.sign_out()
    pages.sign_in(people["parent"])
    pages.post("voice.suggest", {"body": "More evening sessions"})
    idea = session.scalars(select(Idea)).one()
    session.commit()
    pages.post(
        "voice.answer", {"status": "done", "answer": "x"}, _expected_status=403, idea_id=idea.id
    )


def test_a_past_attended_session_asks_was_it_helpful_for_that_session_only(pages, people, session):
    attended = booked(session, people, "parent", SessionStatus.ATTENDED)
    missed = booked(session, people, "parent", SessionStatus.DID_NOT_ATTEND, HELD - timedelta(7))
    pages.sign_in(people["parent"])
    sessions = pages.get("sessions.my_sessions")
    link = sessions.select_one(f"#past-session-{attended} a")
    assert link.text.startswith("Was it helpful?")
    assert sessions.select_one(f"#past-session-{missed} a") is None
    page = pages.client.get(link["href"])
    about = f"Session with {people['keyworker'].name} on Tue 1 December"
    assert page.status_code == 200 and f"About: {about}" in page.get_data(as_text=True)
    pages.post("voice.feedback", {"helpful": "yes", "booking_id": str(attended)})
    assert session.scalars(select(SessionFeedback.booking_id)).all() == [attended]
    sessions = pages.get("sessions.my_sessions")
    assert sessions.select_one(f"#past-session-{attended} a") is None
    assert "You told us how it went" in sessions.select_one(f"#past-session-{attended}").text


def test_the_feedback_page_for_a_session_not_attended_by_you_is_not_found(pages, people, session):
    theirs = booked(session, people, "neighbour", SessionStatus.ATTENDED)
    booked_only = booked(session, people, "parent", SessionStatus.BOOKED, HELD + timedelta(7))
    pages.sign_in(people["parent"])
    for booking_id in (theirs, booked_only, theirs + 100):
        pages.get("voice.feedback", 404, booking_id=booking_id)


def test_today_asks_how_the_session_just_had_went_until_the_parent_answers(pages, people, session):
    yesterday = utcnow() - timedelta(days=1)
    attended = booked(session, people, "parent", SessionStatus.ATTENDED, yesterday)
    booked(session, people, "parent", SessionStatus.ATTENDED, yesterday - timedelta(days=30))
    pages.sign_in(people["parent"])
    ask = pages.get("home.today").select_one("#session-feedback a")
    assert ask.text == "Was the session helpful? Tell us"
    assert ask["href"] == pages.url("voice.feedback", booking_id=attended)
    pages.post("voice.feedback", {"helpful": "no", "booking_id": str(attended)})
    assert pages.get("home.today").select_one("#session-feedback") is None


def test_feedback_keeps_its_words_when_the_session_it_named_is_gone(pages, people, session):
    attended = booked(session, people, "parent", SessionStatus.ATTENDED)
    pages.sign_in(people["parent"])
    pages.post("voice.feedback", {"helpful": "yes", "booking_id": str(attended)})
    session.execute(delete(BookedSession).where(BookedSession.id == attended))
    session.commit()
    row = session.scalars(select(SessionFeedback)).one()
    session.refresh(row)
    assert (row.booking_id, row.helpful) == (None, True)
    assert row.about.startswith("Session with")
