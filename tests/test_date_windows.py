"""Dates outside sense are refused, saying which window a date of that kind must be in."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from webapp.models import AvailabilityRule, Outcome, Referral, TimeOff


@pytest.fixture
def team(make):
    here = make.locality()
    keyworker = make.keyworker(locality=here)
    return {"keyworker": keyworker, "parent": make.participant(locality=here, keyworker=keyworker)}


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_a_referral_in_1999_or_2031_and_an_outcome_in_1900_are_refused(pages, team, session):
    pages.sign_in(team["keyworker"])
    parent = team["parent"]
    for made_on in ("1999-03-01", "2031-03-01"):
        page = pages.post(
            "caseload.add_referral",
            {"referral_kind": "childcare", "organisation": "Family Centre", "made_on": made_on},
            _expected_status=422,
            participant_id=parent.id,
        )
        assert "today or in the last two years" in page.select_one("#made_on-error").text
    page = pages.post(
        "caseload.add_outcome",
        {"outcome_kind": "qualification", "achieved_on": "1900-01-01"},
        _expected_status=422,
        participant_id=parent.id,
    )
    assert "in the last five years" in page.select_one("#achieved_on-error").text
    assert count(session, Referral) == 0 and count(session, Outcome) == 0


def test_ten_years_of_time_off_and_availability_from_2020_are_refused(pages, team, session):
    pages.sign_in(team["keyworker"])
    start = date.today() + timedelta(days=7)
    pages.post(
        "sessions.time_off",
        {"starts_on": start.isoformat(), "ends_on": (start + timedelta(days=3650)).isoformat()},
    )
    assert "a year at most" in pages.get("sessions.availability").select_one(".flashes").text
    page = pages.post(
        "sessions.availability",
        {
            "weekday": "0",
            "starts_at": "09:00",
            "ends_at": "12:00",
            "mode": "phone",
            "venue_id": "0",
            "valid_from": "2020-01-06",
        },
        _expected_status=422,
    )
    assert "within a year either side of today" in page.text
    assert count(session, TimeOff) == 0 and count(session, AvailabilityRule) == 0
