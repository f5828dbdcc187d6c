"""What the staff pages read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, joinedload

from webapp.models import (
    STAFF_ROLES,
    AccessToken,
    BookedSession,
    Locality,
    ParticipantProfile,
    Role,
    TokenPurpose,
    TwoFactorCredential,
    User,
)
from webapp.sessions.handing import sessions_ahead


@dataclass(frozen=True)
class StaffRow:
    """One member of staff as the staff list shows them."""

    member: User
    two_step: bool
    invited: bool  # has a live invitation and no password yet
    caseload: int


def _in_scope(viewer: User) -> Select:
    query = select(User).where(User.role.in_(STAFF_ROLES))
    if viewer.role != Role.ADMIN:
        query = query.where(User.locality_id == viewer.locality_id, User.role != Role.ADMIN)
    return query


def staff_list(session: Session, viewer: User, now: datetime) -> list[StaffRow]:
    """Everyone on the staff the viewer manages, active first, in one query."""
    two_step = exists().where(
        TwoFactorCredential.user_id == User.id, TwoFactorCredential.enabled_at.is_not(None)
    )
    invited = exists().where(
        AccessToken.user_id == User.id,
        AccessToken.purpose == TokenPurpose.INVITE,
        AccessToken.used_at.is_(None),
        AccessToken.expires_at > now,
    )
    caseload = (
        select(func.count())
        .where(ParticipantProfile.keyworker_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )
    query = (
        _in_scope(viewer)
        .add_columns(two_step.label("two_step"), invited.label("invited"), caseload)
        .options(joinedload(User.locality))
        .order_by(User.is_active.desc(), User.name)
    )
    return [
        StaffRow(member, bool(enrolled), bool(pending) and member.password_hash is None, count)
        for member, enrolled, pending, count in session.execute(query)
    ]


def staff_member_or_404(session: Session, viewer: User, staff_id: int) -> User:
    """A member of staff the viewer manages; anyone else is not found."""
    member = session.scalar(_in_scope(viewer).where(User.id == staff_id))
    if member is None:
        abort(404)
    return member


def is_enrolled(session: Session, member: User) -> bool:
    credential = session.get(TwoFactorCredential, member.id)
    return credential is not None and credential.enabled_at is not None


def caseload_of(session: Session, keyworker: User) -> list[User]:
    """The parents whose keyworker this is, by name."""
    return list(
        session.scalars(
            select(User)
            .join(ParticipantProfile, ParticipantProfile.user_id == User.id)
            .where(ParticipantProfile.keyworker_id == keyworker.id)
            .order_by(User.name)
        )
    )


def future_sessions_of(session: Session, keyworker: User, now: datetime) -> list[BookedSession]:
    """Sessions still booked with this keyworker from now on, soonest first."""
    return sessions_ahead(session, now, keyworker=keyworker)


def locality_choices(session: Session, viewer: User) -> list[tuple[int, str]]:
    """Localities the viewer may put staff in: all for an admin, their own for a manager."""
    query = select(Locality.id, Locality.name).order_by(Locality.name)
    if viewer.role != Role.ADMIN:
        query = query.where(Locality.id == viewer.locality_id)
    return [(row.id, row.name) for row in session.execute(query)]
