"""Demo plan for the demo parent: goals in her words, steps on both sides, some history."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Area, Locality, ParticipantProfile, StepOwner, User, london_today
from webapp.plans import operations as ops


def seed_demo_plan(session: Session, locality: Locality) -> None:
    """Aisha's plan, made with Ewan: agreed once, then changed a little since."""
    parent = session.scalar(select(User).where(User.email == "parent@example.org"))
    if parent is None or parent.locality_id != locality.id:
        return
    keyworker = session.get(ParticipantProfile, parent.id).keyworker
    today = london_today()
    plan = ops.plan_for(session, parent)

    confidence = ops.add_goal(
        session,
        plan=plan,
        actor=parent,
        title="Get my confidence back so I can go to interviews",
        area=Area.CONFIDENCE,
        why="I've been at home with the kids for five years and I feel rusty.",
    )
    ops.add_step(
        session,
        goal=confidence,
        actor=parent,
        text="Go to the Tuesday peer support group",
        owner=StepOwner.ME,
        due_on=today + timedelta(days=3),
    )
    cv = ops.add_step(
        session,
        goal=confidence,
        actor=keyworker,
        text="Write my CV together",
        owner=StepOwner.TOGETHER,
        due_on=today - timedelta(days=2),
    )
    childcare = ops.add_goal(
        session,
        plan=plan,
        actor=keyworker,
        title="Find childcare that fits a part-time job",
        area=Area.CHILDCARE,
        why="Amir starts nursery in January.",
    )
    ops.add_step(
        session,
        goal=childcare,
        actor=keyworker,
        text="Check funded nursery hours for Amir",
        owner=StepOwner.KEYWORKER,
        due_on=today + timedelta(days=5),
    )
    money = ops.add_goal(
        session,
        plan=plan,
        actor=parent,
        title="Know what I'd be better off in work",
        area=Area.MONEY,
    )
    ops.add_step(
        session,
        goal=money,
        actor=keyworker,
        text="Better-off calculation",
        owner=StepOwner.PARTNER,
        partner_name="Citizens Advice Scotland",
        due_on=today + timedelta(days=12),
    )
    ops.agree(session, plan=plan, actor=keyworker, revision=plan.revision)
    ops.agree(session, plan=plan, actor=parent, revision=plan.revision)
    for person in (parent, keyworker):
        ops.mark_read(session, person, plan)  # both saw the plan when they agreed it
    # Since agreeing: one step done, one new one, a due date moved.
    ops.set_step_done(session, step=cv, actor=parent, version=cv.version, done=True)
    ops.add_step(
        session,
        goal=confidence,
        actor=parent,
        text="Practise an interview with Ewan",
        owner=StepOwner.TOGETHER,
        due_on=today + timedelta(days=9),
    )
    ops.add_comment(
        session,
        goal=childcare,
        actor=parent,
        body="Could we look at the nursery near Gran's too?",
    )
