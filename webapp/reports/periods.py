"""Reporting periods: the financial-year quarters Scottish employability partnerships report on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from webapp import clock
from webapp.clock import LONDON

QUARTER_MONTHS = {1: 4, 2: 7, 3: 10, 4: 1}  # financial year from April


@dataclass(frozen=True)
class Period:
    """From ``first`` to ``last`` day inclusive, in Scotland's calendar."""

    key: str
    first: date
    last: date

    @property
    def label(self) -> str:
        return f"{clock.show(self.first, 'date')} to {clock.show(self.last, 'date')}"

    @property
    def start(self) -> datetime:
        """The first moment of the period, in UTC."""
        return datetime.combine(self.first, time(), LONDON).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the period, in UTC."""
        following = date.fromordinal(self.last.toordinal() + 1)
        return datetime.combine(following, time(), LONDON).astimezone(UTC)


def quarter(year: int, number: int) -> Period:
    """Quarter ``number`` (1-4) of the financial year starting in April ``year``."""
    month = QUARTER_MONTHS[number]
    start_year = year + 1 if number == 4 else year
    first = date(start_year, month, 1)
    end_month = month + 3
    following = date(start_year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    last = date.fromordinal(following.toordinal() - 1)
    return Period(f"{year}-Q{number}", first, last)


def quarter_of(day: date) -> Period:
    year = day.year if day.month >= 4 else day.year - 1
    number = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3}.get(day.month, 4)
    return quarter(year, number)


def recent_quarters(today: date, count: int = 8) -> list[Period]:
    """This quarter and the ones before it, newest first."""
    periods = [quarter_of(today)]
    while len(periods) < count:
        periods.append(quarter_of(date.fromordinal(periods[-1].first.toordinal() - 1)))
    return periods


def parse_quarter(key: str) -> Period | None:
    try:
        year, number = key.split("-Q")
        return quarter(int(year), int(number))
    except (ValueError, KeyError):
        return None


def quarter_label(period: Period) -> str:
    year, number = period.key.split("-Q")
    months = f"{clock.show(period.first, 'month')} to {clock.show(period.last, 'month_year')}"
    return f"Q{number} {year}/{(int(year) + 1) % 100:02d} ({months})"
