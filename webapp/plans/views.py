"""The plan pages: "My plan" for a parent, the same plan in a participant's record for staff,
a printable plan, the history, and "steps due this week" across a keyworker's caseload.

Every action works as a plain form post (post/redirect/get) and, with htmx, answers with the
same partial the full page is built from. Stale saves answer 409 with both versions."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from webapp.models import (
    Goal,
    GoalComment,
    GoalStatus,
    Notification,
    ParticipantProfile,
    Plan,
    PlanEvent,
    Role,
    Side,
    Step,
    StepOwner,
    User,
)
from webapp.plans import operations as ops
from webapp.plans.forms import (
    AgreeForm,
    CommentForm,
    GoalForm,
    MoveForm,
    StatusForm,
    StepForm,
    TickForm,
    VersionedForm,
    posted_version,
)
from webapp.plans.history import (
    actor_name,
    describe,
    describe_change,
    format_day,
    london_today,
    owner_label,
)
from webapp.services import audit
from webapp.web.errors import render_error
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.policy import (
    allow,
    can_see_participant,
    participant_or_404,
    participants_in_scope,
    signed_in,
    staff_only,
)

bp = Blueprint("plans", __name__)

RECENT_HISTORY = 8
MISSING_VERSION = (
    "That change was not saved",
    "The form did not say which version of the plan you were changing, so nothing was "
    "changed. Go back, reload the page and try again.",
)


@bp.after_request
def vary_on_htmx(response):
    # The same address answers a whole page or a fragment, depending on who asks.
    response.vary.add("HX-Request")
    return response


@bp.app_template_global()
def step_owner(step: Step, participant: User) -> str:
    return owner_label(step.owner, step.partner_name, viewer=current_user, participant=participant)


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


bp.add_app_template_filter(format_day, "day")
bp.add_app_template_global(london_today, "london_today")


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def plan_url(participant: User, anchor: str | None = None) -> str:
    if current_user.id == participant.id:
        url = url_for("plans.my_plan")
    else:
        url = url_for("plans.participant_plan", participant_id=participant.id)
    return f"{url}#{anchor}" if anchor else url


def goal_or_404(goal_id: int) -> Goal:
    goal = db.session.scalar(
        select(Goal)
        .where(Goal.id == goal_id)
        .options(joinedload(Goal.plan).joinedload(Plan.participant))
    )
    if goal is None or not can_see_participant(current_user, goal.plan.participant):
        abort(404)
    return goal


def step_or_404(step_id: int) -> Step:
    step = db.session.scalar(
        select(Step)
        .where(Step.id == step_id)
        .options(joinedload(Step.goal).joinedload(Goal.plan).joinedload(Plan.participant))
    )
    if step is None or not can_see_participant(current_user, step.goal.plan.participant):
        abort(404)
    return step


def chosen_label(field) -> str:
    """The label of the option picked in a select field."""
    return next((c.label for c in field.choices if c.value == field.data), "")


def refuse_missing_version():
    return render_error(400, *MISSING_VERSION)


def fragment(template: str, status: int = 200, retarget: str | None = None, **context):
    """An htmx answer; ``retarget`` sends it somewhere other than where the request aimed."""
    response = make_response(render_template(template, **context), status)
    if retarget:
        response.headers["HX-Retarget"] = f"#{retarget}"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


# --- reading the plan ---------------------------------------------------------------------


def next_steps(goals: list[Goal]) -> list[tuple[Step, Goal]]:
    """Steps not yet done on goals being worked on: dated ones first, soonest first."""
    pending = [
        (step, goal)
        for goal in goals
        if goal.status == GoalStatus.ACTIVE
        for step in goal.steps
        if not step.done
    ]
    return sorted(
        pending,
        key=lambda pair: (pair[0].due_on is None, pair[0].due_on or 0, pair[1].position),
    )


def load_plan(participant: User) -> Plan | None:
    """The plan with its goals, steps and comments in a fixed number of queries."""
    return db.session.scalar(
        select(Plan)
        .where(Plan.participant_id == participant.id)
        .options(
            selectinload(Plan.goals).options(
                selectinload(Goal.steps),
                selectinload(Goal.comments).joinedload(GoalComment.author),
            )
        )
    )


def history_lines(plan: Plan | None, participant: User, limit: int | None = None):
    if plan is None:
        return []
    query = (
        select(PlanEvent)
        .where(PlanEvent.plan_id == plan.id)
        .options(joinedload(PlanEvent.actor))
        .order_by(PlanEvent.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return [
        describe(event, viewer=current_user, participant=participant)
        for event in db.session.scalars(query)
    ]


def render_plan_page(participant: User, template: str = "plans/plan.html", **extra):
    plan = load_plan(participant)
    goals = plan.goals if plan else []
    state = ops.agreement_state(db.session, plan)
    step_forms = extra.pop("step_forms", {})
    for goal in goals:
        step_forms.setdefault(goal.id, new_step_form(goal, participant))
    return render_template(
        template,
        participant=participant,
        plan=plan,
        goals=goals,
        next_steps=next_steps(goals),
        history=history_lines(plan, participant, RECENT_HISTORY),
        agreement=state,
        changes=[
            describe_change(c, viewer=current_user, participant=participant) for c in state.changes
        ],
        my_side=ops.side_of(current_user),
        notices=ops.unread_notifications(db.session, current_user, plan) if plan else [],
        dismiss_form=EmptyForm(),
        step_forms=step_forms,
        comment_form=CommentForm(),
        today=london_today(),
        agree_form=AgreeForm(revision=state.revision),
        **extra,
    )


@bp.route("/plan")
@allow(Role.PARTICIPANT)
def my_plan():
    return render_plan_page(current_user)


@bp.route("/people/<int:participant_id>/plan")
@staff_only
def participant_plan(participant_id: int):
    participant = participant_or_404(participant_id)
    audit.staff_viewed(db.session, "plan.viewed", participant)
    return audit.kept_with(db.session, render_plan_page(participant))


@bp.route("/plans/<int:participant_id>/print")
@signed_in
def print_plan(participant_id: int):
    participant = participant_or_404(participant_id)
    audit.staff_viewed(db.session, "plan.viewed", participant, printed=True)
    plan = load_plan(participant)
    page = render_template(
        "plans/print.html",
        participant=participant,
        plan=plan,
        goals=plan.goals if plan else [],
        agreement=ops.agreement_state(db.session, plan),
        today=london_today(),
    )
    return audit.kept_with(db.session, page)


@bp.route("/plans/<int:participant_id>/history")
@signed_in
def history(participant_id: int):
    participant = participant_or_404(participant_id)
    audit.staff_viewed(db.session, "plan.viewed", participant, history=True)
    plan = ops.find_plan(db.session, participant)
    page = render_template(
        "plans/history.html",
        participant=participant,
        history=history_lines(plan, participant),
        back=plan_url(participant),
    )
    return audit.kept_with(db.session, page)


@bp.route("/plans/goals/<int:goal_id>")
@signed_in
def goal_fragment(goal_id: int):
    """One goal's card for htmx ("Cancel", "Keep theirs"); without htmx, the plan page."""
    goal = goal_or_404(goal_id)
    participant = goal.plan.participant
    if not is_htmx() or goal.removed_at is not None:
        return redirect(plan_url(participant, f"goal-{goal.id}"))
    return goal_card(goal)


def goal_card(goal: Goal, step_form: StepForm | None = None, status: int = 200, **extra):
    participant = goal.plan.participant
    return fragment(
        "plans/_goal.html",
        status,
        goal=goal,
        participant=participant,
        new_step_form=step_form or new_step_form(goal, participant, formdata=None),
        comment_form=CommentForm(),
        today=london_today(),
        **extra,
    )


# --- goals --------------------------------------------------------------------------------


def goal_form(goal: Goal | None = None, **kwargs) -> GoalForm:
    return GoalForm(prefix=f"goal-{goal.id}" if goal else "", **kwargs)


@bp.route("/plans/<int:participant_id>/goals/new", methods=["GET", "POST"])
@signed_in
def add_goal(participant_id: int):
    participant = participant_or_404(participant_id)
    form = goal_form()
    if form.validate_on_submit():
        plan = ops.plan_for(db.session, participant)
        goal = ops.add_goal(
            db.session,
            plan=plan,
            actor=current_user,
            title=form.title.data,
            area=form.area.data,
            why=form.why.data,
        )
        db.session.commit()
        flash("Goal added. Now add a first step towards it.", "success")
        return redirect(plan_url(participant, f"goal-{goal.id}"))
    return render_template(
        "plans/goal_form.html",
        form=form,
        participant=participant,
        goal=None,
        back=plan_url(participant),
    ), (422 if form.errors else 200)


@bp.route("/plans/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_goal(goal_id: int):
    goal = goal_or_404(goal_id)
    participant = goal.plan.participant
    if request.method == "GET":
        if goal.removed_at is not None:
            abort(404)
        form = goal_form(goal, obj=goal, version=goal.version)
        form.area.data = goal.area.value
        return render_goal_form(goal, form)
    form = goal_form(goal)
    version = posted_version(form.version)
    if version is None:
        return refuse_missing_version()
    if not form.validate_on_submit():
        return render_goal_form(goal, form, 422)
    try:
        ops.edit_goal(
            db.session,
            goal=goal,
            actor=current_user,
            version=version,
            title=form.title.data,
            area=form.area.data,
            why=form.why.data,
        )
    except ops.StaleVersion:
        db.session.rollback()
        return goal_conflict(goal_id, form)
    db.session.commit()
    if is_htmx():
        return goal_card(goal_or_404(goal_id), saved="Goal saved.")
    flash("Goal saved.", "success")
    return redirect(plan_url(participant, f"goal-{goal.id}"))


def render_goal_form(goal: Goal, form: GoalForm, status: int = 200):
    participant = goal.plan.participant
    context = {
        "form": form,
        "goal": goal,
        "participant": participant,
        "back": plan_url(participant),
    }
    if is_htmx():
        return fragment(
            "plans/_goal_form.html",
            status,
            retarget=f"goal-{goal.id}-head" if status != 200 else None,
            inline=True,
            **context,
        )
    return render_template("plans/goal_form.html", **context), status


def goal_conflict(goal_id: int, form: GoalForm):
    """Both versions of a goal, side by side, with the person's own words kept in a form."""
    goal = goal_or_404(goal_id)
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


def conflict_response(*, target: str, row, participant: User, **context):
    changed_by = None
    if row.updated_by is not None:
        keyworker_id = participant.profile.keyworker_id if participant.profile else None
        changed_by = actor_name(
            row.updated_by, viewer=current_user, participant=participant, keyworker_id=keyworker_id
        )
    context.update(
        target=target,
        changed_by=changed_by or "Someone",
        participant=participant,
        back=plan_url(participant, target.removesuffix("-head")),
        inline=is_htmx(),
    )
    if is_htmx():
        return fragment("plans/_conflict.html", 409, retarget=target, **context)
    return render_template("plans/conflict.html", **context), 409


@bp.route("/plans/goals/<int:goal_id>/status", methods=["POST"])
@signed_in
def goal_status(goal_id: int):
    goal = goal_or_404(goal_id)
    form = StatusForm()
    version = posted_version(form.version)
    if version is None:
        return refuse_missing_version()
    if not form.validate_on_submit():
        abort(400)
    try:
        ops.set_goal_status(
            db.session, goal=goal, actor=current_user, version=version, status=form.status.data
        )
    except ops.StaleVersion:
        db.session.rollback()
        return action_conflict(goal_id, None, "status", form.status.data)
    db.session.commit()
    messages = {
        GoalStatus.ACHIEVED: "Well done: goal marked as achieved.",
        GoalStatus.PAUSED: "Goal paused. You can pick it up again any time.",
        GoalStatus.ACTIVE: "Goal back on.",
    }
    flash(messages[GoalStatus(form.status.data)], "success")
    return redirect(plan_url(goal.plan.participant, f"goal-{goal.id}"))


def action_conflict(goal_id: int | None, step_id: int | None, action: str, value: str = ""):
    """A tick, status change or removal asked of something that changed meanwhile."""
    if step_id is not None:
        step = step_or_404(step_id)
        row, goal, what = step, step.goal, "step"
        step_or_none = step
        theirs = [("Step", step.text), ("Done", "Yes" if step.done else "No")]
        target = f"step-{step.id}"
    else:
        goal = goal_or_404(goal_id)
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


@bp.route("/plans/goals/<int:goal_id>/remove", methods=["GET", "POST"])
@signed_in
def remove_goal(goal_id: int):
    goal = goal_or_404(goal_id)
    participant = goal.plan.participant
    form = VersionedForm()
    if request.method == "GET":
        if goal.removed_at is not None:
            abort(404)
        form.version.data = goal.version
        return render_template(
            "plans/remove.html", form=form, goal=goal, step=None, back=plan_url(participant)
        )
    version = posted_version(form.version)
    if version is None:
        return refuse_missing_version()
    try:
        ops.remove_goal(db.session, goal=goal, actor=current_user, version=version)
    except ops.StaleVersion:
        db.session.rollback()
        return action_conflict(goal_id, None, "remove")
    db.session.commit()
    flash(f"Goal removed: “{goal.title}”. It stays in the plan's history.", "success")
    return redirect(plan_url(participant))


@bp.route("/plans/goals/<int:goal_id>/move", methods=["POST"])
@signed_in
def move_goal(goal_id: int):
    goal = goal_or_404(goal_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    ops.move_goal(db.session, goal=goal, actor=current_user, direction=form.direction.data)
    db.session.commit()
    return redirect(plan_url(goal.plan.participant, f"goal-{goal.id}"))


@bp.route("/plans/goals/<int:goal_id>/comments", methods=["POST"])
@signed_in
def add_comment(goal_id: int):
    goal = goal_or_404(goal_id)
    if goal.removed_at is not None:
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        ops.add_comment(db.session, goal=goal, actor=current_user, body=form.body.data)
        db.session.commit()
        flash("Comment added.", "success")
    else:
        flash(form.body.errors[0], "error")
    return redirect(plan_url(goal.plan.participant, f"goal-{goal.id}-comments"))


# --- steps --------------------------------------------------------------------------------


def new_step_form(goal: Goal, participant: User, **kwargs) -> StepForm:
    return StepForm(
        prefix=f"new-step-{goal.id}", viewer=current_user, participant=participant, **kwargs
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


@bp.route("/plans/goals/<int:goal_id>/steps/new", methods=["GET", "POST"])
@signed_in
def add_step(goal_id: int):
    goal = goal_or_404(goal_id)
    if goal.removed_at is not None:
        abort(404)
    participant = goal.plan.participant
    form = new_step_form(goal, participant)
    if form.validate_on_submit():
        ops.add_step(
            db.session,
            goal=goal,
            actor=current_user,
            text=form.text.data,
            owner=StepOwner(form.owner.data),
            partner_name=form.partner_name.data,
            due_on=form.due_on.data,
        )
        db.session.commit()
        warning = past_due_warning(form)
        if is_htmx():
            return goal_card(goal_or_404(goal_id), saved="Step added.", warning=warning)
        flash("Step added.", "success")
        if warning:
            flash(warning, "warning")
        return redirect(plan_url(participant, f"goal-{goal.id}"))
    status = 422 if form.errors else 200
    if is_htmx():
        return fragment(
            "plans/_new_step.html",
            status,
            retarget=f"goal-{goal.id}-new-step",
            goal=goal,
            participant=participant,
            new_step_form=form,
        )
    return render_template(
        "plans/step_form.html",
        form=form,
        goal=goal,
        step=None,
        participant=participant,
        back=plan_url(participant, f"goal-{goal.id}"),
    ), status


def step_form(step: Step, **kwargs) -> StepForm:
    return StepForm(
        prefix=f"step-{step.id}",
        viewer=current_user,
        participant=step.goal.plan.participant,
        **kwargs,
    )


@bp.route("/plans/steps/<int:step_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_step(step_id: int):
    step = step_or_404(step_id)
    participant = step.goal.plan.participant
    context = {
        "step": step,
        "goal": step.goal,
        "participant": participant,
        "back": plan_url(participant),
    }
    if request.method == "GET":
        if step.removed_at is not None:
            abort(404)
        form = step_form(step, obj=step, version=step.version)
        form.owner.data = step.owner.value
        return render_template("plans/step_form.html", form=form, **context)
    form = step_form(step)
    version = posted_version(form.version)
    if version is None:
        return refuse_missing_version()
    if not form.validate_on_submit():
        return render_template("plans/step_form.html", form=form, **context), 422
    try:
        ops.edit_step(
            db.session,
            step=step,
            actor=current_user,
            version=version,
            text=form.text.data,
            owner=StepOwner(form.owner.data),
            partner_name=form.partner_name.data,
            due_on=form.due_on.data,
        )
    except ops.StaleVersion:
        db.session.rollback()
        return step_conflict(step_id, form)
    db.session.commit()
    flash("Step saved.", "success")
    if warning := past_due_warning(form):
        flash(warning, "warning")
    return redirect(plan_url(participant, f"step-{step.id}"))


def step_conflict(step_id: int, form: StepForm):
    step = step_or_404(step_id)
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


@bp.route("/plans/steps/<int:step_id>/tick", methods=["POST"])
@signed_in
def tick_step(step_id: int):
    step = step_or_404(step_id)
    participant = step.goal.plan.participant
    form = TickForm()
    version = posted_version(form.version)
    if version is None:
        return refuse_missing_version()
    done = form.done.data != "0"
    try:
        ops.set_step_done(db.session, step=step, actor=current_user, version=version, done=done)
    except ops.StaleVersion:
        db.session.rollback()
        return action_conflict(None, step_id, "tick", "1" if done else "0")
    db.session.commit()
    if is_htmx():
        step = step_or_404(step_id)
        plan = load_plan(participant)
        return fragment(
            "plans/_step_ticked.html",
            step=step,
            goal=step.goal,
            participant=participant,
            next_steps=next_steps(plan.goals),
            today=london_today(),
        )
    flash("Step ticked off. Well done." if done else "Step unticked.", "success")
    return redirect(plan_url(participant, f"step-{step.id}"))


@bp.route("/plans/steps/<int:step_id>/remove", methods=["GET", "POST"])
@signed_in
def remove_step(step_id: int):
    step = step_or_404(step_id)
    participant = step.goal.plan.participant
    form = VersionedForm()
    if request.method == "GET":
        if step.removed_at is not None:
            abort(404)
        form.version.data = step.version
        return render_template(
            "plans/remove.html", form=form, goal=step.goal, step=step, back=plan_url(participant)
        )
    version = posted_version(form.version)
    if version is None:
        return refuse_missing_version()
    try:
        ops.remove_step(db.session, step=step, actor=current_user, version=version)
    except ops.StaleVersion:
        db.session.rollback()
        return action_conflict(None, step_id, "remove")
    db.session.commit()
    flash(f"Step removed: “{step.text}”.", "success")
    return redirect(plan_url(participant, f"goal-{step.goal_id}"))


@bp.route("/plans/steps/<int:step_id>/move", methods=["POST"])
@signed_in
def move_step(step_id: int):
    step = step_or_404(step_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    ops.move_step(db.session, step=step, actor=current_user, direction=form.direction.data)
    db.session.commit()
    return redirect(plan_url(step.goal.plan.participant, f"step-{step.id}"))


# --- agreement ----------------------------------------------------------------------------


@bp.route("/plans/<int:participant_id>/agree", methods=["POST"])
@signed_in
def agree(participant_id: int):
    participant = participant_or_404(participant_id)
    form = AgreeForm()
    plan = ops.plan_for(db.session, participant)
    try:
        revision = int(form.revision.data)
    except (TypeError, ValueError):
        return refuse_missing_version()
    try:
        agreement = ops.agree(db.session, plan=plan, actor=current_user, revision=revision)
    except ops.PlanChanged:
        db.session.rollback()
        flash("The plan changed while you were reading it. Read it again, then agree.", "warning")
        return redirect(plan_url(participant, "agreement"))
    db.session.commit()
    if agreement.agreed_at is not None:
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
    plan = ops.find_plan(db.session, participant)
    if plan is not None:
        ops.mark_read(db.session, current_user, plan)
        db.session.commit()
    if is_htmx():
        return ""  # the notices box swaps itself away
    return redirect(plan_url(participant))


# --- the keyworker's week -----------------------------------------------------------------


@bp.route("/steps-due")
@staff_only
def due_this_week():
    today = london_today()
    week_end = today + timedelta(days=6 - today.weekday())
    in_scope = participants_in_scope(current_user)
    if current_user.role == Role.KEYWORKER:
        in_scope = in_scope.where(ParticipantProfile.keyworker_id == current_user.id)
    participants = in_scope.with_only_columns(User.id).scalar_subquery()
    steps = db.session.scalars(
        select(Step)
        .join(Step.goal)
        .join(Goal.plan)
        .join(Plan.participant)
        .where(
            Plan.participant_id.in_(participants),
            Step.removed_at.is_(None),
            Step.done_at.is_(None),
            Step.due_on <= week_end,
            Goal.removed_at.is_(None),
            Goal.status == GoalStatus.ACTIVE,
        )
        .options(
            contains_eager(Step.goal).contains_eager(Goal.plan).contains_eager(Plan.participant)
        )
        .order_by(Step.due_on, User.name)
    ).all()
    overdue = [s for s in steps if s.due_on < today]
    this_week = [s for s in steps if s.due_on >= today]
    return render_template(
        "plans/due_this_week.html",
        overdue=overdue,
        this_week=this_week,
        today=today,
        week_end=week_end,
    )
