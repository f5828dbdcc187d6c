"""A parent's requests about their data. Only flushes; the view commits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.models import ErasureRequest, User
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
