"""Agreeing the plan, and "Got it" on the notices of what the other side changed."""

from __future__ import annotations

from flask import abort, flash, redirect
from flask_login import current_user

from webapp.models import Side
from webapp.plans import operations as ops
from webapp.plans import queries
from webapp.plans.blueprint import bp
from webapp.plans.conflicts import MISSING_VERSION
from webapp.plans.forms import AgreeForm, posted_version
from webapp.plans.pages import plan_url
from webapp.web.errors import render_error
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed, is_htmx
from webapp.web.policy import participant_or_404, signed_in


@bp.route("/plans/<int:participant_id>/agree", methods=["POST"])
@signed_in
def agree(participant_id: int):
    participant = participant_or_404(participant_id)
    revision = posted_version(AgreeForm().revision)
    if revision is None:
        return render_error(400, *MISSING_VERSION)
    with committed(ops.PlanChanged) as saved:
        plan = ops.plan_for(db.session, participant)
        agreement = ops.agree(db.session, plan=plan, actor=current_user, revision=revision)
    if saved.refusal:
        flash("The plan changed while you were reading it. Read it again, then agree.", "warning")
    elif agreement.agreed_at is not None:
        flash("The plan is agreed by you both.", "success")
    else:
        other = "your keyworker" if ops.side_of(current_user) == Side.PARTICIPANT else "them"
        flash(f"You've agreed the plan. We've asked {other} to agree it too.", "success")
    return redirect(plan_url(participant, "agreement"))


@bp.route("/plans/<int:participant_id>/notices/read", methods=["POST"])
@signed_in
def dismiss_notices(participant_id: int):
    """ "Got it": the person has read what the other side changed."""
    participant = participant_or_404(participant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    plan = queries.find_plan(db.session, participant)
    if plan is not None:
        with committed():
            ops.mark_read(db.session, current_user, plan)
    if is_htmx():
        return ""  # the notices box swaps itself away
    return redirect(plan_url(participant))
