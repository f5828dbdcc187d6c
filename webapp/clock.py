"""Time in CoPlan: every moment is kept in UTC and shown in Scotland's own time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    """The current moment in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime | None:
    """A typed moment in UTC, or None when it can't be one: it has no time zone (Python would
    take the server's), or it falls outside the years Python can hold (0001-01-01 with a zone
    east of UTC)."""
    if moment.tzinfo is None:
        return None
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return None


def london_today() -> date:
    """Today's date in Scotland."""
    return datetime.now(LONDON).date()
