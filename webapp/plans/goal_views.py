"""Goals: adding, changing, marking, removing and moving them, and their comments.

Every action works as a plain form post (post/redirect/get) and, with htmx, answers with the
same partial the plan page is built from."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_login import current_user

from webapp.models import GoalStatus
from webapp.plans import operations as ops
from webapp.plans import queries
from webapp.plans.blueprint import bp
from webapp.plans.conflicts import action_conflict, goal_conflict, save_versioned
from webapp.plans.forms import CommentForm, MoveForm, StatusForm, VersionedForm
from webapp.plans.pages import (
    edit_goal_page,
    goal_card,
    goal_form,
    goal_form_page,
    plan_url,
    remove_page,
)
from webapp.web.extensions import db
from webapp.web.htmx import committed, is_htmx
from webapp.web.policy import participant_or_404, signed_in

STATUS_MESSAGES = {
    GoalStatus.ACHIEVED: "Well done: goal marked as achieved.",
    GoalStatus.PAUSED: "Goal paused. You can pick it up again any time.",
    GoalStatus.ACTIVE: "Goal back on.",
}


@bp.route("/plans/goals/<int:goal_id>")
@signed_in
def goal_fragment(goal_id: int):
    """One goal's card for htmx ("Cancel", "Keep theirs"); without htmx, the plan page."""
    goal = queries.goal_or_404(db.session, goal_id, viewer=current_user)
    if not is_htmx() or goal.removed_at is not None:
        return redirect(plan_url(goal.plan.participant, f"goal-{goal.id}"))
    return goal_card(goal)


@bp.route("/plans/<int:participant_id>/goals/new", methods=["GET", "POST"])
@signed_in
def add_goal(participant_id: int):
    participant = participant_or_404(participant_id)
    form = goal_form()
    if not form.validate_on_submit():
        return goal_form_page(None, form, participant, 422 if form.errors else 200)
    with committed():
        plan = ops.plan_for(db.session, participant)
        goal = ops.add_goal(db.session, plan=plan, actor=current_user, **form.values())
    flash("Goal added. Now add a first step towards it.", "success")
    return redirect(plan_url(participant, f"goal-{goal.id}"))


@bp.route("/plans/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_goal(goal_id: int):
    goal = queries.goal_or_404(db.session, goal_id, viewer=current_user)
    if request.method == "GET":
        return edit_goal_page(goal)
    form = goal_form(goal)
    refused = save_versioned(
        form,
        lambda version: ops.edit_goal(
            db.session, goal=goal, actor=current_user, version=version, **form.values()
        ),
        invalid=lambda: goal_form_page(goal, form, goal.plan.participant, 422),
        conflict=lambda: goal_conflict(goal_id, form),
    )
    if refused:
        return refused
    if is_htmx():
        return goal_card(
            queries.goal_or_404(db.session, goal_id, viewer=current_user), saved="Goal saved."
        )
    flash("Goal saved.", "success")
    return redirect(plan_url(goal.plan.participant, f"goal-{goal.id}"))


@bp.route("/plans/goals/<int:goal_id>/status", methods=["POST"])
@signed_in
def goal_status(goal_id: int):
    goal = queries.goal_or_404(db.session, goal_id, viewer=current_user)
    form = StatusForm()
    refused = save_versioned(
        form,
        lambda version: ops.set_goal_status(
            db.session, goal=goal, actor=current_user, version=version, status=form.status.data
        ),
        invalid=lambda: abort(400),
        conflict=lambda: action_conflict(goal_id, None, "status", form.status.data),
    )
    if refused:
        return refused
    flash(STATUS_MESSAGES[GoalStatus(form.status.data)], "success")
    return redirect(plan_url(goal.plan.participant, f"goal-{goal.id}"))


@bp.route("/plans/goals/<int:goal_id>/remove", methods=["GET", "POST"])
@signed_in
def remove_goal(goal_id: int):
    goal = queries.goal_or_404(db.session, goal_id, viewer=current_user)
    if request.method == "GET":
        return remove_page(goal)
    refused = save_versioned(
        VersionedForm(),
        lambda version: ops.remove_goal(db.session, goal=goal, actor=current_user, version=version),
        conflict=lambda: action_conflict(goal_id, None, "remove"),
    )
    if refused:
        return refused
    flash(f"Goal removed: “{goal.title}”. It stays in the plan's history.", "success")
    return redirect(plan_url(goal.plan.participant))


@bp.route("/plans/goals/<int:goal_id>/move", methods=["POST"])
@signed_in
def move_goal(goal_id: int):
    goal = queries.goal_or_404(db.session, goal_id, viewer=current_user)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    with committed():
        ops.move_goal(db.session, goal=goal, actor=current_user, direction=form.direction.data)
    return redirect(plan_url(goal.plan.participant, f"goal-{goal.id}"))


@bp.route("/plans/goals/<int:goal_id>/comments", methods=["POST"])
@signed_in
def add_comment(goal_id: int):
    goal = queries.goal_or_404(db.session, goal_id, viewer=current_user)
    if goal.removed_at is not None:
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        with committed():
            ops.add_comment(db.session, goal=goal, actor=current_user, body=form.body.data)
        flash("Comment added.", "success")
    else:
        flash(form.body.errors[0], "error")
    return redirect(plan_url(goal.plan.participant, f"goal-{goal.id}-comments"))
