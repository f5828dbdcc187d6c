"""What the manager's locality page reads."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import ParticipantProfile, ParticipantStatus, Role, User
from webapp.web.policy import participants_in_scope


def status_counts(session: Session, viewer: User) -> dict[ParticipantStatus, int]:
    """How many parents the viewer can see are at each point of their record's life."""
    in_scope = participants_in_scope(viewer).subquery()
    counts = dict(
        session.execute(
            select(ParticipantProfile.status, func.count())
            .join(in_scope, in_scope.c.id == ParticipantProfile.user_id)
            .group_by(ParticipantProfile.status)
        ).all()
    )
    return {status: counts.get(status, 0) for status in ParticipantStatus}


def locality_staff(session: Session, viewer: User) -> list[User]:
    """The keyworkers and managers of the viewer's locality (everyone's, for an admin)."""
    query = select(User).where(User.role.in_([Role.KEYWORKER, Role.MANAGER]))
    if viewer.role != Role.ADMIN:
        query = query.where(User.locality_id == viewer.locality_id)
    return list(session.scalars(query.order_by(User.role, User.name)))
