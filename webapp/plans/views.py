"""The plan pages: "My plan" for a parent, the same plan in a participant's record for staff,
a printable plan, the history, and "steps due this week" across a keyworker's caseload.

Goals, steps and agreement have their own views modules on the same blueprint."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from webapp.models import Goal, Notification, Plan, Role, Step
from webapp.plans import queries
from webapp.plans.blueprint import bp
from webapp.plans.history import london_today
from webapp.plans.pages import plan_page, plan_url, print_page
from webapp.plans.queries import next_steps
from webapp.services import audit
from webapp.web.extensions import db
from webapp.web.policy import allow, participant_or_404, signed_in, staff_only


@bp.app_template_global()
def next_plan_steps(limit: int = 3) -> list[tuple[Step, Goal]]:
    """The parent's next steps, for the Today page."""
    plan = db.session.scalar(
        select(Plan)
        .where(Plan.participant_id == current_user.id)
        .options(selectinload(Plan.goals).selectinload(Goal.steps))
    )
    return next_steps(plan.goals if plan else [])[:limit]


@bp.app_template_global()
def plan_notices() -> list[Notification]:
    """The signed-in person's unread notices about plans, newest first."""
    return db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .options(joinedload(Notification.plan).joinedload(Plan.participant))
        .order_by(Notification.updated_at.desc())
        .limit(20)
    ).all()


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
    )
