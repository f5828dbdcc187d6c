"""Anonymising records that have been closed for longer than the service keeps them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import ParticipantProfile, ParticipantStatus, User
from webapp.privacy.erasure import anonymise
from webapp.services import audit


def due_for_retention(session: Session, *, now: datetime, retention_days: int, claim: bool):
    """Closed, not yet anonymised records past the retention period.

    With ``claim`` the rows are locked; on PostgreSQL rows another machine has already locked
    are skipped, so several machines can run the job at once without doing anything twice."""
    cutoff = now - timedelta(days=retention_days)
    query = (
        select(ParticipantProfile)
        .where(
            ParticipantProfile.status == ParticipantStatus.CLOSED,
            ParticipantProfile.closed_at < cutoff,
            ParticipantProfile.anonymised_at.is_(None),
        )
        .order_by(ParticipantProfile.user_id)
    )
    if claim and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).all()


def apply_retention(
    session: Session, *, now: datetime, retention_days: int, dry_run: bool = False
) -> list[int]:
    """Anonymise every record due; returns the participant ids (those it would do, if dry run)."""
    due = due_for_retention(session, now=now, retention_days=retention_days, claim=not dry_run)
    ids = [profile.user_id for profile in due]
    if dry_run:
        return ids
    for profile in due:
        participant = session.get(User, profile.user_id)
        anonymise(session, participant)
        audit.record(session, "retention.anonymised", participant=participant)
    return ids
