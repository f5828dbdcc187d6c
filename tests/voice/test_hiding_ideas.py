"""A manager can take an idea off the board, saying why to its author; an answer that says
"We're looking at this" doesn't read "We did:"."""

from sqlalchemy import select

from tests.voice.test_voice import people  # noqa: F401
from webapp.models import AuditEvent, Idea


def suggest(pages, parent, body):
    pages.sign_in(parent)
    pages.post("voice.suggest", {"body": body})
    pages.sign_out()


def test_a_hidden_idea_leaves_the_board_and_its_author_reads_why(pages, people, session):  # noqa: F811
    suggest(pages, people["parent"], "The keyworker called Ewan is rubbish")
    idea = session.scalars(select(Idea)).one()
    pages.sign_in(people["manager"])
    page = pages.post("voice.hide", {"reason": ""}, _expected_status=422, idea_id=idea.id)
    assert "Say why the idea is hidden" in page.text
    pages.post("voice.hide", {"reason": "It names a member of staff."}, idea_id=idea.id)
    board = pages.get("voice.ideas").select_one(f"[data-idea='{idea.id}']")
    assert "Hidden from parents" in board.select_one("[data-hidden]").text
    assert "idea.hidden" in session.scalars(select(AuditEvent.action)).all()
    pages.sign_out()

    pages.sign_in(people["neighbour"])
    assert not pages.get("voice.ideas").select(f"[data-idea='{idea.id}']")
    pages.sign_out()
    pages.sign_in(people["parent"])
    own = pages.get("voice.ideas").select_one(f"[data-idea='{idea.id}']")
    assert "It names a member of staff." in own.select_one("[data-hidden]").text


def test_an_answer_were_looking_at_this_does_not_read_we_did(pages, people, session):  # noqa: F811
    suggest(pages, people["parent"], "A crèche on Fridays")
    idea = session.scalars(select(Idea)).one()
    pages.sign_in(people["manager"])
    pages.post(
        "voice.answer",
        {"status": "considering", "answer": "We're asking the Family Centre."},
        idea_id=idea.id,
    )
    answer = pages.get("voice.ideas").select_one("[data-answer]").text
    assert "We did" not in answer and "What we're doing:" in answer
