"""What the caseload and record pages read beyond the caseload's own facts."""

from __future__ import annotations

from datetime import datetime

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.caseload.facts import CaseloadRow, caseload_rows, sort_rows
from webapp.clock import london_today
from webapp.handover.queries import covered_keyworkers
from webapp.models import (
    AccessToken,
    BookedSession,
    GroupPlace,
    GroupSession,
    OutboxMail,
    ParticipantProfile,
    ParticipantStatus,
    RecordClosure,
    Referral,
    Role,
    SessionStatus,
    TokenPurpose,
    User,
    utcnow,
)
from webapp.web.policy import participants_in_scope

MAIL_SHOWN = 10
REFERRALS_SHOWN = 20


def active_keyworkers(session: Session, viewer: User) -> list[User]:
    """Keyworkers who can take a parent on: the viewer's locality's, or all for an admin."""
    query = select(User).where(User.role == Role.KEYWORKER, User.is_active.is_(True))
    if viewer.role != Role.ADMIN:
        query = query.where(User.locality_id == viewer.locality_id)
    return list(session.scalars(query.order_by(User.name)))


def user_or_none(session: Session, user_id: int | None) -> User | None:
    return session.get(User, user_id) if user_id else None


def latest_invitation(session: Session, participant: User) -> AccessToken | None:
    """The newest invitation link made for the parent (used or not)."""
    return session.scalar(
        select(AccessToken)
        .where(AccessToken.user_id == participant.id, AccessToken.purpose == TokenPurpose.INVITE)
        .order_by(AccessToken.created_at.desc())
        .limit(1)
    )


def recent_mail(session: Session, participant: User) -> list[OutboxMail]:
    """What CoPlan last emailed the parent, so staff can see whether it went."""
    return list(
        session.scalars(
            select(OutboxMail)
            .where(OutboxMail.user_id == participant.id)
            .order_by(OutboxMail.created_at.desc())
            .limit(MAIL_SHOWN)
        )
    )


def recent_referrals(session: Session, participant: User) -> list[Referral]:
    return list(
        session.scalars(
            select(Referral)
            .where(Referral.participant_id == participant.id)
            .order_by(Referral.made_on.desc(), Referral.id.desc())
            .limit(REFERRALS_SHOWN)
        )
    )


def referral_or_404(session: Session, participant: User, referral_id: int) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None or referral.participant_id != participant.id:
        abort(404)
    return referral


def caseload(
    session: Session,
    viewer: User,
    *,
    mine: bool,
    status: str | None,
    name: str | None,
    needing_attention: bool,
    sort: str,
) -> list[CaseloadRow]:
    """The caseload's rows, filtered and sorted; the keyworker is shown only for everyone's."""
    # The scope query has joined the profile already.
    query = participants_in_scope(viewer)
    if mine:
        # Their own parents, and those of anyone they cover for today (in the same query:
        # every keyworker's caseload asks, and hardly anyone is covering).
        covered = covered_keyworkers(viewer.id, london_today())
        query = query.where(
            (ParticipantProfile.keyworker_id == viewer.id)
            | ParticipantProfile.keyworker_id.in_(covered)
        )
    if status:
        query = query.where(ParticipantProfile.status == ParticipantStatus(status))
    else:
        # Closed records leave the caseload; the status filter still finds them.
        query = query.where(ParticipantProfile.status != ParticipantStatus.CLOSED)
    if name:
        query = query.where(User.name.ilike(f"%{name}%"))
    rows = caseload_rows(session, query.order_by(User.name), with_keyworker=True)
    if needing_attention:
        rows = [row for row in rows if row.flags]
    return sort_rows(rows, sort)


def still_booked(
    session: Session, participant: User, now: datetime | None = None
) -> tuple[list[BookedSession], list[GroupPlace]]:
    """The parent's one-to-one sessions and group places still to come, soonest first: what
    closing their record cancels."""
    now = now or utcnow()
    sessions = session.scalars(
        select(BookedSession)
        .where(
            BookedSession.participant_id == participant.id,
            BookedSession.status == SessionStatus.BOOKED,
            BookedSession.starts_at > now,
        )
        .order_by(BookedSession.starts_at)
    ).all()
    places = session.scalars(
        select(GroupPlace)
        .join(GroupSession, GroupSession.id == GroupPlace.group_session_id)
        .where(
            GroupPlace.participant_id == participant.id,
            GroupPlace.status == SessionStatus.BOOKED,
            GroupSession.is_cancelled.is_(False),
            GroupSession.starts_at > now,
        )
        .order_by(GroupSession.starts_at)
    ).all()
    return list(sessions), list(places)


def latest_closure(session: Session, participant_id: int) -> RecordClosure | None:
    return session.scalar(
        select(RecordClosure)
        .where(RecordClosure.participant_id == participant_id)
        .order_by(RecordClosure.closed_at.desc(), RecordClosure.id.desc())
        .limit(1)
    )
