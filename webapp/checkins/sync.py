"""Merging check-ins sent from a phone's outbox into the service record.

Each entry carries the UUID the phone gave it. Storing is idempotent by that UUID: an entry
sent again is "already had", the same UUID with different content is a "conflict" and never
overwrites, and one bad entry is "rejected" with its reasons without holding up the rest.
Inserts use ON CONFLICT DO NOTHING, so the same batch arriving on several connections at once
still stores each entry exactly once.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from webapp.checkins import scoring
from webapp.checkins.questions import ANSWER_FIELDS, NOTE_MAX_LENGTH
from webapp.models import CheckIn, as_utc, utcnow

STORED = "stored"
ALREADY_HAD = "already_had"
CONFLICT = "conflict"
REJECTED = "rejected"
# The HTTP status each outcome would have had on its own.
STATUS_CODES = {STORED: 201, ALREADY_HAD: 200, CONFLICT: 409, REJECTED: 422}

MAX_BATCH = 1000
# Phones' clocks drift, but not by days; nothing is kept on a phone for over a year.
CLOCK_SKEW = timedelta(days=1)
OLDEST = timedelta(days=366)
CHUNK = 300  # rows per statement: well inside SQLite's limit on bound parameters

CONTENT_FIELDS = (*ANSWER_FIELDS, "note", "note_shared", "contact_me", "recorded_at")


@dataclass
class Outcome:
    """What happened to one entry of a batch."""

    uuid: str | None
    status: str
    reason: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "uuid": self.uuid,
            "status": self.status,
            "code": STATUS_CODES[self.status],
        }
        if self.reason:
            answer["reason"] = self.reason
        if self.errors:
            answer["errors"] = self.errors
        return answer


@dataclass
class Entry:
    """A check-in that passed validation, ready to store."""

    uuid: uuid_module.UUID
    values: dict[str, Any]


def parse_recorded_at(value: Any, now: datetime) -> tuple[datetime | None, str | None]:
    """The phone's timestamp as a UTC datetime, or a reason it can't be used."""
    if not isinstance(value, str) or not value.strip():
        return None, "Say when the check-in was recorded (an ISO 8601 time with a time zone)."
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None, "The time recorded is not a date and time we can read."
    if moment.tzinfo is None:
        return None, "The time recorded needs a time zone, such as Z for UTC."
    moment = as_utc(moment)
    if moment is None:
        return None, "The time recorded is not a date and time we can read."
    if moment > now + CLOCK_SKEW:
        return None, "The time recorded is in the future: check the phone's date."
    if moment < now - OLDEST:
        return None, "The time recorded is more than a year ago."
    return moment, None


def _flag(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return bool(value)
    return None


def clean_entry(
    data: Any, participant_id: int, now: datetime
) -> tuple[Entry | None, Outcome | None]:
    """Validate one entry on its own: a storable Entry, or a rejected Outcome naming why."""
    if not isinstance(data, dict):
        return None, Outcome(None, REJECTED, "Each check-in must be a JSON object.")
    raw_uuid = data.get("uuid")
    try:
        entry_uuid = uuid_module.UUID(str(raw_uuid)) if isinstance(raw_uuid, str) else None
    except ValueError:
        entry_uuid = None
    label = raw_uuid if isinstance(raw_uuid, str) else None
    if entry_uuid is None:
        return None, Outcome(label, REJECTED, "Each check-in needs a UUID made by the phone.")

    answers, errors = scoring.check_answers(data)
    recorded_at, problem = parse_recorded_at(data.get("recorded_at"), now)
    if problem:
        errors["recorded_at"] = problem
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        errors["note"] = "The note must be text."
    elif note and len(note.strip()) > NOTE_MAX_LENGTH:
        errors["note"] = f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer."
    flags = {name: _flag(data.get(name)) for name in ("note_shared", "contact_me")}
    for name, value in flags.items():
        if value is None:
            errors[name] = "Answer yes (true) or no (false)."
    if errors:
        reason = "Some answers are missing or not right: " + ", ".join(sorted(errors)) + "."
        return None, Outcome(label, REJECTED, reason, errors)

    note = (note or "").strip() or None
    raw = scoring.raw_score(answers)
    values = {
        **answers,
        "uuid": entry_uuid,
        "participant_id": participant_id,
        "recorded_at": recorded_at,
        "received_at": now,
        "swemwbs_raw": raw,
        "swemwbs_metric": float(scoring.metric_score(raw)),
        "note": note,
        # A note that isn't there can't be shared.
        "note_shared": bool(flags["note_shared"] and note),
        "contact_me": bool(flags["contact_me"]),
    }
    return Entry(entry_uuid, values), None


def _insert_statement(session: Session, table):
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=["uuid"])


def _existing(session: Session, table, uuids: Iterable) -> dict[Any, Any]:
    found = {}
    uuids = list(uuids)
    for start in range(0, len(uuids), CHUNK):
        rows = session.execute(
            select(table).where(table.c.uuid.in_(uuids[start : start + CHUNK]))
        ).all()
        found.update({row.uuid: row for row in rows})
    return found


def _conflict(entry: Entry) -> Outcome:
    # Also the answer when the UUID is someone else's: it says nothing about their entry.
    return Outcome(
        str(entry.uuid),
        CONFLICT,
        "We already have a different entry with this UUID; it was not changed.",
    )


def _settle(stored: Any, entry: Entry, content_fields: tuple[str, ...]) -> Outcome:
    """Compare an entry with what is already stored under its UUID."""
    same = stored.participant_id == entry.values["participant_id"] and all(
        getattr(stored, name) == entry.values[name] for name in content_fields
    )
    return Outcome(str(entry.uuid), ALREADY_HAD) if same else _conflict(entry)


def merge_entries(
    session: Session,
    table,
    content_fields: tuple[str, ...],
    cleaned: list[tuple[Entry | None, Outcome | None]],
) -> list[Outcome]:
    """Store cleaned outbox entries in ``table`` once each by UUID; one Outcome per entry.

    Shared by every kind of entry a phone's outbox sends (check-ins, messages): the rules of
    "already had", "conflict" and concurrent batches are the same for all of them."""
    outcomes: list[Outcome | None] = [None] * len(cleaned)
    # Each UUID is stored from its first entry; later copies in the batch are settled against it.
    first: dict[Any, Entry] = {}
    positions: dict[Any, list[tuple[int, Entry]]] = {}
    for position, (entry, rejected) in enumerate(cleaned):
        if rejected is not None:
            outcomes[position] = rejected
            continue
        first.setdefault(entry.uuid, entry)
        positions.setdefault(entry.uuid, []).append((position, entry))

    existing = _existing(session, table, first)
    # Inserting in UUID order means concurrent batches take their locks in the same order, so
    # two phones' copies of one outbox can't deadlock each other on PostgreSQL.
    to_insert = sorted(
        (entry for uid, entry in first.items() if uid not in existing), key=lambda e: e.uuid
    )
    inserted: set = set()
    statement = _insert_statement(session, table).returning(table.c.uuid)
    for start in range(0, len(to_insert), CHUNK):
        rows = [entry.values for entry in to_insert[start : start + CHUNK]]
        inserted.update(session.execute(statement, rows).scalars())
    # Entries another request stored between our look-up and our insert.
    raced = [entry.uuid for entry in to_insert if entry.uuid not in inserted]
    if raced:
        existing.update(_existing(session, table, raced))

    for uid, copies in positions.items():
        for n, (position, entry) in enumerate(copies):
            if uid in inserted:
                stored = first[uid].values
                same = all(entry.values[k] == stored[k] for k in content_fields)
                if n == 0:
                    outcomes[position] = Outcome(str(uid), STORED)
                else:
                    outcomes[position] = (
                        Outcome(str(uid), ALREADY_HAD) if same else _conflict(entry)
                    )
            else:
                outcomes[position] = _settle(existing[uid], entry, content_fields)
    return outcomes  # type: ignore[return-value]


def merge_checkins(
    session: Session, participant_id: int, batch: list[Any], now: datetime | None = None
) -> list[Outcome]:
    """Store a batch of check-ins for one participant; one Outcome per entry, in order."""
    now = now or utcnow()
    cleaned = [clean_entry(data, participant_id, now) for data in batch]
    return merge_entries(session, CheckIn.__table__, CONTENT_FIELDS, cleaned)


def store_from_form(session: Session, participant_id: int, data: dict[str, Any]) -> Outcome:
    """Store a check-in posted by the form (no JavaScript), timed by the server's clock.

    Sending the same page twice stores it once. Changed answers sent from the same page are a
    new check-in: the parent meant them, and nothing is ever overwritten.
    """
    try:
        uuid_module.UUID(str(data.get("uuid")))
    except ValueError:
        data = data | {"uuid": str(uuid_module.uuid4())}
    data = data | {"recorded_at": utcnow().isoformat()}
    outcome = merge_checkins(session, participant_id, [data])[0]
    if outcome.status != CONFLICT:
        return outcome
    stored = _existing(session, CheckIn.__table__, [uuid_module.UUID(data["uuid"])]).popitem()[1]
    entry, _ = clean_entry(data, participant_id, utcnow())
    unchanged = stored.participant_id == participant_id and all(
        getattr(stored, name) == entry.values[name]
        for name in CONTENT_FIELDS
        if name != "recorded_at"
    )
    if unchanged:
        return Outcome(data["uuid"], ALREADY_HAD)
    return merge_checkins(session, participant_id, [data | {"uuid": str(uuid_module.uuid4())}])[0]
