"""What the parents' voice pages read."""

from __future__ import annotations

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from webapp import areas
from webapp.models import Idea, Locality, Role, User

IDEAS_SHOWN = 200


def visible_ideas(session: Session, viewer: User) -> list[Idea]:
    """The ideas board the viewer sees: their locality's, or every one for an admin."""
    query = select(Idea).options(joinedload(Idea.locality)).order_by(Idea.created_at.desc())
    if viewer.role != Role.ADMIN:
        query = query.where(Idea.locality_id == viewer.locality_id)
    if viewer.role not in (Role.MANAGER, Role.ADMIN):
        # A hidden idea is off the board, except for the parent who wrote it.
        query = query.where(or_(Idea.hidden_at.is_(None), Idea.author_id == viewer.id))
    return list(session.scalars(query.limit(IDEAS_SHOWN)))


def idea_or_404(session: Session, viewer: User, idea_id: int) -> Idea:
    idea = session.get(Idea, idea_id)
    if idea is None or (viewer.role != Role.ADMIN and idea.locality_id != viewer.locality_id):
        abort(404)
    return idea


def viewer_locality_ids(session: Session, viewer: User) -> list[int]:
    """The localities whose feedback the viewer reads."""
    if viewer.role == Role.ADMIN:
        return list(session.scalars(select(Locality.id)))
    return [viewer.locality_id]


def feedback_subject(session: Session, participant: User, booking_id: int | None) -> str | None:
    """What the feedback page is about: the parent's own attended session it names (404 for
    any other booking), or nothing when it names none."""
    if booking_id is None:
        return None
    label = areas.current().booking_check(session, participant, booking_id)
    if label is None:
        abort(404)
    return label
