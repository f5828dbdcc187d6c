"""What the two sides agree to: a snapshot of the plan's words, and what changed since.

Plain functions on plain values: no database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from webapp.models import EventKind, Plan, PlanAgreement, Side, Step, StepOwner


def as_text(value) -> str | None:
    """A value as kept in a plan event or snapshot."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def owner_text(step: Step, new: dict | None = None) -> str:
    """An owner as kept in the history: the role, or the partner organisation's name."""
    owner = new["owner"] if new else step.owner
    partner = new["partner_name"] if new else step.partner_name
    if owner == StepOwner.PARTNER:
        return f"partner:{partner or ''}"
    return owner.value


def snapshot(plan: Plan) -> dict:
    """What both sides agree to: the goals and steps as they read now (not ticks or order)."""
    return {
        "goals": [
            {
                "id": goal.id,
                "title": goal.title,
                "area": goal.area.value,
                "why": goal.why,
                "status": goal.status.value,
                "steps": [
                    {
                        "id": step.id,
                        "text": step.text,
                        "owner": owner_text(step),
                        "due_on": as_text(step.due_on),
                    }
                    for step in goal.steps
                ],
            }
            for goal in plan.goals
        ]
    }


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots, shaped like a plan event without an actor."""

    kind: EventKind
    subject: str
    field: str | None = None
    before: str | None = None
    after: str | None = None


def diff(old: dict | None, new: dict) -> list[Change]:
    """What changed between two snapshots of a plan, goal by goal."""
    if not old:
        return []  # the agreed words were erased with the participant's record
    changes: list[Change] = []
    old_goals = {g["id"]: g for g in old["goals"]}
    new_goals = {g["id"]: g for g in new["goals"]}
    for goal_id, goal in new_goals.items():
        before = old_goals.get(goal_id)
        if before is None:
            changes.append(Change(EventKind.GOAL_ADDED, goal["title"]))
            changes.extend(Change(EventKind.STEP_ADDED, s["text"]) for s in goal["steps"])
            continue
        for field in ("title", "area", "why", "status"):
            if before[field] != goal[field]:
                changes.append(
                    Change(
                        EventKind.GOAL_CHANGED, before["title"], field, before[field], goal[field]
                    )
                )
        changes.extend(_diff_steps(before["steps"], goal["steps"]))
    for goal_id, goal in old_goals.items():
        if goal_id not in new_goals:
            changes.append(Change(EventKind.GOAL_REMOVED, goal["title"]))
    return changes


def _diff_steps(old: list[dict], new: list[dict]) -> list[Change]:
    changes = []
    old_steps = {s["id"]: s for s in old}
    new_ids = {s["id"] for s in new}
    for step in new:
        before = old_steps.get(step["id"])
        if before is None:
            changes.append(Change(EventKind.STEP_ADDED, step["text"]))
            continue
        for field in ("text", "owner", "due_on"):
            if before[field] != step[field]:
                changes.append(
                    Change(
                        EventKind.STEP_CHANGED, before["text"], field, before[field], step[field]
                    )
                )
    changes.extend(Change(EventKind.STEP_REMOVED, s["text"]) for s in old if s["id"] not in new_ids)
    return changes


@dataclass
class AgreementState:
    """Where agreement stands: the last agreed version, any request waiting, what changed."""

    revision: int
    agreed: PlanAgreement | None
    pending: PlanAgreement | None
    changes: list[Change]

    @property
    def is_agreed(self) -> bool:
        return self.agreed is not None and self.agreed.revision == self.revision

    @property
    def changed_since_agreed(self) -> bool:
        return self.agreed is not None and self.agreed.revision != self.revision

    def confirmed_by(self, side: Side) -> bool:
        return self.pending is not None and any(c.side == side for c in self.pending.confirmations)
