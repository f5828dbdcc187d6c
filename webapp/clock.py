"""Time in CoPlan: every moment is kept in UTC and shown in Scotland's own time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
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


# How CoPlan writes a day, by name, so a page, an email and a timeline write it the same way
# (2 December 2026 was a Wednesday). `day_and_time` adds ", 10:00" (or " at 10:00").
FORMATS = {
    "day": "%a %-d %B",  # Wed 2 December
    "long_day": "%A %-d %B",  # Wednesday 2 December
    "short_day": "%a %-d %b",  # Wed 2 Dec
    "day_month": "%-d %B",  # 2 December
    "short_day_month": "%-d %b",  # 2 Dec
    "date": "%-d %B %Y",  # 2 December 2026
    "short_date": "%-d %b %Y",  # 2 Dec 2026
    "day_date": "%a %-d %B %Y",  # Wed 2 December 2026
    "short_day_date": "%a %-d %b %Y",  # Wed 2 Dec 2026
    "long_date": "%A %-d %B %Y",  # Wednesday 2 December 2026
    "weekday": "%A",  # Wednesday
    "month": "%B",  # December
    "month_year": "%B %Y",  # December 2026
    "short_month_year": "%b %Y",  # Dec 2026
    "time": "%H:%M",  # 10:00
    "short_time": "%-H:%M",  # 9:00
}

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (None, *(date(2000, month, 1).strftime("%B") for month in range(1, 13)))


def local(value: datetime | date | time) -> datetime | date | time:
    """A moment in Scotland's time; a calendar date or a clock time as it is."""
    return value.astimezone(LONDON) if isinstance(value, datetime) else value


def show(value: datetime | date | time | None, name: str = "date") -> str:
    """A moment (in Scotland's time), a date or a clock time in one of the named formats."""
    if value is None:
        return ""
    return local(value).strftime(FORMATS[name])


def day_and_time(moment: datetime | None, name: str = "day", joiner: str = ", ") -> str:
    """ "Wed 2 December, 10:00" in Scotland's time, or another named day with the time."""
    if moment is None:
        return ""
    moment = moment.astimezone(LONDON)
    if name == "day" and joiner == ", ":
        # By hand, not with strftime: the caseload asks for fifty of these, and three
        # strftime calls cost seven times as much.
        weekday, month = _DAYS[moment.weekday()], _MONTHS[moment.month]
        return f"{weekday} {moment.day} {month}, {moment.hour:02}:{moment.minute:02}"
    return f"{moment.strftime(FORMATS[name])}{joiner}{moment:%H:%M}"


def clock_time(value: datetime | time | None) -> str:
    """ "10:00": a moment's time in Scotland, or a clock time."""
    return show(value, "time")


def hours(start: datetime, end: datetime) -> str:
    """ "10:00 to 11:00", in Scotland's time."""
    return f"{clock_time(start)} to {clock_time(end)}"


def day(value: date | None, today: date | None = None) -> str:
    """ "Fri 12 June", with the year only when it is not this year."""
    if value is None:
        return ""
    today = today or london_today()
    text = show(value, "day")
    return text if value.year == today.year else f"{text} {value.year}"


def duration_words(length: timedelta) -> str:
    """'24 hours', '2 days', '90 minutes': a notice period as people say it."""
    minutes = int(length.total_seconds() // 60)
    if minutes % (24 * 60) == 0 and minutes >= 48 * 60:
        count, unit = minutes // (24 * 60), "day"
    elif minutes % 60 == 0 and minutes:
        count, unit = minutes // 60, "hour"
    else:
        count, unit = minutes, "minute"
    return f"{count} {unit}{'' if count == 1 else 's'}"
