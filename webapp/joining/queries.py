"""What the joining pages read."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.clock import LONDON
from webapp.models import JoinRequest, JoinRequestStatus, Locality, Role, User

WORKING_DAYS_TO_ACT = 5


def locality_choices(session: Session) -> list[tuple[int, str]]:
    return [
        (row.id, row.name)
        for row in session.execute(select(Locality.id, Locality.name).order_by(Locality.name))
    ]


def waiting_requests(session: Session, viewer: User) -> list[JoinRequest]:
    """Requests no one has acted on yet, oldest first, for the viewer's locality."""
    query = select(JoinRequest).where(JoinRequest.status == JoinRequestStatus.WAITING)
    if viewer.role != Role.ADMIN:
        query = query.where(JoinRequest.locality_id == viewer.locality_id)
    return list(session.scalars(query.order_by(JoinRequest.created_at, JoinRequest.id)))


def working_days_before(day: date, days: int) -> date:
    """The weekday ``days`` working days (Monday to Friday) before ``day``."""
    while days:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def overdue_since(now: datetime) -> datetime:
    """Requests made before this moment have waited more than five working days."""
    cutoff = working_days_before(now.astimezone(LONDON).date(), WORKING_DAYS_TO_ACT)
    return datetime.combine(cutoff, datetime.min.time(), LONDON)


def overdue_count(session: Session, viewer: User, now: datetime) -> int:
    """How many of the viewer's locality's requests have waited over five working days."""
    query = select(func.count()).where(
        JoinRequest.status == JoinRequestStatus.WAITING,
        JoinRequest.created_at < overdue_since(now),
    )
    if viewer.role != Role.ADMIN:
        query = query.where(JoinRequest.locality_id == viewer.locality_id)
    return session.scalar(query)


def join_request_or_404(session: Session, viewer: User, request_id: int) -> JoinRequest:
    """A request to join the viewer's locality; anyone else's is not found."""
    found = session.get(JoinRequest, request_id)
    if found is None or (viewer.role != Role.ADMIN and found.locality_id != viewer.locality_id):
        abort(404)
    return found


def keyworker_choices(session: Session, locality_id: int) -> list[tuple[int, str]]:
    """Active keyworkers of the request's locality, after the choice of none yet."""
    rows = session.execute(
        select(User.id, User.name)
        .where(
            User.role == Role.KEYWORKER,
            User.is_active.is_(True),
            User.locality_id == locality_id,
        )
        .order_by(User.name)
    )
    return [(0, "No keyworker yet"), *((row.id, row.name) for row in rows)]


def keyworker_or_none(session: Session, keyworker_id: int | None) -> User | None:
    return session.get(User, keyworker_id) if keyworker_id else None
