"""Saving against a version, and what a stale save answers: both versions side by side (409),
the person's own words kept in a form they can save again.

Every versioned save goes through :func:`save_versioned`, so a post that does not say which
version it changed, a form that does not validate and a lost race read the same everywhere."""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template, url_for
from flask_login import current_user

from webapp.models import GoalStatus, User
from webapp.plans import operations as ops
from webapp.plans import queries
from webapp.plans.blueprint import step_owner
from webapp.plans.forms import GoalForm, StepForm, VersionedForm, posted_version
from webapp.plans.history import actor_name, format_day
from webapp.plans.pages import chosen_label, goal_form, new_step_form, plan_url, step_form
from webapp.web.errors import render_error
from webapp.web.extensions import db
from webapp.web.htmx import committed, fragment, is_htmx

MISSING_VERSION = (
    "That change was not saved",
    "The form did not say which version of the plan you were changing, so nothing was "
    "changed. Go back, reload the page and try again.",
)


def save_versioned(
    form: VersionedForm,
    change: Callable[[int], object],
    *,
    conflict: Callable[[], object],
    invalid: Callable[[], object] | None = None,
):
    """Run ``change(version)`` against the version the form was filled in on, and commit.

    Returns None once saved, or the answer to send instead: 400 when the post did not say
    which version it changed, ``invalid()`` when the form does not validate (no ``invalid``:
    the form has nothing to check but its version), and, when someone changed the row
    meanwhile, everything rolled back and ``conflict()``, both versions side by side."""
    version = posted_version(form.version)
    if version is None:
        return render_error(400, *MISSING_VERSION)
    if invalid is not None and not form.validate_on_submit():
        return invalid()
    with committed(ops.StaleVersion) as saved:
        change(version)
    return conflict() if saved.refusal else None


def conflict_response(*, target: str, row, participant: User, **context):
    """The 409 answer: inline in the plan with htmx, else a page of its own."""
    changed_by = None
    if row.updated_by is not None:
        keyworker_id = participant.profile.keyworker_id if participant.profile else None
        changed_by = actor_name(
            row.updated_by, viewer=current_user, participant=participant, keyworker_id=keyworker_id
        )
    context.update(
        target=target,
        changed_by=changed_by or "Someone",
        # The other save was the person's own, in another tab or on another device.
        by_you=row.updated_by is not None and row.updated_by.id == current_user.id,
        participant=participant,
        back=plan_url(participant, target.removesuffix("-head")),
        inline=is_htmx(),
    )
    if is_htmx():
        return fragment("plans/_conflict.html", 409, retarget=target, **context)
    return render_template("plans/conflict.html", **context), 409


def goal_conflict(goal_id: int, form: GoalForm):
    """Both versions of a goal, side by side, with the person's own words kept in a form."""
    goal = queries.goal_or_404(db.session, goal_id, viewer=current_user)
    participant = goal.plan.participant
    removed = goal.removed_at is not None
    mine = [
        ("Goal", form.title.data),
        ("About", chosen_label(form.area)),
        ("Why it matters", form.why.data),
    ]
    theirs = [("Goal", goal.title), ("About", goal.area.label), ("Why it matters", goal.why)]
    # Keeping yours saves your words over theirs, or adds the goal back if it was removed.
    keep_form = goal_form(None if removed else goal, formdata=None, title=form.title.data)
    keep_form.why.data = form.why.data
    keep_form.area.data = form.area.data
    if not removed:
        keep_form.version.data = goal.version
    action = url_for("plans.add_goal", participant_id=participant.id) if removed else None
    return conflict_response(
        target=f"goal-{goal.id}-head",
        goal=goal,
        row=goal,
        removed=removed,
        what="goal",
        mine=mine,
        theirs=theirs,
        form=keep_form,
        keep_template="plans/_goal_form.html",
        action=action,
        participant=participant,
    )


def step_conflict(step_id: int, form: StepForm):
    """Both versions of a step, side by side, with the person's own words kept in a form."""
    step = queries.step_or_404(db.session, step_id, viewer=current_user)
    participant = step.goal.plan.participant
    removed = step.removed_at is not None

    def when(day):
        return format_day(day) if day else "No date"

    mine = [
        ("Step", form.text.data),
        ("Who does it", form.partner_name.data or chosen_label(form.owner)),
        ("Due", when(form.due_on.data)),
    ]
    theirs = [
        ("Step", step.text),
        ("Who does it", step_owner(step, participant)),
        ("Due", when(step.due_on)),
    ]
    values = {
        "formdata": None,
        "text": form.text.data,
        "owner": form.owner.data,
        "partner_name": form.partner_name.data,
        "due_on": form.due_on.data,
    }
    if removed:
        keep_form = new_step_form(step.goal, participant, **values)
    else:
        keep_form = step_form(step, version=step.version, **values)
    return conflict_response(
        target=f"step-{step.id}",
        goal=step.goal,
        step=step,
        row=step,
        removed=removed,
        what="step",
        mine=mine,
        theirs=theirs,
        form=keep_form,
        keep_template="plans/_step_form.html",
        participant=participant,
    )


def action_conflict(goal_id: int | None, step_id: int | None, action: str, value: str = ""):
    """A tick, status change or removal asked of something that changed meanwhile."""
    if step_id is not None:
        step = queries.step_or_404(db.session, step_id, viewer=current_user)
        row, goal, what = step, step.goal, "step"
        step_or_none = step
        theirs = [("Step", step.text), ("Done", "Yes" if step.done else "No")]
        target = f"step-{step.id}"
    else:
        goal = queries.goal_or_404(db.session, goal_id, viewer=current_user)
        row, what, step_or_none = goal, "goal", None
        theirs = [("Goal", goal.title), ("Status", goal.status.label), ("Why it matters", goal.why)]
        target = f"goal-{goal.id}-head"
    asked = {
        "tick": "Tick it off" if value == "1" else "Untick it",
        "remove": f"Remove the {what}",
        "status": f"Mark it: {GoalStatus(value).label}" if action == "status" else "",
    }[action]
    form = VersionedForm(formdata=None, version=row.version)
    return conflict_response(
        target=target,
        goal=goal,
        step=step_or_none,
        row=row,
        removed=row.removed_at is not None,
        what=what,
        mine=[("You asked to", asked)],
        theirs=theirs,
        form=form,
        keep_template="plans/_conflict_action.html",
        action_name=action,
        action_value=value,
        asked=asked,
        participant=goal.plan.participant,
    )
