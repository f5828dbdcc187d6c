"""The clock module's named formats: how every page, email and timeline writes a time."""

from datetime import UTC, date, datetime, time

import pytest
from flask import render_template_string

from webapp import clock

# 10:00 UTC on 2 December is 10:00 in Scotland; in June it is 11:00 (summer time).
WINTER = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
SUMMER = datetime(2026, 6, 12, 8, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("day", "Wed 2 December"),
        ("long_day", "Wednesday 2 December"),
        ("short_day", "Wed 2 Dec"),
        ("day_month", "2 December"),
        ("short_day_month", "2 Dec"),
        ("date", "2 December 2026"),
        ("short_date", "2 Dec 2026"),
        ("day_date", "Wed 2 December 2026"),
        ("short_day_date", "Wed 2 Dec 2026"),
        ("long_date", "Wednesday 2 December 2026"),
        ("weekday", "Wednesday"),
        ("month", "December"),
        ("month_year", "December 2026"),
        ("short_month_year", "Dec 2026"),
        ("time", "10:00"),
        ("short_time", "10:00"),
    ],
)
def test_every_named_format(name, text):
    assert clock.show(WINTER, name) == text


def test_a_moment_is_shown_in_scotlands_time_and_a_date_or_a_clock_time_as_it_is():
    assert clock.show(SUMMER, "time") == "09:05"
    assert clock.show(SUMMER, "short_time") == "9:05"
    assert clock.show(date(2026, 6, 12), "day") == "Fri 12 June"
    assert clock.clock_time(time(9, 30)) == "09:30"
    assert clock.show(None) == ""


def test_day_and_time_by_hand_matches_strftime():
    for moment in (WINTER, SUMMER, datetime(2027, 1, 31, 23, 59, tzinfo=UTC)):
        by_strftime = moment.astimezone(clock.LONDON).strftime("%a %-d %B, %H:%M")
        assert clock.day_and_time(moment) == by_strftime
    assert clock.day_and_time(SUMMER, "long_day", " at ") == "Friday 12 June at 09:05"
    assert clock.hours(WINTER, SUMMER) == "10:00 to 09:05"


def test_a_day_has_its_year_only_when_it_is_not_this_year():
    assert clock.day(date(2026, 6, 12), today=date(2026, 1, 1)) == "Fri 12 June"
    assert clock.day(date(2027, 6, 12), today=date(2026, 1, 1)) == "Sat 12 June 2027"


def test_the_four_template_filters(app):
    with app.test_request_context("/"):
        text = render_template_string(
            "{{ d | day }}|{{ m | date('long_day') }}|{{ m | day_and_time }}|{{ m | time }}",
            d=date(2026, 6, 12),
            m=WINTER,
        )
    assert text.startswith("Fri 12 June")
    assert text.endswith("|Wednesday 2 December|Wed 2 December, 10:00|10:00")
