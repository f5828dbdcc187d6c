"""What the caseload shows about each person, and the flags that ask for a keyworker's attention.

A *caseload fact* is one column (next session, last contact, wellbeing trend, overdue steps,
stage). It gives SQL columns worked out for one person (correlated subqueries on ``User.id``)
and a ``present`` function that turns that person's values into what the cell shows. A *flag*
gives columns too, and a ``check`` that reads the person's values. The values hold the person's
own columns (such as ``status``), ``now``, and ``last_contact_at``, worked out once a row.

Every column of every fact and flag travels in the one query that lists the people, as plain
values rather than loaded objects, so the caseload costs the same number of queries for 10
people or 500, and each subquery reads a person's newest rows from an index rather than all
their history. Each area declares its facts, flags and kinds of contact in its ``area.py``
(``caseload_facts``, ``caseload_flags``, ``contact_columns``); the caseload's own are in
``webapp/caseload/area.py``.

Columns are named by the area (``checkin_metric``); a name given twice is one column,
so a fact and a flag reading the same thing share it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, cached_property
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Date, Select, bindparam, select, type_coerce
from sqlalchemy.orm import Session, aliased

from webapp import areas
from webapp.models import (
    PIPELINE_STAGES,
    Note,
    Outcome,
    ParticipantProfile,
    ParticipantStatus,
    PipelineStageChange,
    User,
    UTCDateTime,
    london_today,
    utcnow,
)

NO_CONTACT_DAYS = 21
NEW_PARENT_DAYS = 7  # a new parent never contacted is flagged after this

# The moment and the day the caseload is worked out for, bound when the query runs, so the
# columns can be built once.
NOW = bindparam("caseload_now", type_=UTCDateTime())
TODAY = bindparam("caseload_today", type_=Date())


class FactValue(NamedTuple):
    """One cell of the caseload: what to show, what to sort by, and whether it needs a look.
    (A tuple, not a frozen dataclass: the page makes a few hundred, and a frozen dataclass
    costs several times as much to make.)"""

    text: str
    sort: Any = None
    attention: bool = False


# Labelled SQL expressions, each worked out for the person in the outer query (``User.id``).
Columns = Callable[[], dict[str, ColumnElement]]
Values = Mapping[str, Any]


@dataclass(frozen=True)
class CaseloadFact:
    key: str
    label: str
    columns: Columns = field(compare=False)
    present: Callable[[Values], FactValue | None] = field(compare=False)


@dataclass(frozen=True)
class CaseloadFlag:
    key: str
    label: str
    columns: Columns = field(compare=False)
    check: Callable[[Values], str | None] = field(compare=False)


# The columns in the order a keyworker reads them; facts of other keys come after.
COLUMN_ORDER = ["next_session", "last_contact", "wellbeing", "overdue_steps", "stage"]


def caseload_facts() -> tuple[CaseloadFact, ...]:
    """The areas' caseload columns, in the order a keyworker reads them."""
    order = {key: i for i, key in enumerate(COLUMN_ORDER)}
    found = areas.current().caseload_facts
    return tuple(sorted(found, key=lambda f: order.get(f.key, len(order))))


def caseload_flags() -> tuple[CaseloadFlag, ...]:
    return areas.current().caseload_flags


def contact_columns() -> tuple[ContactColumn, ...]:
    return areas.current().contact_columns


def fact_columns() -> list[ColumnElement]:
    """Every column the areas' facts and flags need, each once, labelled by its name."""
    providers = tuple(p.columns for p in (*caseload_facts(), *caseload_flags()))
    return _columns(providers, contact_columns())


@cache
def _columns(providers: tuple[Columns, ...], _contacts: tuple) -> list[ColumnElement]:
    # Built once for each set of providers (and of kinds of contact, which the last-contact
    # columns read): building a few dozen subqueries costs more than running them.
    columns: dict[str, ColumnElement] = {}
    for provider in providers:
        for name, expression in provider().items():
            columns.setdefault(name, expression.label(name))
    return list(columns.values())


def latest(column, *where, order_by=None, offset: int = 0) -> ColumnElement:
    """The newest value of ``column`` among this person's rows (``where``), read backwards from
    the index on (participant, time)."""
    order_by = order_by or [column.desc()]
    return (
        select(column).where(*where).order_by(*order_by).limit(1).offset(offset).scalar_subquery()
    )


# --- Last contact ------------------------------------------------------------------------------

# Each gives the time of this person's latest contact of one kind, as a column: staff notes and
# outcomes (the caseload's own), attended sessions and groups, check-ins.
ContactColumn = Callable[[], ColumnElement]


def staff_notes_contact() -> ColumnElement:
    return latest(
        Note.created_at, Note.participant_id == User.id, Note.author_id != Note.participant_id
    )


def outcomes_contact() -> ColumnElement:
    return latest(Outcome.recorded_at, Outcome.participant_id == User.id)


def last_contact_columns() -> dict[str, ColumnElement]:
    return {f"contact_{n}": _as_moment(column()) for n, column in enumerate(contact_columns())}


def _as_moment(expression) -> ColumnElement:
    # A subquery's max() loses the column's type: say it is a UTC moment, so SQLite's text
    # comes back as an aware datetime.
    return type_coerce(expression, UTCDateTime())


def last_contact(values: Values) -> datetime | None:
    moments = [values[f"contact_{n}"] for n in range(len(contact_columns()))]
    return max((m for m in moments if m is not None), default=None)


def days_ago(moment: datetime, now: datetime) -> str:
    days = (now.date() - moment.date()).days
    if days <= 0:
        return "Today"
    if days == 1:
        return "Yesterday"
    if days < 14:
        return f"{days} days ago"
    return f"{days // 7} weeks ago"


def present_last_contact(values: Values) -> FactValue | None:
    at = values["last_contact_at"]
    if at is None:
        return None
    now = values["now"]
    return FactValue(
        text=days_ago(at, now),
        sort=at,
        attention=now - at > timedelta(days=NO_CONTACT_DAYS),
    )


def stage_columns() -> dict[str, ColumnElement]:
    return {
        "stage": latest(
            PipelineStageChange.stage,
            PipelineStageChange.participant_id == User.id,
            order_by=[PipelineStageChange.changed_at.desc(), PipelineStageChange.id.desc()],
        )
    }


def present_stage(values: Values) -> FactValue | None:
    stage = values["stage"]
    if stage is None:
        return None
    return FactValue(text=f"{stage}. {PIPELINE_STAGES[stage]}", sort=stage)


def no_contact_check(values: Values) -> str | None:
    """Active people not in contact for three weeks. Paused people are on a break, not lost."""
    if values["status"] != ParticipantStatus.ACTIVE or values["last_contact_at"] is None:
        return None  # never contacted: never_contacted_check says so
    if values["now"] - values["last_contact_at"] > timedelta(days=NO_CONTACT_DAYS):
        return f"No contact for {NO_CONTACT_DAYS} days"
    return None


def never_contacted_check(values: Values) -> str | None:
    """Active people the service has had no contact with at all (no session, staff note,
    outcome or check-in) a week after joining."""
    if values["status"] != ParticipantStatus.ACTIVE or values["last_contact_at"] is not None:
        return None
    days = (values["now"] - (values["consented_at"] or values["joined_at"])).days
    if days < NEW_PARENT_DAYS:
        return None
    return f"Never contacted: joined {days} days ago"


def contact_request_columns() -> dict[str, ColumnElement]:
    return {
        **last_contact_columns(),
        "contact_requested_at": latest(
            Note.created_at,
            Note.participant_id == User.id,
            Note.asks_for_contact.is_(True),
            Note.author_id == Note.participant_id,
        ),
    }


def contact_request_check(values: Values) -> str | None:
    """People who asked to be contacted and have not been since."""
    asked = values["contact_requested_at"]
    if asked is None:
        return None
    contact = values["last_contact_at"]
    if contact is None or contact < asked:
        return "Asked to be contacted"
    return None


# --- Rows of the caseload page -----------------------------------------------------------------


@dataclass
class CaseloadRow:
    """One person on the caseload: their values (from the one query), the flags raised, and
    the columns the caseload shows."""

    values: Values = field(repr=False)
    flags: list[str]
    columns: tuple[CaseloadFact, ...] = field(repr=False, default=())

    @property
    def participant_id(self) -> int:
        return self.values["participant_id"]

    @property
    def name(self) -> str:
        return self.values["name"]

    @property
    def status(self) -> ParticipantStatus:
        return self.values["status"]

    @property
    def keyworker_id(self) -> int | None:
        return self.values["keyworker_id"]

    @property
    def keyworker_name(self) -> str | None:
        return self.values.get("keyworker_name")

    @cached_property
    def facts(self) -> dict[str, FactValue | None]:
        # Worked out when asked for: a manager's caseload sorts a locality's 1,000 people by
        # their flags but shows the facts of only the 100 on the page.
        return {fact.key: fact.present(self.values) for fact in self.columns}


SORTS = {
    "attention": "Needs attention first",
    "name": "Name",
    "last_contact": "Longest since contact",
    "stage": "Pipeline stage",
}

_keyworker = aliased(User, name="keyworker")

# The person's own columns, beside the facts' (a flag may read them too).
PERSON_COLUMNS = (
    User.id.label("participant_id"),
    User.name.label("name"),
    User.created_at.label("joined_at"),
    ParticipantProfile.status.label("status"),
    ParticipantProfile.consented_at.label("consented_at"),
    ParticipantProfile.keyworker_id.label("keyworker_id"),
)


def caseload_rows(
    session: Session, people: Select[tuple[User]], *, with_keyworker: bool = False
) -> list[CaseloadRow]:
    """Each person the query finds (a query of users joined to their profiles), with their
    facts and flags, in that one query; ``with_keyworker`` adds each one's keyworker's name."""
    now = utcnow()
    columns = [*PERSON_COLUMNS, *fact_columns()]
    if with_keyworker:
        people = people.outerjoin(_keyworker, _keyworker.id == ParticipantProfile.keyworker_id)
        columns.append(_keyworker.name.label("keyworker_name"))
    # Plain rows, not loaded users: the page shows a few of each person's columns, and loading
    # fifty users and profiles into the session cost more than working out their facts.
    rows = session.execute(
        people.with_only_columns(*columns), {NOW.key: now, TODAY.key: london_today()}
    ).mappings()
    result = []
    checks = [flag.check for flag in caseload_flags()]
    columns = caseload_facts()
    for row in rows:
        values = {**row, "now": now}
        values["last_contact_at"] = last_contact(values)
        flags = [m for check in checks if (m := check(values)) is not None]
        result.append(CaseloadRow(values=values, flags=flags, columns=columns))
    return result


def sort_rows(rows: list[CaseloadRow], sort: str) -> list[CaseloadRow]:
    def fact_sort(row: CaseloadRow, key: str):
        value = row.facts.get(key)
        return (value is None, value.sort if value is not None else 0)

    if sort == "name":
        return sorted(rows, key=lambda r: r.name.lower())
    if sort == "last_contact":
        # Never contacted first, then the longest ago.
        return sorted(
            rows,
            key=lambda r: (
                r.facts.get("last_contact") is not None,
                r.facts["last_contact"].sort if r.facts.get("last_contact") else 0,
                r.name.lower(),
            ),
        )
    if sort in {f.key for f in caseload_facts()}:
        return sorted(rows, key=lambda r: (fact_sort(r, sort), r.name.lower()))
    return sorted(rows, key=lambda r: (-len(r.flags), r.name.lower()))
