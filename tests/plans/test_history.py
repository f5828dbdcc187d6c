"""The history reads as sentences from the reader's side."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from webapp.models import PlanEvent, StepOwner
from webapp.plans import operations as ops
from webapp.plans.history import describe, format_day


def history(session, plan, viewer, participant):
    found = session.scalars(
        select(PlanEvent).where(PlanEvent.plan_id == plan.id).order_by(PlanEvent.id)
    )
    return [describe(e, viewer=viewer, participant=participant) for e in found]


def test_format_day_adds_the_year_only_when_it_differs():
    assert format_day(date(2026, 6, 12), today=date(2026, 1, 1)) == "Fri 12 June"
    assert format_day("2027-06-11", today=date(2026, 1, 1)) == "Fri 11 June 2027"


def test_history_is_told_from_each_side(session, cast):
    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(session, plan=plan, actor=cast.parent, title="Get a job", area="job-search")
    step = ops.add_step(session, goal=goal, actor=cast.parent, text="Update my CV")
    ops.edit_step(
        session,
        step=step,
        actor=cast.keyworker,
        version=step.version,
        text="Update my CV",
        owner=StepOwner.PARTNER,
        partner_name="Citizens Advice",
        due_on=date(2027, 6, 11),
    )
    for_parent = history(session, plan, cast.parent, cast.parent)
    assert [line.sentence for line in for_parent] == [
        "You added a goal",
        "You added a step",
        "Your keyworker changed who does a step to Citizens Advice",
        "Your keyworker set the due date to Fri 11 June 2027",
    ]
    assert for_parent[1].detail == "“Update my CV”"
    for_keyworker = history(session, plan, cast.keyworker, cast.parent)
    assert [line.sentence for line in for_keyworker][:2] == [
        "Aisha added a goal",
        "Aisha added a step",
    ]
    assert for_keyworker[3].sentence == "You set the due date to Fri 11 June 2027"


def test_moving_a_due_date_says_where_it_moved_to(session, cast):
    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(session, plan=plan, actor=cast.parent, title="Childcare", area="childcare")
    step = ops.add_step(
        session, goal=goal, actor=cast.parent, text="Visit the nursery", due_on=date(2026, 12, 1)
    )
    ops.edit_step(
        session,
        step=step,
        actor=cast.keyworker,
        version=step.version,
        text="Visit the nursery",
        owner=StepOwner.ME,
        due_on=date(2026, 12, 4),
    )
    last = history(session, plan, cast.parent, cast.parent)[-1]
    assert last.sentence == "Your keyworker moved the due date to Fri 4 December"


def test_agreement_reads_as_a_request_to_the_other_side(session, cast):
    plan = ops.plan_for(session, cast.parent)
    ops.add_goal(session, plan=plan, actor=cast.parent, title="Childcare", area="childcare")
    ops.agree(session, plan=plan, actor=cast.keyworker, revision=plan.revision)
    ops.agree(session, plan=plan, actor=cast.parent, revision=plan.revision)
    parent_view = [line.sentence for line in history(session, plan, cast.parent, cast.parent)]
    assert parent_view[-2:] == [
        "Your keyworker agreed the plan and asked you to agree it too",
        "You agreed the plan too, so it is agreed by both",
    ]
    keyworker_view = [line.sentence for line in history(session, plan, cast.keyworker, cast.parent)]
    assert keyworker_view[-2:] == [
        "You agreed the plan",
        "Aisha agreed the plan too, so it is agreed by both",
    ]
