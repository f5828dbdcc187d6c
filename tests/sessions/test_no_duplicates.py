"""The same venue twice in a locality, the same availability twice, and time off over time
off already given are refused, saying why; nothing is stored."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from webapp.models import AvailabilityRule, TimeOff, Venue


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_a_second_venue_of_the_same_name_in_a_locality_is_refused(world, pages, session, make):
    pages.sign_in(make.manager(locality=world.locality))
    before = count(session, Venue)
    page = pages.post(
        "locality.venues",
        {"name": "parkhead hub ", "address": "9 Other Street"},
        _expected_status=422,
    )
    assert "There's already a venue called parkhead hub here" in page.select_one("#name-error").text
    assert "9 Other Street" in page.select_one("[name=address]").text
    assert count(session, Venue) == before


def test_the_same_availability_twice_is_refused(world, pages, session):
    keyworker = world.keyworker()
    pages.sign_in(keyworker)
    rule = {
        "weekday": "0",
        "starts_at": "09:00",
        "ends_at": "15:00",
        "mode": "phone",
        "venue_id": "0",
        "valid_from": date.today().isoformat(),
    }
    pages.post("sessions.availability", rule)
    before = count(session, AvailabilityRule)
    page = pages.post("sessions.availability", rule, _expected_status=422)
    assert "You've already added this availability" in page.text
    assert count(session, AvailabilityRule) == before


def test_time_off_over_time_off_already_given_is_refused_naming_it(world, pages, session):
    keyworker = world.keyworker()
    pages.sign_in(keyworker)
    first = date.today() + timedelta(days=30)
    pages.post(
        "sessions.time_off",
        {"starts_on": first.isoformat(), "ends_on": (first + timedelta(days=4)).isoformat()},
    )
    pages.post(
        "sessions.time_off",
        {
            "starts_on": (first + timedelta(days=2)).isoformat(),
            "ends_on": (first + timedelta(days=9)).isoformat(),
        },
    )
    assert count(session, TimeOff) == 1
    page = pages.get("sessions.availability")
    assert "You already have time off from" in page.select_one(".flashes").text
