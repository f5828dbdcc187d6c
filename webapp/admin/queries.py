"""What the managers' data protection pages read."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from webapp.clock import LONDON
from webapp.models import AuditEvent, ErasureRequest, ErasureStatus, Role, User

PAGE_SIZE = 100


def _in_locality(query, viewer: User, *users):
    """Managers see events about their own locality's people; admins see everything."""
    if viewer.role == Role.ADMIN:
        return query
    return query.where(or_(*(u.locality_id == viewer.locality_id for u in users)))


def audit_page(session: Session, viewer: User, *, page: int = 0, **filters) -> tuple[list, bool]:
    """One page of the audit events the viewer may read, newest first (page 0 the newest),
    and whether there are older ones."""
    query = audit_query(viewer, **filters).offset(page * PAGE_SIZE).limit(PAGE_SIZE + 1)
    rows = session.execute(query).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def all_audit_events(session: Session, viewer: User, **filters):
    """Every audit event the viewer may read that matches, newest first, read in batches."""
    return session.execute(audit_query(viewer, **filters).execution_options(yield_per=1000))


def audit_query(
    viewer: User,
    *,
    person: str | None = None,
    staff: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
):
    """The audit events the viewer may read, as (event, actor, participant) rows."""
    actor, participant = aliased(User), aliased(User)
    query = (
        select(AuditEvent, actor, participant)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(participant, participant.id == AuditEvent.participant_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    query = _in_locality(query, viewer, actor, participant)
    if person:
        like = f"%{person.lower()}%"
        query = query.where(or_(participant.name.ilike(like), participant.email.ilike(like)))
    if staff:
        like = f"%{staff.lower()}%"
        query = query.where(or_(actor.name.ilike(like), actor.email.ilike(like)))
    if date_from:
        query = query.where(AuditEvent.at >= datetime.combine(date_from, time(), LONDON))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time(), LONDON)
        query = query.where(AuditEvent.at < end)
    return query


def pending_erasure_requests(session: Session, viewer: User) -> list[ErasureRequest]:
    """Requests to be forgotten that wait for a decision, oldest first."""
    query = (
        select(ErasureRequest)
        .join(User, User.id == ErasureRequest.participant_id)
        .where(ErasureRequest.status == ErasureStatus.PENDING)
        .order_by(ErasureRequest.requested_at)
    )
    return list(session.scalars(_in_locality(query, viewer, User)))


def pending_erasure_or_404(session: Session, request_id: int) -> ErasureRequest:
    erasure = session.get(ErasureRequest, request_id)
    if erasure is None or erasure.status != ErasureStatus.PENDING:
        abort(404)
    return erasure
