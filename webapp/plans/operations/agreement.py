"""Agreeing a plan: each side confirms the revision it read, and both make it agreed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import AgreementConfirmation, EventKind, Plan, PlanAgreement, Side, User, utcnow
from webapp.plans.agreement import snapshot
from webapp.plans.operations.changes import MissingVersion, PlanChanged, record, side_of
from webapp.plans.operations.notices import notify_other_side


def agree(session: Session, *, plan: Plan, actor: User, revision: int | None) -> PlanAgreement:
    """Confirm the plan as it reads at ``revision``. The first side to confirm asks the
    other; the plan is agreed when both sides have confirmed the same revision."""
    if revision is None:
        raise MissingVersion("Agreement refused: it did not say which version was read.")
    # Lock the plan row so no change slips in between the check and the confirmation.
    session.refresh(plan, with_for_update=True)
    if plan.revision != revision:
        raise PlanChanged()
    agreement = session.scalar(
        select(PlanAgreement).where(
            PlanAgreement.plan_id == plan.id, PlanAgreement.revision == revision
        )
    )
    if agreement is None:
        agreement = PlanAgreement(
            plan_id=plan.id, revision=revision, snapshot=snapshot(plan), requested_by_id=actor.id
        )
        session.add(agreement)
        session.flush()
    side = side_of(actor)
    if any(c.side == side for c in agreement.confirmations):
        return agreement
    agreement.confirmations.append(AgreementConfirmation(side=side, user_id=actor.id))
    if {c.side for c in agreement.confirmations} == set(Side):
        agreement.agreed_at = utcnow()
        record(session, plan, actor, EventKind.PLAN_AGREED, after=str(revision))
        notify_other_side(session, plan, actor, what="agreed")
    else:
        record(session, plan, actor, EventKind.AGREEMENT_ASKED, after=str(revision))
        notify_other_side(session, plan, actor, what="asked you to agree")
    session.flush()
    return agreement
