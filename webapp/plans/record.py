"""What plans add to the service record: plan events on the timeline and overdue steps on the
caseload. Each provider runs one query, whatever the number of people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, joinedload

from webapp.caseload.facts import FactValue, register_caseload_fact
from webapp.caseload.timeline import TimelineFilters, TimelineItem, register_timeline_source
from webapp.models import Goal, Plan, PlanEvent, Step, User
from webapp.plans.history import describe, london_today

_PARTICIPANT = aliased(User, name="plan_participant")


class _StaffReader:
    """The record is read by staff: events are told with people's names, never "You"."""

    id = None


def plan_event_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    query = (
        select(PlanEvent, _PARTICIPANT)
        .join(Plan, Plan.id == PlanEvent.plan_id)
        .join(_PARTICIPANT, _PARTICIPANT.id == Plan.participant_id)
        .options(joinedload(PlanEvent.actor), joinedload(_PARTICIPANT.profile))
        .where(Plan.participant_id.in_(ids))
        .order_by(PlanEvent.created_at.desc(), PlanEvent.id.desc())
        .limit(filters.limit)
    )
    if filters.before is not None:
        query = query.where(PlanEvent.created_at < filters.before)
    items = []
    for event, participant in session.execute(query).unique():
        line = describe(event, viewer=_StaffReader(), participant=participant)
        items.append(
            TimelineItem(
                when=event.created_at,
                kind="plan",
                title=line.sentence,
                detail=line.detail or None,
                by=event.actor.name,
                participant_id=participant.id,
                ref=("plan_event", event.id),
            )
        )
    return items


def overdue_steps_facts(session: Session, ids: Sequence[int]) -> dict[int, FactValue]:
    """How many steps each person has not done by their due date."""
    rows = session.execute(
        select(Plan.participant_id, func.count(Step.id))
        .join(Goal, Goal.plan_id == Plan.id)
        .join(Step, Step.goal_id == Goal.id)
        .where(
            Plan.participant_id.in_(ids),
            Goal.removed_at.is_(None),
            Step.removed_at.is_(None),
            Step.done_at.is_(None),
            Step.due_on < london_today(),
        )
        .group_by(Plan.participant_id)
    )
    return {
        pid: FactValue(text=f"{count} overdue", sort=-count, raw=count, attention=True)
        for pid, count in rows
    }


def register() -> None:
    register_timeline_source("plan", "Plan", plan_event_items)
    register_caseload_fact("overdue_steps", "Overdue steps", overdue_steps_facts)
