"""Reading a locality's terms and holidays from a CSV or iCalendar file.

A file is read completely before anything is stored: any problem gives a line-by-line report
and nothing is imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from webapp.models import CalendarEntryKind

MAX_IMPORT_BYTES = 200_000

KIND_WORDS = {
    "term": CalendarEntryKind.TERM,
    "holiday": CalendarEntryKind.HOLIDAY,
    "holidays": CalendarEntryKind.HOLIDAY,
    "in-service": CalendarEntryKind.IN_SERVICE,
    "inservice": CalendarEntryKind.IN_SERVICE,
    "in service": CalendarEntryKind.IN_SERVICE,
}


@dataclass(frozen=True)
class ParsedEntry:
    kind: CalendarEntryKind
    name: str
    starts_on: date
    ends_on: date


@dataclass
class ImportResult:
    entries: list[ParsedEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.entries)


def _date(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date (use 2027-01-07 or 07/01/2027)")


def parse_csv(data: bytes) -> ImportResult:
    """Rows of kind, name, first day, last day (inclusive), with a header row."""
    result = ImportResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append("The file is not plain text (save it as CSV, UTF-8).")
        return result
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    expected = ["kind", "name", "starts_on", "ends_on"]
    if header is None or [h.strip().lower() for h in header] != expected:
        result.errors.append("Line 1: the first line must be: kind,name,starts_on,ends_on")
        return result
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 4:
            result.errors.append(f"Line {line}: expected 4 values, found {len(row)}.")
            continue
        kind_text, name, start_text, end_text = (cell.strip() for cell in row)
        problems = []
        kind = KIND_WORDS.get(kind_text.lower())
        if kind is None:
            problems.append(f"“{kind_text}” is not a kind (use term, holiday or in-service)")
        if not name:
            problems.append("the name is empty")
        dates = []
        for text in (start_text, end_text):
            try:
                dates.append(_date(text))
            except ValueError as error:
                problems.append(str(error))
        if len(dates) == 2 and dates[0] > dates[1]:
            problems.append("the last day is before the first day")
        if problems:
            result.errors.append(f"Line {line}: " + "; ".join(problems) + ".")
            continue
        result.entries.append(ParsedEntry(kind, name[:120], dates[0], dates[1]))
    if not result.entries and not result.errors:
        result.errors.append("The file has no terms or holidays in it.")
    return result


# Words that make an event a time the schools are shut, looked for before "term": "February
# mid-term break" and "October half term" are holidays, not terms.
IN_SERVICE_WORDS = ("in-service", "inservice", "in service")
BREAK_WORDS = ("holiday", "break", "mid-term", "midterm", "half term", "half-term", "closed")


def kind_from_summary(summary: str, categories: str = "") -> CalendarEntryKind:
    """An event's kind from its words: in-service, then a break, then a term; else a holiday."""
    words = f"{categories} {summary}".lower()
    if any(word in words for word in IN_SERVICE_WORDS):
        return CalendarEntryKind.IN_SERVICE
    if any(word in words for word in BREAK_WORDS):
        return CalendarEntryKind.HOLIDAY
    if "term" in words:
        return CalendarEntryKind.TERM
    return CalendarEntryKind.HOLIDAY


def parse_ics(data: bytes) -> ImportResult:
    """All-day events, each given a kind by its words (``kind_from_summary``), for the manager
    to confirm before anything is saved. DTEND is the day after the last day, as iCalendar says."""
    from icalendar import Calendar

    result = ImportResult()
    text = data.decode("utf-8-sig", errors="replace")
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        result.errors.append(f"The file is not a valid iCalendar file: {error}.")
        return result
    # Line numbers of each event, for the report.
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "BEGIN:VEVENT"]
    for number, event in enumerate(calendar.walk("VEVENT")):
        where = f"Line {lines[number]}" if number < len(lines) else f"Event {number + 1}"
        summary = str(event.get("summary", "")).strip()
        problems = []
        start = event.decoded("dtstart", None)
        end = event.decoded("dtend", None)
        if start is None:
            problems.append("the event has no start date")
        if isinstance(start, datetime) or isinstance(end, datetime):
            problems.append("use all-day events (dates, not times)")
        if not summary:
            problems.append("the event has no summary")
        if problems:
            result.errors.append(f"{where}: " + "; ".join(problems) + ".")
            continue
        last = (end - timedelta(days=1)) if end else start
        if last < start:
            result.errors.append(f"{where}: the event ends before it starts.")
            continue
        categories = event.get("categories")
        category_text = (
            " ".join(str(c) for c in categories.cats) if hasattr(categories, "cats") else ""
        )
        result.entries.append(
            ParsedEntry(kind_from_summary(summary, category_text), summary[:120], start, last)
        )
    if not result.entries and not result.errors:
        result.errors.append("The file has no terms or holidays in it.")
    return result


def parse_upload(filename: str, data: bytes) -> ImportResult:
    if len(data) > MAX_IMPORT_BYTES:
        return ImportResult(
            errors=[f"The file is too big (the limit is {MAX_IMPORT_BYTES // 1000} KB)."]
        )
    if filename.lower().endswith(".ics"):
        return parse_ics(data)
    if filename.lower().endswith(".csv"):
        return parse_csv(data)
    return ImportResult(errors=["Choose a .csv or .ics file."])
