"""Steps: adding, changing, ticking off, removing and moving them.

Every action works as a plain form post (post/redirect/get) and, with htmx, answers with the
same partial the plan page is built from."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_login import current_user

from webapp.plans import operations as ops
from webapp.plans import queries
from webapp.plans.blueprint import bp
from webapp.plans.conflicts import action_conflict, save_versioned, step_conflict
from webapp.plans.forms import MoveForm, TickForm, VersionedForm
from webapp.plans.pages import (
    edit_step_page,
    goal_card,
    new_step_answer,
    new_step_form,
    past_due_warning,
    plan_url,
    remove_page,
    step_form,
    step_form_page,
    step_ticked,
)
from webapp.web.extensions import db
from webapp.web.htmx import committed, is_htmx
from webapp.web.policy import signed_in


@bp.route("/plans/goals/<int:goal_id>/steps/new", methods=["GET", "POST"])
@signed_in
def add_step(goal_id: int):
    goal = queries.goal_or_404(db.session, goal_id, viewer=current_user)
    if goal.removed_at is not None:
        abort(404)
    participant = goal.plan.participant
    form = new_step_form(goal, participant)
    if not form.validate_on_submit():
        return new_step_answer(goal, form)
    with committed():
        ops.add_step(db.session, goal=goal, actor=current_user, **form.values())
    warning = past_due_warning(form)
    if is_htmx():
        goal = queries.goal_or_404(db.session, goal_id, viewer=current_user)
        return goal_card(goal, saved="Step added.", warning=warning)
    flash("Step added.", "success")
    if warning:
        flash(warning, "warning")
    return redirect(plan_url(participant, f"goal-{goal.id}"))


@bp.route("/plans/steps/<int:step_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_step(step_id: int):
    step = queries.step_or_404(db.session, step_id, viewer=current_user)
    if request.method == "GET":
        return edit_step_page(step)
    form = step_form(step)
    refused = save_versioned(
        form,
        lambda version: ops.edit_step(
            db.session, step=step, actor=current_user, version=version, **form.values()
        ),
        invalid=lambda: step_form_page(step.goal, step, form, 422),
        conflict=lambda: step_conflict(step_id, form),
    )
    if refused:
        return refused
    flash("Step saved.", "success")
    if warning := past_due_warning(form):
        flash(warning, "warning")
    return redirect(plan_url(step.goal.plan.participant, f"step-{step.id}"))


@bp.route("/plans/steps/<int:step_id>/tick", methods=["POST"])
@signed_in
def tick_step(step_id: int):
    step = queries.step_or_404(db.session, step_id, viewer=current_user)
    form = TickForm()
    done = form.done.data != "0"
    refused = save_versioned(
        form,
        lambda version: ops.set_step_done(
            db.session, step=step, actor=current_user, version=version, done=done
        ),
        conflict=lambda: action_conflict(None, step_id, "tick", "1" if done else "0"),
    )
    if refused:
        return refused
    if is_htmx():
        return step_ticked(queries.step_or_404(db.session, step_id, viewer=current_user))
    flash("Step ticked off. Well done." if done else "Step unticked.", "success")
    return redirect(plan_url(step.goal.plan.participant, f"step-{step.id}"))


@bp.route("/plans/steps/<int:step_id>/remove", methods=["GET", "POST"])
@signed_in
def remove_step(step_id: int):
    step = queries.step_or_404(db.session, step_id, viewer=current_user)
    if request.method == "GET":
        return remove_page(step)
    refused = save_versioned(
        VersionedForm(),
        lambda version: ops.remove_step(db.session, step=step, actor=current_user, version=version),
        conflict=lambda: action_conflict(None, step_id, "remove"),
    )
    if refused:
        return refused
    flash(f"Step removed: “{step.text}”.", "success")
    return redirect(plan_url(step.goal.plan.participant, f"goal-{step.goal_id}"))


@bp.route("/plans/steps/<int:step_id>/move", methods=["POST"])
@signed_in
def move_step(step_id: int):
    step = queries.step_or_404(db.session, step_id, viewer=current_user)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    with committed():
        ops.move_step(db.session, step=step, actor=current_user, direction=form.direction.data)
    return redirect(plan_url(step.goal.plan.participant, f"step-{step.id}"))
