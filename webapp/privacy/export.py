"""Everything CoPlan holds about one participant, found by walking the schema's foreign keys.

Starting from the participant's row in ``users``, every row of every table that refers to a
row already found is found too, and so on until nothing new turns up. A table added later is
included without anyone remembering to add it here."""

from __future__ import annotations

import csv
import enum
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from webapp.models import Base

# Secrets that are about the account, not the person: shown as hidden, never exported. A push
# subscription's endpoint and keys let whoever holds them send to the phone.
HIDDEN_COLUMNS = {
    "password_hash",
    "session_token",
    "token_hash",
    "code_hash",
    "secret",
    "endpoint",
    "p256dh_key",
    "auth_secret",
}


@dataclass
class PersonalData:
    """Rows per table, each row a dict of column name to value; files (a document's content)
    by the name they have in the zip download, the row naming it instead of holding it."""

    participant_id: int
    tables: dict[str, list[dict]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)

    def row_count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def _single_primary_key(table: Table):
    columns = list(table.primary_key.columns)
    return columns[0] if len(columns) == 1 else None


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    return value


def collect(session: Session, participant_id: int) -> PersonalData:
    """Find every row that refers, directly or through other rows, to the participant."""
    metadata = Base.metadata
    users = metadata.tables["users"]
    found_keys: dict[str, set] = {"users": {participant_id}}
    frontier: dict[str, set] = {"users": {participant_id}}
    data = PersonalData(participant_id)
    data.tables["users"] = [
        dict(row._mapping)
        for row in session.execute(select(users).where(users.c.id == participant_id))
    ]
    while frontier:
        discovered: dict[str, set] = {}
        for table in metadata.sorted_tables:
            for foreign_key in table.foreign_keys:
                target = foreign_key.column.table.name
                if target not in frontier or not foreign_key.column.primary_key:
                    continue
                rows = session.execute(
                    select(table).where(foreign_key.parent.in_(frontier[target]))
                ).all()
                key_column = _single_primary_key(table)
                for row in rows:
                    mapping = dict(row._mapping)
                    key = (
                        mapping[key_column.name]
                        if key_column is not None
                        else tuple(mapping[c.name] for c in table.primary_key.columns)
                    )
                    if key in found_keys.setdefault(table.name, set()):
                        continue
                    found_keys[table.name].add(key)
                    data.tables.setdefault(table.name, []).append(mapping)
                    discovered.setdefault(table.name, set()).add(key)
        frontier = discovered
    for table_name, rows in data.tables.items():
        for row in rows:
            for name in list(row):
                if isinstance(row[name], bytes):
                    row[name] = _file_in_zip(data, table_name, row, row[name])
                else:
                    row[name] = "(hidden)" if name in HIDDEN_COLUMNS else _plain(row[name])
    return data


def _file_in_zip(data: PersonalData, table_name: str, row: dict, content: bytes) -> str:
    """Keep a file for the zip download, and say in the row where it is."""
    name = f"files/{table_name}/{row.get('id')}-{row.get('filename') or 'file'}"
    data.files[name] = content
    return f"The file itself ({len(content):,} bytes): {name} in the zip download"


# Rows kept from the participant's own copy: staff-only notes are for staff (the participant
# can still see, under "who has looked", that a staff note was read).
WITHHELD_FROM_PARTICIPANT = {"notes": lambda row: bool(row.get("staff_only"))}


def withhold_from_participant(data: PersonalData) -> PersonalData:
    """The data without the rows that are never shown to the participant."""
    for table, withheld in WITHHELD_FROM_PARTICIPANT.items():
        if table in data.tables:
            data.tables[table] = [row for row in data.tables[table] if not withheld(row)]
            if not data.tables[table]:
                del data.tables[table]
    return data


def as_json(data: PersonalData) -> str:
    return json.dumps(
        {"participant_id": data.participant_id, "tables": data.tables}, indent=2, default=str
    )


def as_csv_zip(data: PersonalData) -> bytes:
    """One CSV file per table, in a zip, for people who want to open it in a spreadsheet, with
    the files themselves (documents) beside them."""
    from webapp.csvsafe import safe_cell

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, rows in sorted(data.tables.items()):
            text = io.StringIO()
            writer = csv.writer(text)
            columns = list(rows[0])
            writer.writerow(columns)
            for row in rows:
                writer.writerow([safe_cell(row[c]) for c in columns])
            archive.writestr(f"{table}.csv", text.getvalue().encode("utf-8-sig"))
        for name, content in sorted(data.files.items()):
            archive.writestr(name, content)
    return buffer.getvalue()
