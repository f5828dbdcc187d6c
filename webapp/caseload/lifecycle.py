"""The life of a participant's record: closing it with a reason, and opening it again.

Closing cancels everything the parent still has booked (one-to-one sessions and group places,
through the same cancellations as any other, so their reminders never go), tells the parent,
records an outcome where the reason is one (entering work) and starts the retention clock
(``closed_at``). Reopening stops the clock; every closing keeps its row, so the history stays.
An erased record is closed for good: it can't be closed again or reopened. Functions only
flush; the view commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.caseload.operations import NotAllowedNow, record_outcome
from webapp.caseload.queries import latest_closure, still_booked
from webapp.clock import london_today
from webapp.groups.operations import cancel_group_place
from webapp.models import (
    BookedSession,
    ClosureReason,
    ContractType,
    GroupPlace,
    Outcome,
    OutcomeKind,
    ParticipantStatus,
    RecordClosure,
    User,
    utcnow,
)
from webapp.services import audit
from webapp.services.mail import send_mail
from webapp.services.records import ensure_record_open
from webapp.sessions.operations import cancel_session

# Said to the parent beside each session closing cancelled.
CANCEL_REASON = "Your support from the service has been closed."
# A job entry recorded this recently is the one the closing is about: not counted twice.
RECENT_JOB = timedelta(days=90)


@dataclass
class Closing:
    """What closing did: the closure, what it cancelled and whether the parent was emailed."""

    closure: RecordClosure
    sessions: list[BookedSession] = field(default_factory=list)
    places: list[GroupPlace] = field(default_factory=list)
    emailed: bool = False

    @property
    def cancelled(self) -> int:
        return len(self.sessions) + len(self.places)


def _job_entry(
    session: Session,
    participant: User,
    by: User,
    hours_per_week: int | None,
    contract_type: ContractType | None,
) -> Outcome:
    """The entered-work outcome the closing is about: one recorded lately, or a new one."""
    recent = session.scalar(
        select(Outcome)
        .where(
            Outcome.participant_id == participant.id,
            Outcome.kind == OutcomeKind.ENTERED_WORK,
            Outcome.achieved_on >= london_today() - RECENT_JOB,
        )
        .order_by(Outcome.achieved_on.desc(), Outcome.id.desc())
        .limit(1)
    )
    return recent or record_outcome(
        session,
        participant=participant,
        recorded_by=by,
        kind=OutcomeKind.ENTERED_WORK,
        achieved_on=london_today(),
        hours_per_week=hours_per_week,
        contract_type=contract_type,
    )


def _check_reason(reason: ClosureReason, months: int | None, detail: str | None) -> None:
    if reason == ClosureReason.NO_CONTACT and not months:
        raise NotAllowedNow("Say how many months there has been no contact.")
    if reason == ClosureReason.OTHER and not (detail or "").strip():
        raise NotAllowedNow("Say in a few words why the record is closing.")


def close_record(
    session: Session,
    *,
    participant: User,
    by: User,
    reason: ClosureReason,
    no_contact_months: int | None = None,
    detail: str | None = None,
    hours_per_week: int | None = None,
    contract_type: ContractType | None = None,
    now: datetime | None = None,
) -> Closing:
    """Close the record for ``reason``; refused if it is closed already or erased."""
    ensure_record_open(participant, NotAllowedNow)
    profile = participant.profile
    if profile.is_closed:
        raise NotAllowedNow(f"{participant.name}'s record is already closed.")
    _check_reason(reason, no_contact_months, detail)
    now = now or utcnow()
    closure = RecordClosure(
        participant_id=participant.id,
        reason=reason,
        no_contact_months=no_contact_months if reason == ClosureReason.NO_CONTACT else None,
        detail=detail.strip() if reason == ClosureReason.OTHER and detail else None,
        closed_at=now,
        closed_by_id=by.id,
    )
    if reason == ClosureReason.ENTERED_WORK:
        closure.outcome_id = _job_entry(session, participant, by, hours_per_week, contract_type).id
    # Each cancelled as any cancellation is, so its reminders never go.
    sessions, places = still_booked(session, participant, now)
    closing = Closing(
        closure,
        sessions=[
            cancel_session(session, booking=b, reason=CANCEL_REASON, now=now) for b in sessions
        ],
        places=[cancel_group_place(session, attendee=p, now=now) for p in places],
    )
    profile.status = ParticipantStatus.CLOSED
    profile.closed_at = now
    session.add(closure)
    session.flush()
    audit.record(
        session,
        "record.closed",
        actor=by,
        participant=participant,
        closure=closure.id,
        reason=reason.value,
        sessions_cancelled=len(closing.sessions),
        places_cancelled=len(closing.places),
    )
    closing.emailed = _tell_parent(session, participant, closing)
    return closing


def _tell_parent(session: Session, participant: User, closing: Closing) -> bool:
    """Email the parent what closing cancelled, if it cancelled anything and they have an
    address; whether the mail server took it (it is kept in the outbox either way)."""
    if not closing.cancelled or not participant.email or not participant.is_active:
        return False
    mail = send_mail(
        session,
        to=participant.email,
        user=participant,
        subject="Your CoPlan sessions are cancelled",
        body=render_template(
            "mail/record_closed.txt",
            parent=participant,
            sessions=closing.sessions,
            places=closing.places,
            team=participant.locality,
            sessions_link=url_for("sessions.my_sessions", _external=True),
        ),
    )
    return mail.sent_at is not None


def reopen_record(
    session: Session, *, participant: User, by: User, now: datetime | None = None
) -> RecordClosure | None:
    """Open a closed record again: taking part (or still invited, if they never joined). The
    retention clock stops; the closing stays in the history."""
    ensure_record_open(participant, NotAllowedNow)
    profile = participant.profile
    if not profile.is_closed:
        raise NotAllowedNow(f"{participant.name}'s record is not closed.")
    now = now or utcnow()
    closure = latest_closure(session, participant.id)
    if closure is not None and closure.reopened_at is None:
        closure.reopened_at = now
        closure.reopened_by_id = by.id
    joined = profile.consented_at is not None
    profile.status = ParticipantStatus.ACTIVE if joined else ParticipantStatus.INVITED
    profile.closed_at = None
    session.flush()
    audit.record(
        session,
        "record.reopened",
        actor=by,
        participant=participant,
        closure=closure.id if closure else None,
    )
    return closure
