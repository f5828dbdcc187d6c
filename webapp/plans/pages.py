"""What the plan views answer with: the plan page's context, a goal's card, the goal and step
forms, and where "back to the plan" goes. Reads come from ``queries``; nothing here writes."""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user

from webapp import clock
from webapp.clock import london_today
from webapp.models import Goal, Step, User
from webapp.plans import operations as ops
from webapp.plans import queries
from webapp.plans.forms import AgreeForm, CommentForm, GoalForm, StepForm, VersionedForm
from webapp.plans.history import describe_change, format_day
from webapp.web.errors import gone
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import fragment, is_htmx

RECENT_HISTORY = 8


def plan_url(participant: User, anchor: str | None = None) -> str:
    """The plan page as the signed-in person reaches it: "My plan" or the record's plan."""
    if current_user.id == participant.id:
        url = url_for("plans.my_plan")
    else:
        url = url_for("plans.participant_plan", participant_id=participant.id)
    return f"{url}#{anchor}" if anchor else url


def plan_page(participant: User):
    """The whole plan: goals, next steps, recent history, agreement and notices."""
    plan = queries.load_plan(db.session, participant)
    goals = plan.goals if plan else []
    return render_template(
        "plans/plan.html",
        plan=plan,
        next_steps=queries.next_steps(goals),
        history=queries.history(
            db.session, plan, viewer=current_user, participant=participant, limit=RECENT_HISTORY
        ),
        notices=queries.unread_notifications(db.session, current_user, plan) if plan else [],
        dismiss_form=EmptyForm(),
        step_forms={goal.id: new_step_form(goal, participant) for goal in goals},
        comment_form=CommentForm(),
        today=london_today(),
        **agreement_context(participant, plan),
    )


def agreement_context(participant: User, plan) -> dict:
    """What the "Agreeing the plan" box shows, with the plan version the page then holds."""
    state = queries.agreement_state(db.session, plan)
    return {
        "participant": participant,
        "goals": plan.goals if plan else [],
        "agreement": state,
        "changes": [
            describe_change(c, viewer=current_user, participant=participant) for c in state.changes
        ],
        "my_side": ops.side_of(current_user),
        "agree_form": AgreeForm(revision=state.revision),
    }


def print_page(participant: User):
    """The plan on paper: goals and steps with boxes to tick, and where agreement stands."""
    plan = queries.load_plan(db.session, participant)
    return render_template(
        "plans/print.html",
        participant=participant,
        plan=plan,
        goals=plan.goals if plan else [],
        agreement=queries.agreement_state(db.session, plan),
        today=london_today(),
    )


def goal_card(goal: Goal, step_form: StepForm | None = None, status: int = 200, **extra):
    """One goal's card, as htmx swaps it in after a change, with the agreement box (and the
    plan version the page holds) swapped out of band, since the change may have moved it."""
    participant = goal.plan.participant
    return fragment(
        "plans/_goal_changed.html",
        status,
        **agreement_context(participant, queries.load_plan(db.session, participant)),
        goal=goal,
        new_step_form=step_form or new_step_form(goal, participant, formdata=None),
        comment_form=CommentForm(),
        today=london_today(),
        **extra,
    )


def step_ticked(step: Step):
    """A ticked step, with the next steps box updated beside it."""
    participant = step.goal.plan.participant
    plan = queries.load_plan(db.session, participant)
    return fragment(
        "plans/_step_ticked.html",
        step=step,
        goal=step.goal,
        participant=participant,
        next_steps=queries.next_steps(plan.goals),
        today=london_today(),
    )


def goal_form(goal: Goal | None = None, **kwargs) -> GoalForm:
    """The goal form, its fields prefixed by the goal so several can share a page."""
    return GoalForm(prefix=f"goal-{goal.id}" if goal else "", **kwargs)


def goal_form_page(goal: Goal | None, form: GoalForm, participant: User, status: int = 200):
    """The goal form: inline in the goal's card with htmx, else a page of its own."""
    context = {
        "form": form,
        "goal": goal,
        "participant": participant,
        "back": plan_url(participant),
    }
    if goal is not None and is_htmx():
        retarget = f"goal-{goal.id}-head" if status != 200 else None
        return fragment("plans/_goal_form.html", status, retarget=retarget, inline=True, **context)
    return render_template("plans/goal_form.html", **context), status


def removed_page(row: Goal | Step):
    """Back to a goal or step that was taken off the plan: when, and where it is kept."""
    kind, words = ("goal", row.title) if isinstance(row, Goal) else ("step", row.text)
    participant = (row if isinstance(row, Goal) else row.goal).plan.participant
    return gone(
        f"This {kind} was removed from the plan",
        [
            f"“{words}” was removed on {clock.show(row.removed_at, 'date')}.",
            "It stays in the plan's history.",
        ],
        [
            ("Back to the plan", plan_url(participant)),
            ("See what changed", url_for("plans.history", participant_id=participant.id)),
        ],
    )


def edit_goal_page(goal: Goal):
    """The goal form filled in with the goal as it reads now."""
    if goal.removed_at is not None:
        return removed_page(goal)
    form = goal_form(goal, obj=goal, version=goal.version)
    form.area.data = goal.area.value
    return goal_form_page(goal, form, goal.plan.participant)


def new_step_form(goal: Goal, participant: User, **kwargs) -> StepForm:
    """The form that adds a step to a goal."""
    return StepForm(
        prefix=f"new-step-{goal.id}", viewer=current_user, participant=participant, **kwargs
    )


def step_form(step: Step, **kwargs) -> StepForm:
    """The form that changes a step."""
    return StepForm(
        prefix=f"step-{step.id}",
        viewer=current_user,
        participant=step.goal.plan.participant,
        **kwargs,
    )


def step_form_page(goal: Goal, step: Step | None, form: StepForm, status: int = 200):
    """The step form as a page of its own."""
    participant = goal.plan.participant
    back = plan_url(participant, f"goal-{goal.id}") if step is None else plan_url(participant)
    return render_template(
        "plans/step_form.html",
        form=form,
        goal=goal,
        step=step,
        participant=participant,
        back=back,
    ), status


def new_step_answer(goal: Goal, form: StepForm):
    """The add-a-step form again, with htmx in the goal's card, else as a page."""
    status = 422 if form.errors else 200
    if not is_htmx():
        return step_form_page(goal, None, form, status)
    return fragment(
        "plans/_new_step.html",
        status,
        retarget=f"goal-{goal.id}-new-step",
        goal=goal,
        participant=goal.plan.participant,
        new_step_form=form,
    )


def edit_step_page(step: Step):
    """The step form filled in with the step as it reads now."""
    if step.removed_at is not None:
        return removed_page(step)
    form = step_form(step, obj=step, version=step.version)
    form.owner.data = step.owner.value
    return step_form_page(step.goal, step, form)


def remove_page(row: Goal | Step):
    """ "Are you sure?" before a goal or step is taken off the plan."""
    if row.removed_at is not None:
        return removed_page(row)
    goal, step = (row, None) if isinstance(row, Goal) else (row.goal, row)
    return render_template(
        "plans/remove.html",
        form=VersionedForm(version=row.version),
        goal=goal,
        step=step,
        back=plan_url(goal.plan.participant),
    )


def past_due_warning(form: StepForm) -> str | None:
    """A due date in the past is allowed (catching up on paper plans) but worth a word."""
    due = form.due_on.data
    if due is not None and due < london_today():
        return (
            f"The due date, {format_day(due)}, has already passed. "
            "That's fine if you meant it; change it if not."
        )
    return None


def chosen_label(field) -> str:
    """The label of the option picked in a select field."""
    return next((c.label for c in field.choices if c.value == field.data), "")
