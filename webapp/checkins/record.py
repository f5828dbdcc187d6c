"""What check-ins add to the service record: check-ins on the timeline, the wellbeing column and
flags on the caseload, check-ins as contact, distance travelled and engagement in the reports
(declared in ``webapp/checkins/area.py``). The caseload's columns are subqueries in the
caseload's one query; the other providers run one query each, whatever the number of people."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from webapp import clock
from webapp.caseload import facts
from webapp.caseload.facts import FactValue
from webapp.caseload.timeline import TimelineFilters, TimelineItem, newest_first
from webapp.checkins.journey import flags_for
from webapp.checkins.questions import CONFIDENCE_SCALES
from webapp.checkins.scoring import MEANINGFUL_CHANGE
from webapp.models import CheckIn, User
from webapp.reports.figures import ReportTable, Scope

# Fewer people than this measured twice are too few to compare groups (Warwick Medical School).
GROUP_MINIMUM = 30


def checkin_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    # Only what the timeline shows: whole check-ins are 25 columns each, 50 to a page.
    query = select(
        CheckIn.id,
        CheckIn.participant_id,
        CheckIn.recorded_at,
        CheckIn.swemwbs_metric,
        CheckIn.contact_me,
        CheckIn.note_shared,
        CheckIn.note,
    )
    query = newest_first(
        query, CheckIn.participant_id, CheckIn.recorded_at, CheckIn.id, ids, filters
    )
    items = []
    for checkin in session.execute(query):
        parts = []
        if checkin.contact_me:
            parts.append("Asked to be contacted.")
        if checkin.note_shared and checkin.note:
            parts.append(checkin.note)
        items.append(
            TimelineItem(
                when=checkin.recorded_at,
                kind="checkins",
                title=(
                    f"Check-in on {clock.show(checkin.recorded_at, 'day')}: "
                    f"wellbeing {wellbeing_words(checkin.swemwbs_metric)}"
                ),
                detail=" ".join(parts) or None,
                participant_id=checkin.participant_id,
                ref=("checkin", checkin.id),
            )
        )
    return items


class _Reading(NamedTuple):
    # A tuple, not a frozen dataclass: a manager's caseload makes two for each of 1,000 people.
    swemwbs_metric: float
    recorded_at: datetime | None
    contact_me: bool


_NEWEST_FIRST = [CheckIn.recorded_at.desc(), CheckIn.id.desc()]


def _newest(column, offset: int = 0):
    return facts.latest(
        column, CheckIn.participant_id == User.id, order_by=_NEWEST_FIRST, offset=offset
    )


def wellbeing_columns() -> dict[str, ColumnElement]:
    """The latest check-in and the score of the one before it."""
    return {
        "checkin_metric": _newest(CheckIn.swemwbs_metric),
        "checkin_at": _newest(CheckIn.recorded_at),
        "checkin_contact_me": _newest(CheckIn.contact_me),
        "checkin_previous_metric": _newest(CheckIn.swemwbs_metric, offset=1),
    }


def _readings(values: facts.Values) -> tuple[_Reading | None, _Reading | None]:
    if values["checkin_metric"] is None:
        return None, None
    latest = _Reading(
        float(values["checkin_metric"]), values["checkin_at"], bool(values["checkin_contact_me"])
    )
    previous = values["checkin_previous_metric"]
    # Only the score of the check-in before counts.
    before = None if previous is None else _Reading(float(previous), None, False)
    return latest, before


SWEMWBS_TOP = 35  # the highest wellbeing score (the metric runs from 7 to 35)


def wellbeing_words(metric: float) -> str:
    """'17 of 35': a wellbeing score as a whole number on its scale."""
    return f"{round(metric)} of {SWEMWBS_TOP}"


def present_wellbeing(values: facts.Values) -> FactValue | None:
    """The latest wellbeing score and which way it went since the check-in before."""
    latest, before = _readings(values)
    if latest is None:
        return None
    score = latest.swemwbs_metric
    change = None if before is None else round(score - before.swemwbs_metric, 2)
    if change is None:
        trend = "first check-in"
    elif abs(change) < MEANINGFUL_CHANGE:
        trend = "about the same"
    else:
        trend = f"{'up' if change > 0 else 'down'} {abs(round(change))}"
    return FactValue(
        text=f"{wellbeing_words(score)} ({trend})",
        sort=score,
        attention=change is not None and change <= -MEANINGFUL_CHANGE,
    )


def wellbeing_check(values: facts.Values) -> str | None:
    """A meaningful drop in wellbeing, or a check-in asking the keyworker to get in touch."""
    latest, before = _readings(values)
    found = flags_for(latest, before) if latest is not None else []
    return "; ".join(flag.message for flag in found) or None


def checkins_contact() -> ColumnElement:
    return facts.latest(CheckIn.recorded_at, CheckIn.participant_id == User.id)


def _in_period(scope: Scope):
    return (
        CheckIn.participant_id.in_(scope.participants),
        CheckIn.recorded_at >= scope.start,
        CheckIn.recorded_at < scope.end,
    )


MEASURES = [("swemwbs_metric", "Wellbeing (SWEMWBS metric)")] + [
    (scale.name, f"Confidence: {scale.text}") for scale in CONFIDENCE_SCALES
]


def distance_travelled(session: Session, scope: Scope) -> ReportTable:
    """First against latest check-in in the period, for people who checked in twice or more."""
    columns = [getattr(CheckIn, name) for name, _label in MEASURES]
    order = (CheckIn.recorded_at, CheckIn.id)
    first = func.row_number().over(partition_by=CheckIn.participant_id, order_by=order)
    last = func.row_number().over(
        partition_by=CheckIn.participant_id, order_by=[c.desc() for c in order]
    )
    ranked = (
        select(CheckIn.participant_id, *columns, first.label("first"), last.label("last"))
        .where(*_in_period(scope))
        .subquery()
    )
    rows = session.execute(
        select(ranked).where((ranked.c.first == 1) | (ranked.c.last == 1))
    ).mappings()
    firsts: dict[int, dict] = {}
    lasts: dict[int, dict] = {}
    for row in rows:
        if row["first"] == 1 and row["last"] == 1:
            continue  # only one check-in in the period: nothing travelled yet
        (firsts if row["first"] == 1 else lasts)[row["participant_id"]] = row
    people = sorted(firsts.keys() & lasts.keys())
    n = len(people)
    table_rows = []
    for name, label in MEASURES:
        if n:
            before = sum(float(firsts[p][name]) for p in people) / n
            after = sum(float(lasts[p][name]) for p in people) / n
            table_rows.append(
                (label, round(after - before, 1), round(before, 1), round(after, 1), n)
            )
        else:
            table_rows.append((label, 0, "-", "-", 0))
    note = f"{n} people checked in at least twice in the period (first and latest compared)."
    if n < GROUP_MINIMUM:
        note += (
            f" With n < {GROUP_MINIMUM}, treat these as individual journeys: group comparisons "
            f"need at least {GROUP_MINIMUM} people measured twice."
        )
    return ReportTable(
        "distance_travelled",
        "Distance travelled: wellbeing and confidence",
        ["Measure", "Average change", "First (average)", "Latest (average)", "People (n)"],
        table_rows,
        note=note,
    )


def checkins_engagement(scope: Scope) -> Select:
    return select(CheckIn.participant_id).where(*_in_period(scope))
