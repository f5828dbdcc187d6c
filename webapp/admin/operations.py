"""Managers' decisions on requests to be forgotten. Only flushes; the view commits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.models import ErasureRequest, ErasureStatus, User, utcnow
from webapp.privacy.erasure import anonymise
from webapp.services import audit


def decide_erasure(
    session: Session, *, erasure: ErasureRequest, participant: User, decider: User, approve: bool
) -> None:
    """Approve (erase what identifies them, keeping anonymous counts) or refuse the request."""
    erasure.decided_by_id = decider.id
    erasure.decided_at = utcnow()
    if approve:
        erasure.status = ErasureStatus.APPROVED
        anonymise(session, participant)
        audit.record(session, "erasure.approved", actor=decider, participant=participant)
    else:
        erasure.status = ErasureStatus.REFUSED
    session.flush()
