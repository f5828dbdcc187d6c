"""A row in every table that can refer to a participant, for the export and erasure tests.

Each table reachable from ``users`` by foreign keys needs a builder here: the export test
fails for a table without one, so a new table cannot be forgotten by the subject access export
or by erasure. A builder takes (session, participant, staff) and adds at least one row that
refers, directly or through other rows, to the participant, with some free text in it."""

from __future__ import annotations

from datetime import date, timedelta

from webapp import audit
from webapp.models import (
    AccessToken,
    EngagementPause,
    ErasureRequest,
    Idea,
    Note,
    OutboxMail,
    Outcome,
    OutcomeKind,
    PauseReason,
    PipelineStageChange,
    RecoveryCode,
    Referral,
    ReferralKind,
    SessionFeedback,
    TokenPurpose,
    TwoFactorCredential,
    utcnow,
)

SECRET_TEXT = "Aisha's very private words"


def access_tokens(session, participant, staff):
    session.add(
        AccessToken(
            purpose=TokenPurpose.RESET,
            user_id=participant.id,
            token_hash="h" * 64,
            expires_at=utcnow() + timedelta(days=1),
        )
    )


def outbox_mail(session, participant, staff):
    session.add(
        OutboxMail(
            user_id=participant.id,
            to_address=participant.email,
            subject="Hello",
            body=SECRET_TEXT,
            transport="log",
        )
    )


def audit_events(session, participant, staff):
    audit.record(session, "record.viewed", actor=staff, participant=participant)


def erasure_requests(session, participant, staff):
    session.add(ErasureRequest(participant_id=participant.id, requested_by_id=participant.id))


def two_factor_credentials(session, participant, staff):
    session.add(TwoFactorCredential(user_id=participant.id, secret="S" * 32))


def recovery_codes(session, participant, staff):
    session.add(RecoveryCode(user_id=participant.id, code_hash="c" * 64))


def notes(session, participant, staff):
    session.add(Note(participant_id=participant.id, author_id=staff.id, body=SECRET_TEXT))


def referrals(session, participant, staff):
    session.add(
        Referral(
            participant_id=participant.id,
            made_by_id=staff.id,
            kind=ReferralKind.OTHER,
            organisation=SECRET_TEXT,
            made_on=date(2026, 11, 1),
        )
    )


def outcomes(session, participant, staff):
    session.add(
        Outcome(
            participant_id=participant.id,
            kind=OutcomeKind.QUALIFICATION,
            achieved_on=date(2026, 11, 1),
            detail=SECRET_TEXT,
            recorded_by_id=staff.id,
        )
    )


def pipeline_stage_changes(session, participant, staff):
    session.add(PipelineStageChange(participant_id=participant.id, stage=1, changed_by_id=staff.id))


def engagement_pauses(session, participant, staff):
    session.add(
        EngagementPause(
            participant_id=participant.id, reason=PauseReason.FAMILY, paused_by_id=participant.id
        )
    )


def session_feedback(session, participant, staff):
    session.add(
        SessionFeedback(
            locality_id=participant.locality_id,
            participant_id=participant.id,
            helpful=True,
            comment=SECRET_TEXT,
        )
    )


def ideas(session, participant, staff):
    session.add(
        Idea(locality_id=participant.locality_id, author_id=participant.id, body=SECRET_TEXT)
    )


BUILDERS = {
    "notes": notes,
    "referrals": referrals,
    "outcomes": outcomes,
    "pipeline_stage_changes": pipeline_stage_changes,
    "engagement_pauses": engagement_pauses,
    "session_feedback": session_feedback,
    "ideas": ideas,
    "access_tokens": access_tokens,
    "outbox_mail": outbox_mail,
    "audit_events": audit_events,
    "erasure_requests": erasure_requests,
    "two_factor_credentials": two_factor_credentials,
    "recovery_codes": recovery_codes,
}
# The participant's own rows, made by the factories.
MADE_BY_FACTORIES = {"users", "participant_profiles"}
