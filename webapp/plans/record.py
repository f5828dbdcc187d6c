"""What plans add to the service record: plan events on the timeline and overdue steps on the
caseload. The caseload's columns are subqueries in the caseload's one query;
the other providers run one query each, whatever the number of people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased, joinedload

from webapp.caseload import facts
from webapp.caseload.facts import FactValue
from webapp.caseload.timeline import TimelineFilters, TimelineItem, newest_first
from webapp.models import Goal, Plan, PlanEvent, Step, User
from webapp.plans.history import describe

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
    )
    query = newest_first(
        query, Plan.participant_id, PlanEvent.created_at, PlanEvent.id, ids, filters
    )
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


def overdue_steps_columns() -> dict[str, ColumnElement]:
    """How many steps each person has not done by their due date."""
    return {
        "overdue_steps": select(func.count(Step.id))
        .join(Goal, Goal.id == Step.goal_id)
        .join(Plan, Plan.id == Goal.plan_id)
        .where(
            Plan.participant_id == User.id,
            Goal.removed_at.is_(None),
            Step.removed_at.is_(None),
            Step.done_at.is_(None),
            Step.due_on < facts.TODAY,
        )
        .scalar_subquery()
    }


def overdue_steps_check(values: facts.Values) -> str | None:
    count = values["overdue_steps"]
    if not count:
        return None
    return f"{count} {'step' if count == 1 else 'steps'} in their plan overdue"


def present_overdue_steps(values: facts.Values) -> FactValue | None:
    count = values["overdue_steps"]
    if not count:
        return None
    return FactValue(text=f"{count} overdue", sort=-count, attention=True)
