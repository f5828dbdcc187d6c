"""The plan pages: "My plan" for a parent, the same plan in a participant's record for staff,
a printable plan, the history, and "steps due this week" across a keyworker's caseload.

Goals, steps and agreement have their own views modules on the same blueprint."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_login import current_user

from webapp.clock import london_today
from webapp.models import Role
from webapp.plans import queries
from webapp.plans.blueprint import bp
from webapp.plans.pages import plan_page, plan_url, print_page
from webapp.services import audit
from webapp.web.extensions import db
from webapp.web.policy import allow, participant_or_404, signed_in, staff_only


@bp.route("/plan")
@allow(Role.PARTICIPANT)
def my_plan():
    return plan_page(current_user)


@bp.route("/people/<int:participant_id>/plan")
@staff_only
def participant_plan(participant_id: int):
    participant = participant_or_404(participant_id)
    audit.staff_viewed(db.session, "plan.viewed", participant)
    return audit.kept_with(db.session, plan_page(participant))


@bp.route("/plans/<int:participant_id>/print")
@signed_in
def print_plan(participant_id: int):
    participant = participant_or_404(participant_id)
    audit.staff_viewed(db.session, "plan.viewed", participant, printed=True)
    return audit.kept_with(db.session, print_page(participant))


@bp.route("/plans/<int:participant_id>/history")
@signed_in
def history(participant_id: int):
    participant = participant_or_404(participant_id)
    audit.staff_viewed(db.session, "plan.viewed", participant, history=True)
    plan = queries.find_plan(db.session, participant)
    lines = queries.history(
        db.session, plan, viewer=current_user, participant=participant, limit=None
    )
    page = render_template(
        "plans/history.html", participant=participant, history=lines, back=plan_url(participant)
    )
    return audit.kept_with(db.session, page)


@bp.route("/steps-due")
@staff_only
def due_this_week():
    today = london_today()
    week_end = today + timedelta(days=6 - today.weekday())
    steps = queries.steps_due_by(db.session, current_user, week_end)
    return render_template(
        "plans/due_this_week.html",
        overdue=[s for s in steps if s.due_on < today],
        this_week=[s for s in steps if s.due_on >= today],
        today=today,
        week_end=week_end,
        notices=queries.plan_notices(db.session, current_user.id),
    )
