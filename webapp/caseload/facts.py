"""What the caseload shows about each person, and the flags that ask for a keyworker's attention.

A *caseload fact* is one column (next session, last contact, wellbeing trend, overdue steps,
stage). Its provider takes the list of participant ids and answers ``{id: FactValue}`` with one
query, whatever the number of people. A *flag* provider gets the people and the facts already
worked out, so it can usually answer without a query of its own. Areas add theirs with one line::

    register_caseload_fact("next_session", "Next session", next_session_facts)
    register_caseload_flag("wellbeing_drop", "Wellbeing dropped", wellbeing_drop_flags)

A column or flag whose area is not installed is simply not shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select, union_all
from sqlalchemy.orm import Session

from webapp.models import (
    PIPELINE_STAGES,
    Note,
    Outcome,
    ParticipantStatus,
    PipelineStageChange,
    User,
    UTCDateTime,
    utcnow,
)

NO_CONTACT_DAYS = 21


@dataclass(frozen=True)
class FactValue:
    """One cell of the caseload: what to show, what to sort by, and whether it needs a look."""

    text: str
    sort: Any = None
    raw: Any = None
    attention: bool = False


FactFetch = Callable[[Session, Sequence[int]], dict[int, FactValue]]
FlagFetch = Callable[[Session, dict[int, User], dict[str, dict[int, FactValue]]], dict[int, str]]


@dataclass(frozen=True)
class CaseloadFact:
    key: str
    label: str
    fetch: FactFetch = field(compare=False)


@dataclass(frozen=True)
class CaseloadFlag:
    key: str
    label: str
    fetch: FlagFetch = field(compare=False)


# The columns in the order a keyworker reads them; facts of other keys come after.
COLUMN_ORDER = ["next_session", "last_contact", "wellbeing", "overdue_steps", "stage"]

CASELOAD_FACTS: list[CaseloadFact] = []
CASELOAD_FLAGS: list[CaseloadFlag] = []


def register_caseload_fact(key: str, label: str, fetch: FactFetch) -> None:
    CASELOAD_FACTS[:] = [f for f in CASELOAD_FACTS if f.key != key]
    CASELOAD_FACTS.append(CaseloadFact(key, label, fetch))
    order = {key: i for i, key in enumerate(COLUMN_ORDER)}
    CASELOAD_FACTS.sort(key=lambda f: order.get(f.key, len(order)))


def register_caseload_flag(key: str, label: str, fetch: FlagFetch) -> None:
    CASELOAD_FLAGS[:] = [f for f in CASELOAD_FLAGS if f.key != key]
    CASELOAD_FLAGS.append(CaseloadFlag(key, label, fetch))


def gather_facts(session: Session, ids: Sequence[int]) -> dict[str, dict[int, FactValue]]:
    """Every registered fact for these people: one query per fact."""
    if not ids:
        return {fact.key: {} for fact in CASELOAD_FACTS}
    return {fact.key: fact.fetch(session, ids) for fact in CASELOAD_FACTS}


def gather_flags(
    session: Session, people: dict[int, User], facts: dict[str, dict[int, FactValue]]
) -> dict[int, list[str]]:
    """The reasons each person needs a look, by participant id."""
    flags: dict[int, list[str]] = {pid: [] for pid in people}
    for flag in CASELOAD_FLAGS:
        for pid, message in flag.fetch(session, people, facts).items():
            flags.setdefault(pid, []).append(message)
    return flags


# --- Last contact ------------------------------------------------------------------------------

# Each returns a query of (participant_id, at) rows counting as contact with the service, for
# ``ids`` (a list, or an expanding bind parameter). Bookings adds attended sessions here.
ContactQuery = Callable[[Sequence[int]], Select]


def staff_notes_contact(ids: Sequence[int]) -> Select:
    return select(Note.participant_id.label("participant_id"), Note.created_at.label("at")).where(
        Note.participant_id.in_(ids), Note.author_id != Note.participant_id
    )


def outcomes_contact(ids: Sequence[int]) -> Select:
    return select(
        Outcome.participant_id.label("participant_id"), Outcome.recorded_at.label("at")
    ).where(Outcome.participant_id.in_(ids))


CONTACT_QUERIES: list[ContactQuery] = [staff_notes_contact, outcomes_contact]


# Statements built once and run with a list of ids: building a union of several queries
# on every request costs more than running it.
IDS = bindparam("ids", expanding=True)


@cache
def _last_contact_statement(queries: tuple[ContactQuery, ...]) -> Select:
    union = union_all(*(query(IDS) for query in queries)).subquery()
    return select(union.c.participant_id, func.max(union.c.at)).group_by(union.c.participant_id)


def last_contacts(session: Session, ids: Sequence[int]) -> dict[int, datetime]:
    """The latest contact with each person, in one query over every kind of contact."""
    statement = _last_contact_statement(tuple(CONTACT_QUERIES))
    rows = session.execute(statement, {"ids": list(ids)})
    return {pid: _aware(at) for pid, at in rows}


def _aware(value):
    # max() over a union loses the column's type on SQLite: bring back a UTC-aware datetime.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return UTCDateTime().process_result_value(value, None)


def days_ago(moment: datetime, now: datetime) -> str:
    days = (now.date() - moment.date()).days
    if days <= 0:
        return "Today"
    if days == 1:
        return "Yesterday"
    if days < 14:
        return f"{days} days ago"
    return f"{days // 7} weeks ago"


def last_contact_facts(session: Session, ids: Sequence[int]) -> dict[int, FactValue]:
    now = utcnow()
    return {
        pid: FactValue(
            text=days_ago(at, now),
            sort=at,
            raw=at,
            attention=now - at > timedelta(days=NO_CONTACT_DAYS),
        )
        for pid, at in last_contacts(session, ids).items()
    }


# Every change for these people, oldest first: the last one per person is their stage. People
# have a handful of changes each, and this reads the (participant, time) index on every database.
STAGE_CHANGES = (
    select(PipelineStageChange.participant_id, PipelineStageChange.stage)
    .where(PipelineStageChange.participant_id.in_(IDS))
    .order_by(PipelineStageChange.changed_at, PipelineStageChange.id)
)


def stage_facts(session: Session, ids: Sequence[int]) -> dict[int, FactValue]:
    latest = dict(session.execute(STAGE_CHANGES, {"ids": list(ids)}).all())
    return {
        pid: FactValue(text=f"{stage}. {PIPELINE_STAGES[stage]}", sort=stage, raw=stage)
        for pid, stage in latest.items()
    }


def no_contact_flags(
    session: Session, people: dict[int, User], facts: dict[str, dict[int, FactValue]]
) -> dict[int, str]:
    """Active people not in contact for three weeks. Paused people are on a break, not lost."""
    now = utcnow()
    contacts = facts.get("last_contact", {})
    flagged = {}
    for pid, person in people.items():
        if person.profile.status != ParticipantStatus.ACTIVE:
            continue
        contact = contacts.get(pid)
        since = contact.raw if contact else (person.profile.consented_at or person.created_at)
        if now - since > timedelta(days=NO_CONTACT_DAYS):
            flagged[pid] = f"No contact for {NO_CONTACT_DAYS} days"
    return flagged


CONTACT_REQUESTS = (
    select(Note.participant_id, func.max(Note.created_at))
    .where(
        Note.participant_id.in_(IDS),
        Note.asks_for_contact.is_(True),
        Note.author_id == Note.participant_id,
    )
    .group_by(Note.participant_id)
)


def contact_request_flags(
    session: Session, people: dict[int, User], facts: dict[str, dict[int, FactValue]]
) -> dict[int, str]:
    """People who asked to be contacted and have not been since."""
    if not people:
        return {}
    rows = session.execute(CONTACT_REQUESTS, {"ids": list(people)})
    contacts = facts.get("last_contact", {})
    flagged = {}
    for pid, asked in rows:
        asked = _aware(asked)
        contact = contacts.get(pid)
        if contact is None or contact.raw < asked:
            flagged[pid] = "Asked to be contacted"
    return flagged


register_caseload_fact("last_contact", "Last contact", last_contact_facts)
register_caseload_fact("stage", "Stage", stage_facts)
register_caseload_flag("no_contact", "No contact for 21 days", no_contact_flags)
register_caseload_flag("contact_requested", "Asked to be contacted", contact_request_flags)


# --- Rows of the caseload page -----------------------------------------------------------------


@dataclass
class CaseloadRow:
    person: User
    facts: dict[str, FactValue | None]
    flags: list[str]


SORTS = {
    "attention": "Needs attention first",
    "name": "Name",
    "last_contact": "Longest since contact",
    "stage": "Pipeline stage",
}


def caseload_rows(session: Session, people: Sequence[User]) -> list[CaseloadRow]:
    """Each person with their facts and flags: one query per fact or flag, not per person."""
    by_id = {p.id: p for p in people}
    facts = gather_facts(session, list(by_id))
    flags = gather_flags(session, by_id, facts)
    return [
        CaseloadRow(
            person=person,
            facts={fact.key: facts[fact.key].get(person.id) for fact in CASELOAD_FACTS},
            flags=flags.get(person.id, []),
        )
        for person in people
    ]


def sort_rows(rows: list[CaseloadRow], sort: str) -> list[CaseloadRow]:
    def fact_sort(row: CaseloadRow, key: str):
        value = row.facts.get(key)
        return (value is None, value.sort if value is not None else 0)

    if sort == "name":
        return sorted(rows, key=lambda r: r.person.name.lower())
    if sort == "last_contact":
        # Never contacted first, then the longest ago.
        return sorted(
            rows,
            key=lambda r: (
                r.facts.get("last_contact") is not None,
                r.facts["last_contact"].sort if r.facts.get("last_contact") else 0,
                r.person.name.lower(),
            ),
        )
    if sort in {f.key for f in CASELOAD_FACTS}:
        return sorted(rows, key=lambda r: (fact_sort(r, sort), r.person.name.lower()))
    return sorted(rows, key=lambda r: (-len(r.flags), r.person.name.lower()))
