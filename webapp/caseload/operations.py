"""Changes to the service record, as plain functions over a session. They flush; the view
commits once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.auth.operations import DuplicateContact, contact_in_use
from webapp.groups.operations import cancel_group_place
from webapp.models import (
    PIPELINE_STAGES,
    ContractType,
    EngagementPause,
    Note,
    Outcome,
    OutcomeKind,
    ParticipantProfile,
    ParticipantStatus,
    PauseReason,
    PipelineStageChange,
    Referral,
    ReferralKind,
    ReferralStatus,
    User,
    utcnow,
)
from webapp.services import audit
from webapp.services.records import ensure_record_open
from webapp.services.sms import normalise_phone
from webapp.sessions.operations import cancel_session
from webapp.sessions.queries import upcoming_bookings


class NotAllowedNow(Exception):
    """The change does not fit the record as it stands (for example resuming when not paused)."""


def add_note(
    session: Session,
    *,
    participant: User,
    author: User,
    body: str,
    staff_only: bool = False,
    asks_for_contact: bool = False,
) -> Note:
    """Write a note on the record. Staff-only notes are audited as such."""
    ensure_record_open(participant, NotAllowedNow)
    if staff_only and not author.is_staff:
        raise NotAllowedNow("Only staff can write staff-only notes.")
    note = Note(
        participant_id=participant.id,
        author_id=author.id,
        body=body,
        staff_only=staff_only,
        asks_for_contact=asks_for_contact,
    )
    session.add(note)
    session.flush()
    action = "note.staff_only_created" if staff_only else "note.created"
    audit.record(session, action, actor=author, participant=participant, note=note.id)
    return note


def shared_notes(session: Session, participant_id: int, limit: int = 100) -> list[Note]:
    """The notes a participant may read: never a staff-only one."""
    return list(
        session.scalars(
            select(Note)
            .where(Note.participant_id == participant_id, Note.staff_only.is_(False))
            .order_by(Note.created_at.desc(), Note.id.desc())
            .limit(limit)
        )
    )


def make_referral(
    session: Session,
    *,
    participant: User,
    made_by: User,
    kind: ReferralKind,
    organisation: str,
    made_on: date,
) -> Referral:
    ensure_record_open(participant, NotAllowedNow)
    referral = Referral(
        participant_id=participant.id,
        made_by_id=made_by.id,
        kind=kind,
        organisation=organisation,
        made_on=made_on,
    )
    session.add(referral)
    session.flush()
    audit.record(
        session, "referral.made", actor=made_by, participant=participant, referral=referral.id
    )
    return referral


def update_referral(
    session: Session, *, referral: Referral, status: ReferralStatus, changed_by: User
) -> Referral:
    ensure_record_open(session.get(User, referral.participant_id), NotAllowedNow)
    referral.status = status
    referral.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        "referral.updated",
        actor=changed_by,
        participant=referral.participant_id,
        referral=referral.id,
        status=status.value,
    )
    return referral


def record_outcome(
    session: Session,
    *,
    participant: User,
    recorded_by: User,
    kind: OutcomeKind,
    achieved_on: date,
    hours_per_week: int | None = None,
    contract_type: ContractType | None = None,
    detail: str | None = None,
) -> Outcome:
    """Record an outcome. Hours and contract belong only to entering or progressing in work."""
    ensure_record_open(participant, NotAllowedNow)
    in_work = kind in (OutcomeKind.ENTERED_WORK, OutcomeKind.IN_WORK_PROGRESSION)
    outcome = Outcome(
        participant_id=participant.id,
        kind=kind,
        achieved_on=achieved_on,
        hours_per_week=hours_per_week if in_work else None,
        contract_type=contract_type if in_work else None,
        detail=detail or None,
        recorded_by_id=recorded_by.id,
    )
    session.add(outcome)
    session.flush()
    audit.record(
        session, "outcome.recorded", actor=recorded_by, participant=participant, outcome=outcome.id
    )
    return outcome


def current_stage(session: Session, participant_id: int) -> int | None:
    """The participant's pipeline stage now, or None before one is set."""
    return session.scalar(
        select(PipelineStageChange.stage)
        .where(PipelineStageChange.participant_id == participant_id)
        .order_by(PipelineStageChange.changed_at.desc(), PipelineStageChange.id.desc())
        .limit(1)
    )


def stage_history(session: Session, participant_id: int) -> list[PipelineStageChange]:
    return list(
        session.scalars(
            select(PipelineStageChange)
            .where(PipelineStageChange.participant_id == participant_id)
            .order_by(PipelineStageChange.changed_at.desc(), PipelineStageChange.id.desc())
        )
    )


def set_stage(
    session: Session, *, participant: User, stage: int, changed_by: User
) -> PipelineStageChange | None:
    """Move the participant to a pipeline stage, keeping the history. No change, no new row."""
    ensure_record_open(participant, NotAllowedNow)
    if stage not in PIPELINE_STAGES:
        raise NotAllowedNow("There are five stages, 1 to 5.")
    previous = current_stage(session, participant.id)
    if previous == stage:
        return None
    change = PipelineStageChange(
        participant_id=participant.id,
        from_stage=previous,
        stage=stage,
        changed_by_id=changed_by.id,
    )
    session.add(change)
    session.flush()
    audit.record(
        session,
        "stage.changed",
        actor=changed_by,
        participant=participant,
        stage=stage,
        from_stage=previous,
    )
    return change


def open_pause(session: Session, participant_id: int) -> EngagementPause | None:
    return session.scalar(
        select(EngagementPause)
        .where(
            EngagementPause.participant_id == participant_id, EngagementPause.resumed_at.is_(None)
        )
        .order_by(EngagementPause.paused_at.desc())
        .limit(1)
    )


def pause(session: Session, *, participant: User, by: User, reason: PauseReason) -> EngagementPause:
    """Pause a participant's involvement without closing their case."""
    ensure_record_open(participant, NotAllowedNow)
    profile: ParticipantProfile = participant.profile
    if profile.status != ParticipantStatus.ACTIVE:
        raise NotAllowedNow("Only someone taking part now can take a break.")
    entry = EngagementPause(participant_id=participant.id, reason=reason, paused_by_id=by.id)
    session.add(entry)
    profile.status = ParticipantStatus.PAUSED
    session.flush()
    audit.record(session, "engagement.paused", actor=by, participant=participant, pause=entry.id)
    return entry


ON_A_BREAK = "Taking a break"


def take_a_break(
    session: Session, *, participant: User, reason: PauseReason, cancel_bookings: bool
) -> int:
    """The parent pauses, and, if they choose, gives up the sessions and group places they
    had booked (so no reminders come for them). Answers how many were cancelled."""
    pause(session, participant=participant, by=participant, reason=reason)
    if not cancel_bookings:
        return 0
    sessions, places = upcoming_bookings(session, participant.id)
    for booked in sessions:
        cancel_session(session, booking=booked, reason=ON_A_BREAK)
    for place in places:
        cancel_group_place(session, attendee=place)
    return len(sessions) + len(places)


def resume(session: Session, *, participant: User, by: User) -> EngagementPause | None:
    """Pick up again after a break."""
    ensure_record_open(participant, NotAllowedNow)
    profile: ParticipantProfile = participant.profile
    if profile.status != ParticipantStatus.PAUSED:
        raise NotAllowedNow("This person is not on a break.")
    entry = open_pause(session, participant.id)
    if entry is not None:
        entry.resumed_at = utcnow()
        entry.resumed_by_id = by.id
    profile.status = ParticipantStatus.ACTIVE
    session.flush()
    audit.record(
        session,
        "engagement.resumed",
        actor=by,
        participant=participant,
        pause=entry.id if entry else None,
    )
    return entry


def update_participant_details(
    session: Session,
    *,
    participant: User,
    by: User,
    name: str,
    email: str | None,
    phone: str | None,
    children_stages: list[str],
) -> list[str]:
    """Change a parent's name, contact and children; the fields changed (audited by name,
    never by value). Refuses an email or mobile someone else uses (``DuplicateContact``)."""
    clash = contact_in_use(session, email=email, phone=phone, except_user_id=participant.id)
    if clash:
        raise DuplicateContact(clash)
    profile = participant.profile
    wanted = {
        "name": name,
        "email": email.lower() if email else None,
        "phone": normalise_phone(phone) if phone else None,
    }
    changed = [field for field, value in wanted.items() if getattr(participant, field) != value]
    for field in changed:
        setattr(participant, field, wanted[field])
    if sorted(profile.children_stages or []) != sorted(children_stages):
        profile.children_stages = list(children_stages)
        changed.append("children")
    if changed:
        session.flush()
        audit.record(
            session,
            "participant.details_changed",
            actor=by,
            participant=participant,
            fields=changed,
        )
    return changed
