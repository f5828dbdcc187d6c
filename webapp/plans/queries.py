"""What the plan pages read: a goal or step someone may see, the whole plan in a fixed number
of queries, the next steps, the history, agreement, notices, and the steps due this week."""

from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from webapp.models import (
    Goal,
    GoalComment,
    GoalStatus,
    Notice,
    ParticipantProfile,
    Plan,
    PlanAgreement,
    PlanEvent,
    Role,
    Step,
    User,
)
from webapp.plans.agreement import AgreementState, diff, snapshot
from webapp.plans.history import HistoryLine, describe
from webapp.web.policy import can_see_participant, participants_in_scope

TODAY_STEPS = 3
TODAY_NOTICES = 2


def find_plan(session: Session, participant: User) -> Plan | None:
    """The participant's plan, or None before anything was added to it."""
    return session.scalar(select(Plan).where(Plan.participant_id == participant.id))


def load_plan(session: Session, participant: User) -> Plan | None:
    """The plan with its goals, steps, comments and documents in a fixed number of queries."""
    return session.scalar(
        select(Plan)
        .where(Plan.participant_id == participant.id)
        .options(
            selectinload(Plan.goals).options(
                selectinload(Goal.steps),
                selectinload(Goal.comments).joinedload(GoalComment.author),
                selectinload(Goal.documents),
            )
        )
    )


def goal_or_404(session: Session, goal_id: int, *, viewer: User) -> Goal:
    """A goal with its plan and participant, or 404 if it is missing or out of scope."""
    goal = session.scalar(
        select(Goal)
        .where(Goal.id == goal_id)
        .options(joinedload(Goal.plan).joinedload(Plan.participant))
    )
    if goal is None or not can_see_participant(viewer, goal.plan.participant):
        abort(404)
    return goal


def step_or_404(session: Session, step_id: int, *, viewer: User) -> Step:
    """A step with its goal, plan and participant, or 404 if missing or out of scope."""
    step = session.scalar(
        select(Step)
        .where(Step.id == step_id)
        .options(joinedload(Step.goal).joinedload(Goal.plan).joinedload(Plan.participant))
    )
    if step is None or not can_see_participant(viewer, step.goal.plan.participant):
        abort(404)
    return step


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


def history(
    session: Session, plan: Plan | None, *, viewer: User, participant: User, limit: int | None
) -> list[HistoryLine]:
    """The plan's events, newest first, as sentences told from the viewer's side."""
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
        describe(event, viewer=viewer, participant=participant) for event in session.scalars(query)
    ]


def agreement_state(session: Session, plan: Plan | None) -> AgreementState:
    """Agreed, waiting for one side, or changed since agreed (with the differences)."""
    if plan is None:
        return AgreementState(0, None, None, [])
    agreed = session.scalar(
        select(PlanAgreement)
        .where(PlanAgreement.plan_id == plan.id, PlanAgreement.agreed_at.is_not(None))
        .order_by(PlanAgreement.revision.desc())
        .limit(1)
    )
    pending = session.scalar(
        select(PlanAgreement)
        .where(
            PlanAgreement.plan_id == plan.id,
            PlanAgreement.revision == plan.revision,
            PlanAgreement.agreed_at.is_(None),
        )
        .options(selectinload(PlanAgreement.confirmations))
    )
    changes = []
    if agreed is not None and agreed.revision != plan.revision:
        changes = diff(agreed.snapshot, snapshot(plan))
    return AgreementState(plan.revision, agreed, pending, changes)


def unread_notifications(session: Session, user: User, plan: Plan | None = None) -> list[Notice]:
    """Someone's unread notices, newest first; only this plan's when given one."""
    query = select(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
    if plan is not None:
        query = query.where(Notice.plan_id == plan.id)
    return list(session.scalars(query.order_by(Notice.updated_at.desc())))


def steps_due_by(session: Session, viewer: User, week_end: date) -> list[Step]:
    """Steps not done, due by ``week_end``, for the people a member of staff works with."""
    in_scope = participants_in_scope(viewer)
    if viewer.role == Role.KEYWORKER:
        in_scope = in_scope.where(ParticipantProfile.keyworker_id == viewer.id)
    participants = in_scope.with_only_columns(User.id).scalar_subquery()
    return list(
        session.scalars(
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
        )
    )


def next_plan_steps(session: Session, participant_id: int, limit: int) -> list[tuple[Step, Goal]]:
    """The parent's next steps."""
    plan = session.scalar(
        select(Plan)
        .where(Plan.participant_id == participant_id)
        .options(selectinload(Plan.goals).selectinload(Goal.steps))
    )
    return next_steps(plan.goals if plan else [])[:limit]


def plan_notices(session: Session, user_id: int, limit: int = 20) -> list[Notice]:
    """The person's unread notices about plans, newest first."""
    return list(
        session.scalars(
            select(Notice)
            .where(Notice.user_id == user_id, Notice.plan_id.is_not(None), Notice.read_at.is_(None))
            .options(joinedload(Notice.plan).joinedload(Plan.participant))
            .order_by(Notice.updated_at.desc())
            .limit(limit)
        )
    )


def today_panel(session: Session, parent: User) -> dict:
    """The parent's next steps and newest notices, for their Today page."""
    return {
        "upcoming": next_plan_steps(session, parent.id, TODAY_STEPS),
        "notices": plan_notices(session, parent.id, TODAY_NOTICES),
    }
