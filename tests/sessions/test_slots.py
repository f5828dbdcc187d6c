"""The slot search offers only times that keep every rule, across the clocks changing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.models import SessionMode
from webapp.sessions.slots import (
    LONDON,
    Rule,
    SchoolTerms,
    SearchLimits,
    Timing,
    Window,
    find_slots,
    local_moment,
)

# Terms for 2026 with the Easter and October holidays and an in-service day, so that searches
# cross both clock changes (29 March and 25 October 2026).
SCHOOL = SchoolTerms(
    day_starts=time(9, 15),
    day_ends=time(14, 45),
    terms=[(date(2026, 1, 6), date(2026, 6, 26)), (date(2026, 8, 18), date(2026, 12, 22))],
    closures=[
        (date(2026, 4, 3), date(2026, 4, 17)),
        (date(2026, 10, 12), date(2026, 10, 23)),
        (date(2026, 11, 2), date(2026, 11, 2)),
    ],
)


def wall(moment: datetime) -> time:
    return moment.astimezone(LONDON).time()


def local_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def test_slots_stay_inside_the_school_day_across_the_march_clock_change():
    rules = [Rule(1, weekday, time(9, 0), time(15, 0), SessionMode.PHONE) for weekday in range(5)]
    now = datetime(2026, 3, 23, 12, tzinfo=UTC)
    slots = find_slots(
        now=now, rules=rules, school=SCHOOL, limits=SearchLimits(horizon=timedelta(days=9))
    )
    before = [s for s in slots if local_day(s.starts_at) == date(2026, 3, 27)]
    after = [s for s in slots if local_day(s.starts_at) == date(2026, 3, 30)]
    assert before and after
    # The same wall-clock times are offered on both sides; UTC moves by an hour.
    assert [wall(s.starts_at) for s in before] == [wall(s.starts_at) for s in after]
    assert before[0].starts_at.hour == 9 and before[0].starts_at.minute == 30
    assert after[0].starts_at.hour == 8 and after[0].starts_at.minute == 30
    for slot in slots:
        assert time(9, 15) <= wall(slot.starts_at) and wall(slot.ends_at) <= time(14, 45)


def test_slots_stay_inside_the_school_day_across_the_october_clock_change():
    rules = [Rule(1, weekday, time(9, 0), time(15, 0), SessionMode.VIDEO) for weekday in range(5)]
    now = datetime(2026, 10, 21, 12, tzinfo=UTC)
    slots = find_slots(
        now=now, rules=rules, school=SCHOOL, limits=SearchLimits(horizon=timedelta(days=10))
    )
    days = sorted({local_day(s.starts_at) for s in slots})
    # The October holiday runs to the 23rd: the first offers are after the clocks go back.
    assert days[0] == date(2026, 10, 26)
    assert slots[0].starts_at == datetime(2026, 10, 26, 9, 30, tzinfo=UTC)
    for slot in slots:
        assert time(9, 15) <= wall(slot.starts_at) and wall(slot.ends_at) <= time(14, 45)


def test_holidays_are_offered_only_at_a_venue_with_a_creche():
    rules = [
        Rule(
            1, 0, time(10), time(12), SessionMode.COMMUNITY_VENUE, venue_id=7, venue_has_creche=True
        ),
        Rule(1, 1, time(10), time(12), SessionMode.OFFICE, venue_id=8, venue_has_creche=False),
    ]
    now = datetime(2026, 4, 1, 12, tzinfo=UTC)
    slots = find_slots(
        now=now, rules=rules, school=SCHOOL, limits=SearchLimits(horizon=timedelta(days=14))
    )
    holiday = [s for s in slots if local_day(s.starts_at) <= date(2026, 4, 17)]
    assert holiday and {s.venue_id for s in holiday} == {7}


def test_travel_buffer_narrows_in_person_sessions_only():
    rules = [
        Rule(1, 2, time(9, 0), time(15, 0), SessionMode.OFFICE, venue_id=1),
        Rule(2, 2, time(9, 0), time(15, 0), SessionMode.PHONE),
    ]
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    slots = find_slots(
        now=now, rules=rules, school=SCHOOL, limits=SearchLimits(horizon=timedelta(days=7))
    )
    office = [s for s in slots if s.mode == SessionMode.OFFICE]
    phone = [s for s in slots if s.mode == SessionMode.PHONE]
    assert wall(office[0].starts_at) == time(10, 0) and wall(office[-1].ends_at) == time(14, 0)
    assert wall(phone[0].starts_at) == time(9, 30) and wall(phone[-1].ends_at) == time(14, 30)


def test_notice_and_horizon():
    rules = [Rule(1, weekday, time(9), time(15), SessionMode.PHONE) for weekday in range(5)]
    now = datetime(2026, 5, 4, 10, tzinfo=UTC)  # Monday 11:00 in London
    slots = find_slots(now=now, rules=rules, school=SCHOOL)
    assert slots[0].starts_at >= now + timedelta(hours=24)
    assert slots[0].starts_at == datetime(2026, 5, 5, 10, tzinfo=UTC)
    assert slots[-1].starts_at <= now + timedelta(weeks=6)
    assert local_day(slots[-1].starts_at) == date(2026, 6, 15)


# Property: whatever the rules, windows and bookings, no offered slot breaks one.

times = st.integers(min_value=7 * 4, max_value=18 * 4).map(lambda q: time(q // 4, q % 4 * 15))
modes = st.sampled_from(list(SessionMode))


@st.composite
def rules_strategy(draw):
    start, end = sorted(draw(st.tuples(times, times)))
    if start == end:
        end = time(min(end.hour + 1, 23), end.minute)
    valid_from = draw(st.dates(date(2026, 1, 1), date(2026, 12, 1)))
    return Rule(
        keyworker_id=draw(st.integers(1, 3)),
        weekday=draw(st.integers(0, 6)),
        starts_at=start,
        ends_at=end,
        mode=draw(modes),
        venue_id=draw(st.integers(1, 2)),
        venue_has_creche=draw(st.booleans()),
        valid_from=valid_from,
        valid_until=draw(
            st.none() | st.just(valid_from + timedelta(days=draw(st.integers(0, 60))))
        ),
    )


@st.composite
def windows_strategy(draw):
    start, end = sorted(draw(st.tuples(times, times)))
    if start == end:
        end = time(min(end.hour + 1, 23), end.minute)
    return Window(draw(st.integers(0, 6)), start, end)


moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
intervals = st.tuples(moments, st.integers(15, 600)).map(
    lambda p: (p[0], p[0] + timedelta(minutes=p[1]))
)


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


@settings(max_examples=150, deadline=None)
@given(
    now=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2026, 11, 15), timezones=st.just(UTC)
    ),
    rules=st.lists(rules_strategy(), min_size=1, max_size=8),
    windows=st.lists(windows_strategy(), max_size=6),
    keyworker_busy=st.lists(st.tuples(st.integers(1, 3), intervals), max_size=30),
    time_off=st.lists(st.tuples(st.integers(1, 3), intervals), max_size=5),
    parent_busy=st.lists(intervals, max_size=10),
    session_minutes=st.sampled_from([30, 45, 60, 90]),
    buffer_minutes=st.sampled_from([0, 10, 15, 30]),
    travel_minutes=st.sampled_from([0, 15, 30]),
)
def test_no_slot_ever_breaks_a_rule(
    now,
    rules,
    windows,
    keyworker_busy,
    time_off,
    parent_busy,
    session_minutes,
    buffer_minutes,
    travel_minutes,
):
    limits = SearchLimits(travel=timedelta(minutes=travel_minutes))
    busy_by: dict = {}
    for keyworker_id, interval in keyworker_busy:
        busy_by.setdefault(keyworker_id, []).append(interval)
    off_by: dict = {}
    for keyworker_id, interval in time_off:
        off_by.setdefault(keyworker_id, []).append(interval)
    timing = Timing(session_minutes, buffer_minutes)
    slots = find_slots(
        now=now,
        rules=rules,
        school=SCHOOL,
        windows=windows,
        keyworker_busy=busy_by,
        time_off=off_by,
        participant_busy=parent_busy,
        timings=dict.fromkeys((1, 2, 3), timing),
        limits=limits,
    )
    gap = timedelta(minutes=buffer_minutes)
    for slot in slots:
        day = local_day(slot.starts_at)
        assert local_day(slot.ends_at) == day
        assert slot.ends_at - slot.starts_at == timedelta(minutes=session_minutes)
        # Notice and horizon.
        assert now + timedelta(hours=24) <= slot.starts_at <= now + timedelta(weeks=6)
        # Inside the school day.
        assert local_moment(day, SCHOOL.day_starts) <= slot.starts_at
        assert slot.ends_at <= local_moment(day, SCHOOL.day_ends)
        # Inside a rule of that keyworker, valid that day, for that mode and venue.
        matching = [
            r
            for r in rules
            if r.keyworker_id == slot.keyworker_id
            and r.mode == slot.mode
            and r.venue_id == slot.venue_id
            and r.applies_on(day)
            and local_moment(day, r.starts_at) <= slot.starts_at
            and slot.ends_at <= local_moment(day, r.ends_at)
        ]
        assert matching
        # Term time, or a holiday at a venue with a crèche.
        assert SCHOOL.is_term_day(day) or (
            day.weekday() < 5 and any(r.venue_has_creche for r in matching)
        )
        # Inside one of the parent's windows, less travel for in-person sessions.
        travel = timedelta(minutes=travel_minutes) if slot.mode.parent_travels else timedelta(0)
        parent_windows = (
            [w for w in windows if w.weekday == day.weekday()]
            if windows
            else [Window(day.weekday(), SCHOOL.day_starts, SCHOOL.day_ends)]
        )
        assert any(
            local_moment(day, w.starts_at) + travel <= slot.starts_at
            and slot.ends_at <= local_moment(day, w.ends_at) - travel
            for w in parent_windows
        )
        # Clear of the keyworker's sessions (with their buffer), time off and the parent's sessions.
        for start, end in busy_by.get(slot.keyworker_id, []):
            assert not overlaps(slot.starts_at, slot.ends_at, start - gap, end + gap)
        for start, end in off_by.get(slot.keyworker_id, []):
            assert not overlaps(slot.starts_at, slot.ends_at, start, end)
        for start, end in parent_busy:
            assert not overlaps(slot.starts_at, slot.ends_at, start, end)
