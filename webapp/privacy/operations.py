"""A parent's requests about their data. Only flushes; the view commits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.models import ErasureRequest, ErasureStatus, User, utcnow
from webapp.privacy.queries import pending_erasure
from webapp.services import audit


def ask_erasure(session: Session, participant: User) -> ErasureRequest:
    """Ask to be forgotten; asking again while a request waits changes nothing."""
    waiting = pending_erasure(session, participant)
    if waiting is not None:
        return waiting
    request = ErasureRequest(participant_id=participant.id, requested_by_id=participant.id)
    session.add(request)
    audit.record(session, "erasure.requested", actor=participant, participant=participant)
    session.flush()
    return request


class NothingToWithdraw(Exception):
    """No request waits: a manager has acted on it already, or none was made."""


def withdraw_erasure(session: Session, participant: User) -> ErasureRequest:
    """Take back a request to be forgotten while it still waits for a manager."""
    waiting = pending_erasure(session, participant)
    if waiting is None:
        raise NothingToWithdraw()
    waiting.status = ErasureStatus.WITHDRAWN
    waiting.decided_at = utcnow()
    waiting.decided_by_id = participant.id
    audit.record(session, "erasure.withdrawn", actor=participant, participant=participant)
    session.flush()
    return waiting
