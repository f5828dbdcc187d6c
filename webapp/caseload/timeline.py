"""One timeline of everything on a participant's record, newest first.

Each area contributes *timeline sources*: functions
``(session, participant_ids, filters) -> list[TimelineItem]`` that run a constant number of
queries (usually one, limited to ``filters.limit`` rows), declared in its ``area.py`` as
``TimelineSource("sessions", "Sessions", session_items)``. The sources for notes, referrals,
outcomes, pipeline stages, pauses and closings are here, declared in ``webapp/caseload/area.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session, aliased

from webapp import areas, clock
from webapp.models import (
    PIPELINE_STAGES,
    EngagementPause,
    Note,
    Outcome,
    PipelineStageChange,
    RecordClosure,
    Referral,
    User,
)


@dataclass(frozen=True)
class TimelineItem:
    """One thing that happened, ready to show."""

    when: datetime
    kind: str
    title: str
    detail: str | None = None
    url: str | None = None
    staff_only: bool = False
    by: str | None = None
    participant_id: int | None = None
    # (table, id) of the row behind the item, e.g. ("note", 12): lets views audit what was shown.
    ref: tuple[str, int] | None = None


@dataclass(frozen=True)
class TimelineFilters:
    kinds: frozenset[str] | None = None  # None: every kind
    include_staff_only: bool = False
    before: datetime | None = None
    limit: int = 50

    def wants(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


TimelineFetch = Callable[[Session, Sequence[int], TimelineFilters], list[TimelineItem]]


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    label: str
    fetch: TimelineFetch = field(compare=False)


def timeline_kinds() -> tuple[TimelineSource, ...]:
    """Every kind of item on the timeline, from every area."""
    return areas.current().timeline_sources


def participant_ids_of(who: User | int | Iterable[int]) -> list[int]:
    if isinstance(who, User):
        return [who.id]
    if isinstance(who, int):
        return [who]
    return list(who)


def build_timeline(
    session: Session, who: User | int | Iterable[int], filters: TimelineFilters | None = None
) -> list[TimelineItem]:
    """Items from every wanted source, newest first, at most ``filters.limit`` of them."""
    filters = filters or TimelineFilters()
    ids = participant_ids_of(who)
    items: list[TimelineItem] = []
    for source in timeline_kinds():
        if filters.wants(source.kind):
            items.extend(source.fetch(session, ids, filters))
    items = [i for i in items if filters.include_staff_only or not i.staff_only]
    if filters.before is not None:
        items = [i for i in items if i.when < filters.before]
    items.sort(key=lambda i: i.when, reverse=True)
    return items[: filters.limit]


# --- The service record's own sources -------------------------------------------------------


def newest_first(
    query: Select,
    participant: ColumnElement,
    when: ColumnElement,
    tiebreak: ColumnElement,
    ids: Sequence[int],
    filters: TimelineFilters,
    *,
    or_before: ColumnElement | None = None,
) -> Select:
    """A source's query narrowed to the timeline's page: these participants' rows, newest
    first, at most a page of them, and (after the first page) only those from before it;
    ``or_before`` is a second moment a row shows at (a break's end, a reopening)."""
    query = (
        query.where(participant.in_(ids))
        .order_by(when.desc(), tiebreak.desc())
        .limit(filters.limit)
    )
    if filters.before is None:
        return query
    earlier = when < filters.before
    if or_before is not None:
        earlier = or_(earlier, or_before < filters.before)
    return query.where(earlier)


def note_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    query = select(Note, User.name).outerjoin(User, User.id == Note.author_id)
    query = newest_first(query, Note.participant_id, Note.created_at, Note.id, ids, filters)
    if not filters.include_staff_only:
        query = query.where(Note.staff_only.is_(False))
    items = []
    for note, author in session.execute(query):
        if note.author_id == note.participant_id:
            title = "Asked to be contacted" if note.asks_for_contact else "Message from the parent"
        else:
            title = "Staff-only note" if note.staff_only else "Note"
        items.append(
            TimelineItem(
                when=note.created_at,
                kind="notes",
                title=title,
                detail=note.body,
                staff_only=note.staff_only,
                by=author,
                participant_id=note.participant_id,
                ref=("note", note.id),
            )
        )
    return items


def referral_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    query = select(Referral, User.name).outerjoin(User, User.id == Referral.made_by_id)
    query = newest_first(
        query, Referral.participant_id, Referral.created_at, Referral.id, ids, filters
    )
    return [
        TimelineItem(
            when=referral.created_at,
            kind="referrals",
            title=f"Referred to {referral.organisation}",
            detail=f"{referral.kind.label}. Status: {referral.status.label}.",
            by=by,
            participant_id=referral.participant_id,
            ref=("referral", referral.id),
        )
        for referral, by in session.execute(query)
    ]


def outcome_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    query = select(Outcome, User.name).outerjoin(User, User.id == Outcome.recorded_by_id)
    query = newest_first(
        query, Outcome.participant_id, Outcome.recorded_at, Outcome.id, ids, filters
    )
    items = []
    for outcome, by in session.execute(query):
        parts = [f"On {clock.show(outcome.achieved_on, 'date')}"]
        if outcome.hours_per_week:
            parts.append(f"{outcome.hours_per_week} hours a week")
        if outcome.contract_type:
            parts.append(outcome.contract_type.label.lower())
        if outcome.detail:
            parts.append(outcome.detail)
        items.append(
            TimelineItem(
                when=outcome.recorded_at,
                kind="outcomes",
                title=outcome.kind.label,
                detail=", ".join(parts) + ".",
                by=by,
                participant_id=outcome.participant_id,
                ref=("outcome", outcome.id),
            )
        )
    return items


def stage_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    query = select(PipelineStageChange, User.name).outerjoin(
        User, User.id == PipelineStageChange.changed_by_id
    )
    query = newest_first(
        query,
        PipelineStageChange.participant_id,
        PipelineStageChange.changed_at,
        PipelineStageChange.id,
        ids,
        filters,
    )
    return [
        TimelineItem(
            when=change.changed_at,
            kind="stages",
            title=f"Stage {change.stage}: {PIPELINE_STAGES[change.stage]}",
            detail=(
                f"Moved from stage {change.from_stage}."
                if change.from_stage
                else "First stage set."
            ),
            by=by,
            participant_id=change.participant_id,
            ref=("stage", change.id),
        )
        for change, by in session.execute(query)
    ]


_PAUSED_BY = aliased(User, name="paused_by")
_RESUMED_BY = aliased(User, name="resumed_by")


def pause_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    query = (
        select(EngagementPause, _PAUSED_BY.name, _RESUMED_BY.name)
        .outerjoin(_PAUSED_BY, _PAUSED_BY.id == EngagementPause.paused_by_id)
        .outerjoin(_RESUMED_BY, _RESUMED_BY.id == EngagementPause.resumed_by_id)
    )
    query = newest_first(
        query,
        EngagementPause.participant_id,
        EngagementPause.paused_at,
        EngagementPause.id,
        ids,
        filters,
        or_before=EngagementPause.resumed_at,
    )
    items = []
    for pause, paused_name, resumed_name in session.execute(query):
        items.append(
            TimelineItem(
                when=pause.paused_at,
                kind="pauses",
                title="Took a break",
                detail=f"Reason: {pause.reason.label}.",
                by=paused_name,
                participant_id=pause.participant_id,
                ref=("pause", pause.id),
            )
        )
        if pause.resumed_at is not None:
            items.append(
                TimelineItem(
                    when=pause.resumed_at,
                    kind="pauses",
                    title="Picked up again",
                    by=resumed_name,
                    participant_id=pause.participant_id,
                    ref=("pause", pause.id),
                )
            )
    return items


_CLOSED_BY = aliased(User, name="closed_by")
_REOPENED_BY = aliased(User, name="reopened_by")


def closure_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    """ "Closed on 3 March 2027: Moved away", and "Reopened" when it was."""
    query = (
        select(RecordClosure, _CLOSED_BY.name, _REOPENED_BY.name)
        .outerjoin(_CLOSED_BY, _CLOSED_BY.id == RecordClosure.closed_by_id)
        .outerjoin(_REOPENED_BY, _REOPENED_BY.id == RecordClosure.reopened_by_id)
    )
    query = newest_first(
        query,
        RecordClosure.participant_id,
        RecordClosure.closed_at,
        RecordClosure.id,
        ids,
        filters,
        or_before=RecordClosure.reopened_at,
    )
    items = []
    for closure, closed_name, reopened_name in session.execute(query):
        items.append(
            TimelineItem(
                when=closure.closed_at,
                kind="closures",
                title=f"Closed on {clock.show(closure.closed_at, 'date')}: {closure.reason_text}",
                by=closed_name,
                participant_id=closure.participant_id,
                ref=("closure", closure.id),
            )
        )
        if closure.reopened_at is not None:
            items.append(
                TimelineItem(
                    when=closure.reopened_at,
                    kind="closures",
                    title="Reopened",
                    by=reopened_name,
                    participant_id=closure.participant_id,
                    ref=("closure", closure.id),
                )
            )
    return items
