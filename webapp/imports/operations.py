"""Importing a checked caseload: every line or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from webapp.auth.operations import create_user, email_invitation
from webapp.auth.tokens import issue_token
from webapp.clock import LONDON, london_today
from webapp.imports.caseload_csv import CheckedFile, Line, check_file
from webapp.models import (
    EngagementPause,
    ParticipantProfile,
    ParticipantStatus,
    PauseReason,
    PipelineStageChange,
    Role,
    TokenPurpose,
    User,
)
from webapp.services import audit


class ImportRefused(Exception):
    """The file can't be imported as it is; nothing was."""

    def __init__(self, checked: CheckedFile):
        super().__init__("the file has problems")
        self.checked = checked


@dataclass(frozen=True)
class Imported:
    """A parent added by the import, with their invitation token."""

    participant: User
    keyworker_name: str
    token: str


def check_caseload_file(session: Session, raw: bytes, *, locality_id: int) -> CheckedFile:
    """Check a caseload file against the locality's keyworkers and everyone's contacts."""
    keyworkers = {
        row.email.lower(): (row.id, row.name)
        for row in session.execute(
            select(User.id, User.name, User.email).where(
                User.role == Role.KEYWORKER,
                User.is_active.is_(True),
                User.locality_id == locality_id,
                User.email.is_not(None),
            )
        )
    }
    contacts = set()
    for email, phone in session.execute(
        select(User.email, User.phone).where(or_(User.email.is_not(None), User.phone.is_not(None)))
    ):
        contacts.update(filter(None, (email, phone)))
    return check_file(raw, keyworkers=keyworkers, contacts_in_use=contacts, today=london_today())


def import_caseload(
    session: Session, raw: bytes, *, locality_id: int, imported_by: User, lifetime: timedelta
) -> list[Imported]:
    """Add everyone in the file, each with an invitation, or raise ImportRefused and add no one."""
    checked = check_caseload_file(session, raw, locality_id=locality_id)
    if not checked.ready:
        raise ImportRefused(checked)
    imported = [_add(session, line, locality_id, imported_by, lifetime) for line in checked.lines]
    audit.record(session, "caseload.imported", actor=imported_by, people=len(imported))
    return imported


def _add(session: Session, line: Line, locality_id: int, by: User, lifetime) -> Imported:
    participant = create_user(
        session,
        role=Role.PARTICIPANT,
        name=line.name,
        email=line.email,
        phone=line.mobile,
        locality_id=locality_id,
    )
    started = datetime.combine(line.start_date, time(9), LONDON) if line.start_date else None
    if started:
        participant.created_at = started
    paused = line.status == "paused"
    participant.profile = ParticipantProfile(
        keyworker_id=line.keyworker_id,
        status=ParticipantStatus.PAUSED if paused else ParticipantStatus.ACTIVE,
    )
    if line.stage:
        session.add(
            PipelineStageChange(
                participant_id=participant.id, stage=line.stage, changed_by_id=by.id
            )
        )
    if paused:
        session.add(
            EngagementPause(
                participant_id=participant.id, reason=PauseReason.OTHER, paused_by_id=by.id
            )
        )
    token = issue_token(
        session, user=participant, purpose=TokenPurpose.INVITE, lifetime=lifetime, created_by=by
    )
    return Imported(participant, line.keyworker_name, token)


def email_invitations(
    session: Session, imported: list[Imported], *, link_for, days: int
) -> set[int]:
    """Email each imported parent who has an email address their invitation; the ids of those
    the mail server took."""
    return {
        person.participant.id
        for person in imported
        if email_invitation(
            session,
            participant=person.participant,
            keyworker=SimpleNamespace(name=person.keyworker_name or "Your keyworker"),
            link=link_for(person.token),
            days=days,
        )
    }
