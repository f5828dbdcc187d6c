"""Which session times to offer a parent: pure functions over plain values, no database.

A slot is offered only when all of these hold:
- it lies inside one of the keyworker's weekly availability rules, valid on that date;
- it lies inside the locality's school-day window on a term-time weekday, or, on a weekday
  outside term (holidays, in-service days), at a venue with a crèche;
- it lies inside one of the parent's free windows (the school day when they have set none),
  less a travel buffer at each end when the parent has to travel (office, community venue);
- it overlaps none of the keyworker's sessions (widened by their buffer) or time off, and none
  of the parent's own sessions;
- it starts at least ``min_notice`` from now and no later than ``horizon`` from now.

Rules and windows are wall-clock times in Europe/London; everything returned is UTC.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from webapp.clock import LONDON
from webapp.models.sessions import SessionMode

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Rule:
    """A keyworker's weekly availability, with what the slot search needs of its venue."""

    keyworker_id: int
    weekday: int
    starts_at: time
    ends_at: time
    mode: SessionMode
    venue_id: int | None = None
    venue_has_creche: bool = False
    valid_from: date = date.min
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class Window:
    """A weekly stretch when the parent is free."""

    weekday: int
    starts_at: time
    ends_at: time


@dataclass(frozen=True)
class SchoolTerms:
    """A locality's school day and which dates are term-time school days."""

    day_starts: time = time(9, 15)
    day_ends: time = time(14, 45)
    terms: Sequence[tuple[date, date]] = ()
    closures: Sequence[tuple[date, date]] = ()  # holidays and in-service days, inclusive

    def is_term_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        if not any(start <= day <= end for start, end in self.terms):
            return False
        return not any(start <= day <= end for start, end in self.closures)


@dataclass(frozen=True)
class Timing:
    """A keyworker's session length and the gap they keep around each session."""

    session_minutes: int = 60
    buffer_minutes: int = 15


# The lengths and gaps a keyworker can choose from (minutes).
SESSION_LENGTHS = (30, 45, 60, 75, 90)
SESSION_GAPS = (0, 10, 15, 20, 30)


@dataclass(frozen=True)
class SearchLimits:
    min_notice: timedelta = timedelta(hours=24)
    horizon: timedelta = timedelta(weeks=6)
    travel: timedelta = timedelta(minutes=30)
    step_minutes: int = 30
    # False when staff have agreed a time with the parent outside the times they gave.
    parent_windows: bool = True


DEFAULT_LIMITS = SearchLimits()


def agreed_with_parent(limits: SearchLimits) -> SearchLimits:
    """The limits when a keyworker has agreed a time with the parent themselves: any time in
    the school day, however soon (still in the future), outside the parent's usual windows."""
    return replace(limits, min_notice=timedelta(0), parent_windows=False)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    keyworker_id: int
    mode: SessionMode
    venue_id: int | None = None


@dataclass
class Busy:
    """Sorted, non-overlapping busy intervals, searchable by bisection."""

    starts: list[datetime]
    ends: list[datetime]

    @classmethod
    def of(cls, intervals: Iterable[Interval]) -> Busy:
        merged: list[list[datetime]] = []
        for start, end in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return cls([m[0] for m in merged], [m[1] for m in merged])

    def subtract(self, start: datetime, end: datetime) -> list[Interval]:
        """The parts of [start, end) that are free."""
        free: list[Interval] = []
        i = bisect.bisect_right(self.ends, start)
        cursor = start
        while i < len(self.starts) and self.starts[i] < end:
            if self.starts[i] > cursor:
                free.append((cursor, self.starts[i]))
            cursor = max(cursor, self.ends[i])
            i += 1
        if cursor < end:
            free.append((cursor, end))
        return free


def local_moment(day: date, wall: time) -> datetime:
    """A Europe/London wall-clock time on a date, as a UTC moment."""
    return datetime.combine(day, wall, tzinfo=LONDON).astimezone(UTC)


def _intersect(a: Interval, b: Interval) -> Interval | None:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start < end else None


class _Day:
    """One date's wall clock, converted to UTC cheaply: the clocks change at 01:00-02:00, so
    every time from 03:00 on shares the offset at noon."""

    __slots__ = ("day", "offset")

    def __init__(self, day: date):
        self.day = day
        self.offset = datetime.combine(day, time(12), tzinfo=LONDON).utcoffset()

    def moment(self, wall: time) -> datetime:
        if wall < time(3):
            return local_moment(self.day, wall)
        return datetime.combine(self.day, wall, tzinfo=UTC) - self.offset


def _aligned_starts(
    free: Interval, length: timedelta, step: int, offset: timedelta
) -> Iterable[datetime]:
    """Start times on the local clock's step grid (:00, :30 …) that fit inside ``free``."""
    local = free[0] + offset
    minutes = local.hour * 60 + local.minute
    shift = (-minutes) % step
    start = free[0].replace(second=0, microsecond=0) + timedelta(minutes=shift)
    if start < free[0]:
        start += timedelta(minutes=step)
    while start + length <= free[1]:
        yield start
        start += timedelta(minutes=step)


def find_slots(
    *,
    now: datetime,
    rules: Iterable[Rule],
    school: SchoolTerms,
    windows: Sequence[Window] = (),
    keyworker_busy: Mapping[int, Iterable[Interval]] | None = None,
    time_off: Mapping[int, Iterable[Interval]] | None = None,
    participant_busy: Iterable[Interval] = (),
    timings: Mapping[int, Timing] | None = None,
    limits: SearchLimits = DEFAULT_LIMITS,
    on_or_after: datetime | None = None,
    before: datetime | None = None,
) -> list[Slot]:
    """Every slot the parent may book, earliest first (see the module's rules)."""
    keyworker_busy = keyworker_busy or {}
    time_off = time_off or {}
    timings = timings or {}
    earliest = now + limits.min_notice
    latest_start = now + limits.horizon
    if on_or_after is not None:
        earliest = max(earliest, on_or_after)
    if before is not None:
        latest_start = min(latest_start, before)
    if earliest > latest_start:
        return []

    by_keyworker: dict[int, list[Rule]] = {}
    for rule in rules:
        by_keyworker.setdefault(rule.keyworker_id, []).append(rule)
    windows_by_day: dict[int, list[Window]] = {}
    for window in windows:
        windows_by_day.setdefault(window.weekday, []).append(window)
    parent_busy = Busy.of(participant_busy)

    first_day = earliest.astimezone(LONDON).date()
    last_day = latest_start.astimezone(LONDON).date()
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    # Per day, worked out once for every keyworker: whether it is term time, and when the
    # parent can meet (school day ∩ their windows, less travel when they travel, less their
    # own sessions).
    no_travel = timedelta(0)
    school_days = []
    for day in days:
        if day.weekday() >= 5:
            continue
        clock = _Day(day)
        school_day = (clock.moment(school.day_starts), clock.moment(school.day_ends))
        parent = windows_by_day.get(day.weekday()) if windows else None
        if windows and not parent:
            continue
        parent_intervals = (
            [(clock.moment(w.starts_at), clock.moment(w.ends_at)) for w in parent]
            if parent
            else [school_day]
        )
        open_to_parent = {}
        for travel in {no_travel, limits.travel}:
            parts = []
            for parent_start, parent_end in parent_intervals:
                fits = _intersect(school_day, (parent_start + travel, parent_end - travel))
                if fits is not None:
                    parts.extend(parent_busy.subtract(*fits))
            open_to_parent[travel] = parts
        school_days.append((clock, school.is_term_day(day), open_to_parent))

    slots: set[Slot] = set()
    step = limits.step_minutes
    for keyworker_id, keyworker_rules in by_keyworker.items():
        timing = timings.get(keyworker_id, Timing())
        length = timedelta(minutes=timing.session_minutes)
        gap = timedelta(minutes=timing.buffer_minutes)
        busy = Busy.of(
            [(s - gap, e + gap) for s, e in keyworker_busy.get(keyworker_id, ())]
            + list(time_off.get(keyworker_id, ()))
        )
        by_weekday: dict[int, list[Rule]] = {}
        for rule in keyworker_rules:
            by_weekday.setdefault(rule.weekday, []).append(rule)
        for clock, term_day, open_to_parent in school_days:
            for rule in by_weekday.get(clock.day.weekday(), ()):
                if not rule.applies_on(clock.day) or not (term_day or rule.venue_has_creche):
                    continue
                available = (clock.moment(rule.starts_at), clock.moment(rule.ends_at))
                travel = limits.travel if rule.mode.parent_travels else no_travel
                for part in open_to_parent[travel]:
                    fits = _intersect(available, part)
                    if fits is None:
                        continue
                    for free in busy.subtract(*fits):
                        for start in _aligned_starts(free, length, step, clock.offset):
                            if earliest <= start <= latest_start:
                                slots.add(
                                    Slot(
                                        start,
                                        start + length,
                                        keyworker_id,
                                        rule.mode,
                                        rule.venue_id,
                                    )
                                )
    return sorted(slots, key=lambda s: (s.starts_at, s.keyworker_id, s.mode, s.venue_id or 0))


def nearest(slots: Sequence[Slot], to: datetime, count: int = 3) -> list[Slot]:
    """The ``count`` slots closest in time to ``to``, in time order."""
    closest = sorted(slots, key=lambda s: abs(s.starts_at - to))[:count]
    return sorted(closest, key=lambda s: s.starts_at)
