"""One timeline of everything on a participant's record, newest first.

Each area contributes a *timeline source*: a function
``(session, participant_ids, filters) -> list[TimelineItem]`` that runs a constant number of
queries (usually one, limited to ``filters.limit`` rows), and the *moments* of those items:
``(participant_ids, filters) -> Select`` of one column, ``when``, one row per item the fetch
would give. Adding a source is one line::

    register_timeline_source("sessions", "Sessions", session_items, session_moments)

One query over every source's moments finds which kinds the newest ``filters.limit`` items
are, and how many of each; only those sources are then asked for their items. Most records
have no items of several kinds (no group places, no breaks), and each empty query cost as much
as a full one. A source without moments is always asked.

Sources for notes, referrals, outcomes, pipeline stages and pauses are registered at the end of
this module; plans, bookings and check-ins add theirs the same way, next to them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import ColumnElement, CompoundSelect, Select, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from webapp.models import (
    PIPELINE_STAGES,
    EngagementPause,
    Note,
    Outcome,
    PipelineStageChange,
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
TimelineMoments = Callable[[Sequence[int], TimelineFilters], Select | CompoundSelect]


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    label: str
    fetch: TimelineFetch = field(compare=False)
    moments: TimelineMoments | None = field(default=None, compare=False)


TIMELINE_SOURCES: list[TimelineSource] = []


def register_timeline_source(
    kind: str, label: str, fetch: TimelineFetch, moments: TimelineMoments | None = None
) -> None:
    """Add (or replace) the source of one kind of timeline item."""
    TIMELINE_SOURCES[:] = [s for s in TIMELINE_SOURCES if s.kind != kind]
    TIMELINE_SOURCES.append(TimelineSource(kind, label, fetch, moments))


def newest_first(
    query: Select, when: ColumnElement, filters: TimelineFilters, *tiebreak: ColumnElement
) -> Select:
    """A source's rows within the filters' window: before ``filters.before``, newest first, at
    most ``filters.limit``. Items and moments both go through it, so that they agree."""
    if filters.before is not None:
        query = query.where(when < filters.before)
    return query.order_by(when.desc(), *tiebreak).limit(filters.limit)


def moments_of(when: ColumnElement, filters: TimelineFilters, *conditions) -> Select:
    """The moments of a source whose items are one per row of a table."""
    return newest_first(select(when.label("when")).where(*conditions), when, filters)


def kinds_among_newest(
    session: Session,
    sources: Sequence[TimelineSource],
    ids: Sequence[int],
    filters: TimelineFilters,
) -> Counter[str]:
    """How many of the newest ``filters.limit`` items each source holds, in one query."""
    branches = []
    for source in sources:
        if source.moments is not None:
            moments = source.moments(ids, filters).subquery()
            branches.append(select(literal(source.kind).label("kind"), moments.c.when))
    if not branches:
        return Counter()
    newest = union_all(*branches).subquery()
    return Counter(
        session.scalars(select(newest.c.kind).order_by(newest.c.when.desc()).limit(filters.limit))
    )


def timeline_kinds() -> list[TimelineSource]:
    return list(TIMELINE_SOURCES)


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
    sources = [source for source in TIMELINE_SOURCES if filters.wants(source.kind)]
    shown = kinds_among_newest(session, sources, ids, filters)
    items: list[TimelineItem] = []
    for source in sources:
        limit = shown[source.kind] if source.moments is not None else filters.limit
        if limit:
            items.extend(source.fetch(session, ids, replace(filters, limit=limit)))
    items = [i for i in items if filters.include_staff_only or not i.staff_only]
    if filters.before is not None:
        items = [i for i in items if i.when < filters.before]
    items.sort(key=lambda i: i.when, reverse=True)
    return items[: filters.limit]


# --- The service record's own sources -------------------------------------------------------


def note_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    query = newest_first(
        select(Note, User.name)
        .outerjoin(User, User.id == Note.author_id)
        .where(*_notes_shown(ids, filters)),
        Note.created_at,
        filters,
        Note.id.desc(),
    )
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


def _notes_shown(ids: Sequence[int], filters: TimelineFilters) -> list[ColumnElement[bool]]:
    conditions = [Note.participant_id.in_(ids)]
    if not filters.include_staff_only:
        conditions.append(Note.staff_only.is_(False))
    return conditions


def note_moments(ids: Sequence[int], filters: TimelineFilters) -> Select:
    return moments_of(Note.created_at, filters, *_notes_shown(ids, filters))


def referral_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    query = newest_first(
        select(Referral, User.name)
        .outerjoin(User, User.id == Referral.made_by_id)
        .where(Referral.participant_id.in_(ids)),
        Referral.created_at,
        filters,
        Referral.id.desc(),
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
    query = newest_first(
        select(Outcome, User.name)
        .outerjoin(User, User.id == Outcome.recorded_by_id)
        .where(Outcome.participant_id.in_(ids)),
        Outcome.recorded_at,
        filters,
        Outcome.id.desc(),
    )
    items = []
    for outcome, by in session.execute(query):
        parts = [f"On {outcome.achieved_on:%-d %B %Y}"]
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
    query = newest_first(
        select(PipelineStageChange, User.name)
        .outerjoin(User, User.id == PipelineStageChange.changed_by_id)
        .where(PipelineStageChange.participant_id.in_(ids)),
        PipelineStageChange.changed_at,
        filters,
        PipelineStageChange.id.desc(),
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
        .where(EngagementPause.participant_id.in_(ids))
        .order_by(EngagementPause.paused_at.desc(), EngagementPause.id.desc())
        .limit(filters.limit)
    )
    if filters.before is not None:
        query = query.where(
            or_(
                EngagementPause.paused_at < filters.before,
                EngagementPause.resumed_at < filters.before,
            )
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


def pause_moments(ids: Sequence[int], filters: TimelineFilters) -> CompoundSelect:
    """Two items a break: when it was taken, and when it ended."""
    taken = moments_of(
        EngagementPause.paused_at, filters, EngagementPause.participant_id.in_(ids)
    ).subquery()
    ended = moments_of(
        EngagementPause.resumed_at,
        filters,
        EngagementPause.participant_id.in_(ids),
        EngagementPause.resumed_at.is_not(None),
    ).subquery()
    return union_all(select(taken.c.when), select(ended.c.when))


def _one_per_row(model, when: ColumnElement) -> TimelineMoments:
    def moments(ids: Sequence[int], filters: TimelineFilters) -> Select:
        return moments_of(when, filters, model.participant_id.in_(ids))

    return moments


register_timeline_source("notes", "Notes", note_items, note_moments)
register_timeline_source(
    "referrals", "Referrals", referral_items, _one_per_row(Referral, Referral.created_at)
)
register_timeline_source(
    "outcomes", "Outcomes", outcome_items, _one_per_row(Outcome, Outcome.recorded_at)
)
register_timeline_source(
    "stages",
    "Pipeline stage",
    stage_items,
    _one_per_row(PipelineStageChange, PipelineStageChange.changed_at),
)
register_timeline_source("pauses", "Breaks", pause_items, pause_moments)
