"""The parents' voice: feedback on sessions and ideas for the service, with managers' answers."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from webapp import areas
from webapp.models import Idea, IdeaStatus, SessionFeedback, User, utcnow
from webapp.services import audit


class NotTheirs(Exception):
    """The booking is not a session the participant took part in."""


def give_feedback(
    session: Session,
    *,
    participant: User,
    helpful: bool,
    comment: str | None = None,
    booking_id: int | None = None,
    about: str | None = None,
) -> SessionFeedback:
    """Record a parent's "was this helpful?" answer, about one of their sessions if it says so
    (the area that keeps the bookings checks it, and names the session)."""
    if booking_id is not None:
        label = areas.current().booking_check(session, participant, booking_id)
        if label is None:
            raise NotTheirs()
        about = label
    feedback = SessionFeedback(
        locality_id=participant.locality_id,
        participant_id=participant.id,
        booking_id=booking_id,
        about=about,
        helpful=helpful,
        comment=comment or None,
    )
    session.add(feedback)
    session.flush()
    return feedback


def suggest_idea(session: Session, *, author: User, body: str) -> Idea:
    idea = Idea(locality_id=author.locality_id, author_id=author.id, body=body)
    session.add(idea)
    session.flush()
    return idea


def answer_idea(
    session: Session, *, idea: Idea, manager: User, status: IdeaStatus, answer: str
) -> Idea:
    """The manager's answer, shown to the locality's parents ("You said, we did")."""
    idea.status = status
    idea.answer = answer
    idea.answered_by_id = manager.id
    idea.answered_at = utcnow()
    session.flush()
    audit.record(session, "idea.answered", actor=manager, idea=idea.id)
    return idea


def hide_idea(session: Session, *, idea: Idea, manager: User, reason: str) -> Idea:
    """Take an idea off the board; its author still sees it, with the reason."""
    idea.hidden_at = utcnow()
    idea.hidden_reason = reason
    session.flush()
    audit.record(session, "idea.hidden", actor=manager, idea=idea.id)
    return idea


def show_idea_again(session: Session, *, idea: Idea, manager: User) -> Idea:
    idea.hidden_at = None
    idea.hidden_reason = None
    session.flush()
    audit.record(session, "idea.shown_again", actor=manager, idea=idea.id)
    return idea


def feedback_summary(session: Session, locality_ids: list[int], since) -> dict:
    """How many answered, and how many found their session helpful, since a moment."""
    total, helpful = session.execute(
        select(
            func.count(), func.coalesce(func.sum(case((SessionFeedback.helpful, 1), else_=0)), 0)
        ).where(SessionFeedback.locality_id.in_(locality_ids), SessionFeedback.created_at >= since)
    ).one()
    comments = session.scalars(
        select(SessionFeedback)
        .where(
            SessionFeedback.locality_id.in_(locality_ids),
            SessionFeedback.created_at >= since,
            SessionFeedback.comment.is_not(None),
        )
        .order_by(SessionFeedback.created_at.desc())
        .limit(50)
    ).all()
    return {
        "total": total,
        "helpful": helpful,
        "percent": round(100 * helpful / total) if total else None,
        "comments": comments,
    }
