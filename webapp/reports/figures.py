"""The figures managers report to the partnership board, per locality and period.

Each figure is a ``ReportTable``: a title, column names and rows, drawn as a chart beside its
table and downloadable as CSV. The service record's figures are here; each area declares its
sections (``ReportSection("sessions", sessions_held_and_attended)``) and what counts as
engagement in a period in its ``area.py``, and the report shows them in ``SECTION_ORDER``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, func, select, union
from sqlalchemy.orm import Session

from webapp import areas
from webapp.models import (
    PIPELINE_STAGES,
    ContractType,
    Note,
    Outcome,
    OutcomeKind,
    ParticipantProfile,
    PipelineStageChange,
    Referral,
    Role,
    User,
)
from webapp.reports.periods import Period


@dataclass(frozen=True)
class ReportTable:
    key: str
    title: str
    columns: list[str]
    rows: list[tuple]
    note: str | None = None
    chart: bool = True  # a bar chart of the first (label) and second (number) columns

    def measures(self) -> list[tuple[str, object]]:
        """Each number of the table as (measure, value), for the quarterly return."""
        pairs = []
        for row in self.rows:
            label, values = str(row[0]), row[1:]
            if len(values) == 1:
                pairs.append((label, values[0]))
            else:
                pairs.extend(
                    (f"{label}: {column}", value)
                    for column, value in zip(self.columns[1:], values, strict=True)
                )
        return pairs


@dataclass(frozen=True)
class Scope:
    """Whose figures: the localities and the period."""

    locality_ids: list[int]
    period: Period
    participants: Select = field(init=False, compare=False)

    def __post_init__(self):
        # An erased record counts in the periods it was part of, and in none after: its
        # stage, for one, would otherwise stay in "people by stage" for ever.
        erased_before = select(ParticipantProfile.user_id).where(
            ParticipantProfile.anonymised_at < self.period.start
        )
        query = select(User.id).where(
            User.role == Role.PARTICIPANT,
            User.locality_id.in_(self.locality_ids),
            User.id.not_in(erased_before),
        )
        object.__setattr__(self, "participants", query)

    @property
    def start(self) -> datetime:
        return self.period.start

    @property
    def end(self) -> datetime:
        return self.period.end


# --- What areas add to the report -------------------------------------------------------------


@dataclass(frozen=True)
class ReportSection:
    """One section of the report: its key (in its address and ``SECTION_ORDER``) and its
    figures, ``(session, scope) -> ReportTable``."""

    key: str
    compute: Callable[[Session, Scope], ReportTable] = field(compare=False)


# The sections in the order the board reads them; a section of another key comes after.
SECTION_ORDER = [
    "engagement",
    "sessions",
    "outcomes",
    "distance_travelled",
    "stages",
    "progressions",
    "job_entries",
    "in_work",
]

# Each gives a query of participant ids that had contact with the service in the scope's period.
EngagementQuery = Callable[[Scope], Select]


def notes_engagement(scope: Scope) -> Select:
    return select(Note.participant_id).where(
        Note.participant_id.in_(scope.participants),
        Note.created_at >= scope.start,
        Note.created_at < scope.end,
    )


def outcomes_engagement(scope: Scope) -> Select:
    return select(Outcome.participant_id).where(
        Outcome.participant_id.in_(scope.participants),
        Outcome.achieved_on >= scope.period.first,
        Outcome.achieved_on <= scope.period.last,
    )


def referrals_engagement(scope: Scope) -> Select:
    return select(Referral.participant_id).where(
        Referral.participant_id.in_(scope.participants),
        Referral.made_on >= scope.period.first,
        Referral.made_on <= scope.period.last,
    )


def stages_engagement(scope: Scope) -> Select:
    return select(PipelineStageChange.participant_id).where(
        PipelineStageChange.participant_id.in_(scope.participants),
        PipelineStageChange.changed_at >= scope.start,
        PipelineStageChange.changed_at < scope.end,
    )


# --- The service record's figures -------------------------------------------------------------


def engagement(session: Session, scope: Scope) -> ReportTable:
    queries = areas.current().engagement_queries
    engaged = union(*(query(scope) for query in queries)).subquery()
    people_engaged = session.scalar(select(func.count()).select_from(engaged))
    joined = session.scalar(
        select(func.count())
        .select_from(ParticipantProfile)
        .where(
            ParticipantProfile.user_id.in_(scope.participants),
            ParticipantProfile.consented_at >= scope.start,
            ParticipantProfile.consented_at < scope.end,
        )
    )
    return ReportTable(
        "engagement",
        "People engaged",
        ["Measure", "People"],
        [("People engaged", people_engaged), ("New people joining", joined)],
        note="Engaged: any recorded contact with the service in the period.",
    )


def outcomes_by_type(session: Session, scope: Scope) -> ReportTable:
    counts = {
        kind: (outcomes, people)
        for kind, outcomes, people in session.execute(
            select(Outcome.kind, func.count(), func.count(func.distinct(Outcome.participant_id)))
            .where(
                Outcome.participant_id.in_(scope.participants),
                Outcome.achieved_on >= scope.period.first,
                Outcome.achieved_on <= scope.period.last,
            )
            .group_by(Outcome.kind)
        )
    }
    return ReportTable(
        "outcomes",
        "Outcomes by type",
        ["Outcome", "Outcomes", "People"],
        [(kind.label, *counts.get(kind, (0, 0))) for kind in OutcomeKind],
    )


def stage_at_end(scope: Scope):
    """Each participant's pipeline stage at the end of the period, as a subquery."""
    latest = (
        select(func.max(PipelineStageChange.id).label("id"))
        .where(
            PipelineStageChange.participant_id.in_(scope.participants),
            PipelineStageChange.changed_at < scope.end,
        )
        .group_by(PipelineStageChange.participant_id)
        .subquery()
    )
    return (
        select(PipelineStageChange.participant_id, PipelineStageChange.stage)
        .join(latest, latest.c.id == PipelineStageChange.id)
        .subquery()
    )


def people_by_stage(session: Session, scope: Scope) -> ReportTable:
    stages = stage_at_end(scope)
    counts = dict(
        session.execute(select(stages.c.stage, func.count()).group_by(stages.c.stage)).all()
    )
    return ReportTable(
        "stages",
        "People by pipeline stage at the end of the period",
        ["Stage", "People"],
        [(f"{n}. {label}", counts.get(n, 0)) for n, label in PIPELINE_STAGES.items()],
    )


def progressions(session: Session, scope: Scope) -> ReportTable:
    rows = session.execute(
        select(PipelineStageChange.from_stage, PipelineStageChange.stage, func.count())
        .where(
            PipelineStageChange.participant_id.in_(scope.participants),
            PipelineStageChange.changed_at >= scope.start,
            PipelineStageChange.changed_at < scope.end,
            PipelineStageChange.from_stage.is_not(None),
            PipelineStageChange.stage > PipelineStageChange.from_stage,
        )
        .group_by(PipelineStageChange.from_stage, PipelineStageChange.stage)
        .order_by(PipelineStageChange.from_stage, PipelineStageChange.stage)
    ).all()
    return ReportTable(
        "progressions",
        "Progressions between stages",
        ["Progression", "People"],
        [(f"Stage {a} to stage {b}", n) for a, b, n in rows],
        note="Moves to a later stage in the period.",
    )


def job_entries(session: Session, scope: Scope) -> ReportTable:
    in_period = and_(
        Outcome.participant_id.in_(scope.participants),
        Outcome.kind == OutcomeKind.ENTERED_WORK,
        Outcome.achieved_on >= scope.period.first,
        Outcome.achieved_on <= scope.period.last,
    )
    by_contract = {
        contract: (count, hours)
        for contract, count, hours in session.execute(
            select(Outcome.contract_type, func.count(), func.avg(Outcome.hours_per_week))
            .where(in_period)
            .group_by(Outcome.contract_type)
        )
    }
    rows = []
    for contract in [*ContractType, None]:
        count, hours = by_contract.get(contract, (0, None))
        label = contract.label if contract else "Contract not given"
        rows.append((label, count, round(float(hours), 1) if hours is not None else ""))
    total = sum(r[1] for r in rows)
    rows.insert(0, ("All job entries", total, _average_hours(by_contract)))
    return ReportTable(
        "job_entries", "Job entries", ["Contract", "Job entries", "Average hours a week"], rows
    )


def _average_hours(by_contract) -> float | str:
    count = sum(c for c, h in by_contract.values() if h is not None)
    if not count:
        return ""
    weighted = sum(c * float(h) for c, h in by_contract.values() if h is not None)
    return round(weighted / count, 1)


def in_work_support(session: Session, scope: Scope) -> ReportTable:
    stages = stage_at_end(scope)
    supported = session.scalar(select(func.count()).select_from(stages).where(stages.c.stage == 5))
    progressed = session.scalar(
        select(func.count(func.distinct(Outcome.participant_id))).where(
            Outcome.participant_id.in_(scope.participants),
            Outcome.kind == OutcomeKind.IN_WORK_PROGRESSION,
            Outcome.achieved_on >= scope.period.first,
            Outcome.achieved_on <= scope.period.last,
        )
    )
    return ReportTable(
        "in_work",
        "In-work support",
        ["Measure", "People"],
        [("In in-work support (stage 5)", supported), ("Progressed in work", progressed)],
    )


def report_sections() -> list[ReportSection]:
    """Every area's sections, in ``SECTION_ORDER``."""
    order = {key: n for n, key in enumerate(SECTION_ORDER)}
    return sorted(areas.current().report_sections, key=lambda s: order.get(s.key, len(order)))


def build_report(session: Session, scope: Scope) -> list[ReportTable]:
    """Every section of the report for this scope."""
    return [section.compute(session, scope) for section in report_sections()]


def section_keys() -> list[str]:
    return [section.key for section in report_sections()]


def quarterly_return_rows(
    sections: Sequence[ReportTable], locality: str, period: Period
) -> list[tuple]:
    rows = []
    for section in sections:
        for measure, value in section.measures():
            rows.append((locality, period.key, section.title, measure, value))
    return rows
