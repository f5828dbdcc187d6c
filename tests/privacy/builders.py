"""A row in every table that can refer to a participant, for the export and erasure tests.

Each table reachable from ``users`` by foreign keys needs a builder here: the export test
fails for a table without one, so a new table cannot be forgotten by the subject access export
or by erasure. A builder takes (session, participant, staff) and adds at least one row that
refers, directly or through other rows, to the participant, with some free text in it."""

from __future__ import annotations

from datetime import timedelta

from webapp import audit
from webapp.models import (
    AccessToken,
    ErasureRequest,
    OutboxMail,
    RecoveryCode,
    TokenPurpose,
    TwoFactorCredential,
    utcnow,
)
from webapp.plans import operations as plan_operations

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


def checkins(session, participant, staff):
    from tests.checkins.helpers import entry
    from webapp.checkins.sync import merge_checkins

    merge_checkins(session, participant.id, [entry(note=SECRET_TEXT, note_shared=True)])


def erasure_requests(session, participant, staff):
    session.add(ErasureRequest(participant_id=participant.id, requested_by_id=participant.id))


def two_factor_credentials(session, participant, staff):
    session.add(TwoFactorCredential(user_id=participant.id, secret="S" * 32))


def recovery_codes(session, participant, staff):
    session.add(RecoveryCode(user_id=participant.id, code_hash="c" * 64))


def plans(session, participant, staff):
    """A plan with a row in every plan table: goal, step, history, agreement, comment, notice."""
    plan = plan_operations.plan_for(session, participant)
    goal = plan_operations.add_goal(
        session, plan=plan, actor=participant, title=SECRET_TEXT, area="confidence", why=SECRET_TEXT
    )
    plan_operations.add_step(
        session, goal=goal, actor=staff, text=SECRET_TEXT, owner="partner", partner_name="CAB"
    )
    plan_operations.agree(session, plan=plan, actor=staff, revision=plan.revision)
    plan_operations.add_comment(session, goal=goal, actor=participant, body=SECRET_TEXT)


def made_with_the_plan(session, participant, staff):
    """Rows the ``plans`` builder has already made."""


PLAN_TABLES = [
    "plan_goals",
    "plan_steps",
    "plan_events",
    "plan_agreements",
    "plan_agreement_confirmations",
    "plan_goal_comments",
    "notifications",
]

BUILDERS = {
    "plans": plans,
    **dict.fromkeys(PLAN_TABLES, made_with_the_plan),
    "access_tokens": access_tokens,
    "outbox_mail": outbox_mail,
    "audit_events": audit_events,
    "erasure_requests": erasure_requests,
    "checkins": checkins,
    "two_factor_credentials": two_factor_credentials,
    "recovery_codes": recovery_codes,
}
# The participant's own rows, made by the factories.
MADE_BY_FACTORIES = {"users", "participant_profiles"}
