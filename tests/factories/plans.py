"""Plans, goals and steps, made through the plans operations (only flushed)."""

from __future__ import annotations

from webapp.models import Goal, Plan, Step, User
from webapp.plans import operations


def make_plan(session, *, participant: User) -> Plan:
    """The participant's plan."""
    plan = operations.plan_for(session, participant)
    session.flush()
    return plan


def make_goal(
    session, *, plan: Plan, actor: User, title: str = "Find work", area: str = "work", why: str = ""
) -> Goal:
    """A goal at the end of a plan."""
    return operations.add_goal(session, plan=plan, actor=actor, title=title, area=area, why=why)


def make_step(session, *, goal: Goal, actor: User, text: str = "Update my CV", **kwargs) -> Step:
    """A step at the end of a goal."""
    return operations.add_step(session, goal=goal, actor=actor, text=text, **kwargs)
