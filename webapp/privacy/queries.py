"""What a parent's own data rights pages read."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import AuditEvent, ErasureRequest, ErasureStatus, User

LOOKS_SHOWN = 200


def pending_erasure(session: Session, participant: User) -> ErasureRequest | None:
    """The parent's request to be forgotten that waits for a manager, if there is one."""
    return session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.participant_id == participant.id,
            ErasureRequest.status == ErasureStatus.PENDING,
        )
    )


def staff_looks(session: Session, participant: User, actions) -> list:
    """Who on the staff looked at what of the parent's, newest first: (event, user) rows."""
    return session.execute(
        select(AuditEvent, User)
        .join(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.participant_id == participant.id,
            AuditEvent.action.in_(actions),
            AuditEvent.actor_id != participant.id,
        )
        .order_by(AuditEvent.at.desc())
        .limit(LOOKS_SHOWN)
    ).all()
