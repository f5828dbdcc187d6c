"""Reading a caseload spreadsheet (CSV, as Excel saves it) into checked lines.

Plain functions: they take the file's bytes and what CoPlan already holds, and return each line
with what it would add or what is wrong with it. Nothing here writes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email

from webapp.services.sms import UK_MOBILE, normalise_phone

MAX_LINES = 5000

# The heading CoPlan looks for, and the other headings people use for the same thing.
COLUMNS = {
    "name": ("name", "full name", "participant", "parent"),
    "email": ("email", "email address", "e-mail"),
    "mobile": ("mobile", "mobile number", "phone", "phone number", "telephone"),
    "keyworker_email": ("keyworker email", "keyworker", "key worker email", "key worker"),
    "stage": ("stage", "pipeline stage"),
    "start_date": ("start date", "started", "date started", "joined"),
    "status": ("status",),
}
STATUSES = {"active": "active", "taking part": "active", "paused": "paused", "on a break": "paused"}


@dataclass
class Line:
    """One line of the file: the person it would add, or what stops it."""

    number: int
    name: str = ""
    email: str | None = None
    mobile: str | None = None
    keyworker_email: str = ""
    keyworker_id: int | None = None
    keyworker_name: str = ""
    stage: int | None = None
    start_date: date | None = None
    status: str = "active"
    problems: list[str] = field(default_factory=list)


@dataclass
class CheckedFile:
    lines: list[Line]
    problem: str | None = None  # a problem with the whole file

    @property
    def ready(self) -> bool:
        return self.problem is None and bool(self.lines) and not self.lines_with_problems

    @property
    def lines_with_problems(self) -> list[Line]:
        return [line for line in self.lines if line.problems]


def decode(raw: bytes) -> str:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252 as older Excel saves."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _heading_map(headings: list[str]) -> tuple[dict[str, int], list[str]]:
    wanted = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for position, heading in enumerate(headings):
        key = wanted.get(" ".join(heading.strip().lower().replace("_", " ").split()))
        if key and key not in found:
            found[key] = position
    missing = [key for key in ("name", "keyworker_email") if key not in found]
    return found, missing


def parse_date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def check_file(
    raw: bytes,
    *,
    keyworkers: dict[str, tuple[int, str]],
    contacts_in_use: set[str],
    today: date,
) -> CheckedFile:
    """Check every line. ``keyworkers`` maps an email (lower case) to (id, name) of the active
    keyworkers the caseload may go to; ``contacts_in_use`` holds emails and mobiles already in
    CoPlan."""
    rows = list(csv.reader(io.StringIO(decode(raw))))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return CheckedFile([], "The file is empty.")
    columns, missing = _heading_map(rows[0])
    if missing:
        named = " and ".join(f'"{COLUMNS[key][0]}"' for key in missing)
        return CheckedFile([], f"The first line must name the columns: {named} is missing.")
    if len(rows) - 1 > MAX_LINES:
        return CheckedFile([], f"The file has more than {MAX_LINES:,} people: split it up.")
    seen: set[str] = set()
    lines = [
        _check_line(number, row, columns, keyworkers, contacts_in_use, seen, today)
        for number, row in enumerate(rows[1:], start=2)
    ]
    return CheckedFile(lines, None if lines else "The file has headings but no people.")


def _check_line(number, row, columns, keyworkers, contacts_in_use, seen, today) -> Line:
    def cell(key: str) -> str:
        position = columns.get(key)
        return row[position].strip() if position is not None and position < len(row) else ""

    line = Line(number=number, name=" ".join(cell("name").split()))
    if not line.name:
        line.problems.append("The name is empty.")
    elif len(line.name) > 120:
        line.problems.append("The name is longer than 120 characters.")
    if email := cell("email"):
        try:
            line.email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            line.problems.append(f'"{email}" is not an email address.')
    if mobile := cell("mobile"):
        line.mobile = normalise_phone(mobile)
        if not UK_MOBILE.match(line.mobile):
            line.problems.append(f'"{mobile}" is not a UK mobile number.')
    if not (line.email or line.mobile) and not line.problems:
        line.problems.append("There's no email or mobile number, so they can't be invited.")
    for contact in (line.email, line.mobile):
        if contact and contact in contacts_in_use:
            line.problems.append(f"{contact} is already someone's in CoPlan.")
        elif contact and contact in seen:
            line.problems.append(f"{contact} is on an earlier line too.")
        elif contact:
            seen.add(contact)
    line.keyworker_email = cell("keyworker_email").lower()
    if line.keyworker_email in keyworkers:
        line.keyworker_id, line.keyworker_name = keyworkers[line.keyworker_email]
    elif line.keyworker_email:
        line.problems.append(f"No active keyworker here has the email {line.keyworker_email}.")
    else:
        line.problems.append("The keyworker's email is empty.")
    if stage := cell("stage"):
        if stage.isdigit() and 1 <= int(stage) <= 5:
            line.stage = int(stage)
        else:
            line.problems.append(f'The stage must be a number from 1 to 5, not "{stage}".')
    if started := cell("start_date"):
        line.start_date = parse_date(started)
        if line.start_date is None:
            line.problems.append(f'"{started}" is not a date: write it like 20/11/2026.')
        elif line.start_date > today:
            line.problems.append("The start date is in the future.")
    if status := cell("status"):
        line.status = STATUSES.get(status.lower(), "")
        if not line.status:
            line.problems.append(f'The status must be "active" or "paused", not "{status}".')
    return line
