"""Changes to requests to join. Each function only flushes; the view commits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from webapp.auth.operations import invite_participant
from webapp.clock import utcnow
from webapp.models import JoinRequest, JoinRequestStatus, ReferredBy, User
from webapp.services import audit


def record_request(session: Session, **details) -> JoinRequest:
    """Keep a request to join for the locality's staff to act on."""
    request = JoinRequest(
        consented_at=utcnow(),
        referred_by=ReferredBy(details.pop("referred_by")),
        **details,
    )
    session.add(request)
    session.flush()
    return request


def accept_request(
    session: Session,
    *,
    request: JoinRequest,
    keyworker: User,
    accepted_by: User,
    lifetime: timedelta,
) -> tuple[User, str]:
    """The request becomes an invitation to the chosen keyworker's caseload."""
    participant, token = invite_participant(
        session,
        invited_by=accepted_by,
        locality_id=request.locality_id,
        name=request.name,
        email=request.email,
        phone=request.phone,
        children_stages=request.children_stages,
        keyworker=keyworker,
        lifetime=lifetime,
    )
    _decide(request, accepted_by, JoinRequestStatus.ACCEPTED)
    request.participant_id = participant.id
    audit.record(session, "join_request.accepted", actor=accepted_by, participant=participant)
    session.flush()
    return participant, token


def decline_request(
    session: Session, *, request: JoinRequest, declined_by: User, reason: str
) -> None:
    """Close a request the service can't take, saying why."""
    _decide(request, declined_by, JoinRequestStatus.DECLINED)
    request.decline_reason = reason
    audit.record(session, "join_request.declined", actor=declined_by, request=request.id)
    session.flush()


def _decide(request: JoinRequest, by: User, status: JoinRequestStatus) -> None:
    request.status = status
    request.decided_by_id = by.id
    request.decided_at = utcnow()
