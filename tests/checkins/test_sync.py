"""The merge as plain functions: outcomes in order, nothing committed by the merge itself."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.checkins.helpers import entry
from webapp.checkins.sync import merge_checkins, parse_recorded_at
from webapp.models import CheckIn

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_the_merge_answers_in_order_and_leaves_committing_to_the_caller(make, session):
    parent = make.participant(locality=make.locality())
    batch = [entry(when=NOW - timedelta(hours=n)) for n in range(3)]
    outcomes = merge_checkins(session, parent.id, batch, now=NOW)
    assert [o.uuid for o in outcomes] == [e["uuid"] for e in batch]
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 3
    session.rollback()
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_received_at_is_the_servers_time_and_recorded_at_the_phones(make, session):
    parent = make.participant(locality=make.locality())
    recorded = NOW - timedelta(days=3)
    merge_checkins(session, parent.id, [entry(when=recorded)], now=NOW)
    stored = session.scalars(select(CheckIn)).one()
    assert (stored.recorded_at, stored.received_at) == (recorded, NOW)


def test_recorded_times_in_any_zone_are_stored_in_utc():
    moment, problem = parse_recorded_at("2026-07-01T09:30:00+01:00", NOW)
    assert problem is None
    assert moment == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    assert parse_recorded_at("2026-11-29T11:00:00Z", NOW)[1] is None  # a fast clock is fine
    assert "future" in parse_recorded_at("2026-11-30T13:00:00Z", NOW)[1]
    assert "year" in parse_recorded_at("2025-11-01T13:00:00Z", NOW)[1]
    assert parse_recorded_at(None, NOW)[0] is None


def test_a_time_before_the_year_1_in_utc_is_refused_not_an_error():
    # 00:00 on 1 January of year 1, in a zone east of UTC, is in year 0 in UTC: Python can't
    # hold it. The API's generated batches found this as a 500.
    moment, problem = parse_recorded_at("0001-01-01T00:00:00+02:34:48", NOW)
    assert moment is None
    assert problem == "The time recorded is not a date and time we can read."
