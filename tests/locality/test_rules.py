"""Localities and their rules: an admin adds a locality, its manager sets how far ahead and how
soon parents can book, the travel time kept free, and how parents reach the team."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from webapp.models import Locality
from webapp.sessions.limits import service_limits


@pytest.fixture
def places(make):
    here, there = make.locality(name="Inverclyde"), make.locality(name="Fife")
    return {
        "here": here,
        "there": there,
        "manager": make.manager(locality=here),
        "admin": make.admin(),
    }


RULES = {
    "name": "Inverclyde",
    "min_notice_hours": "48",
    "horizon_days": "28",
    "travel_minutes": "20",
    "phone": "01475 000 000",
    "opening_hours": "Monday to Thursday, 9am to 3pm",
}


def test_an_admin_adds_a_locality_once(pages, places, session):
    pages.sign_in(places["admin"])
    pages.post("locality.localities", {"name": "East Renfrewshire"})
    assert session.scalar(select(Locality).where(Locality.name == "East Renfrewshire"))

    page = pages.post("locality.localities", {"name": "Fife"}, _expected_status=422)
    assert "already" in page.select_one("#name-error").text
    assert page.select_one("#name")["value"] == "Fife"


def test_a_manager_sets_their_localitys_rules_and_slot_search_keeps_them(
    app, pages, places, session
):
    here = places["here"]
    pages.sign_in(places["manager"])
    page = pages.get("locality.rules", locality_id=here.id)
    assert page.select_one("#min_notice_hours")["value"] == "24"  # the service's default

    pages.post("locality.rules", RULES, locality_id=here.id)

    session.expire_all()
    saved = session.get(Locality, here.id)
    assert (saved.phone, saved.opening_hours) == ("01475 000 000", RULES["opening_hours"])
    with app.test_request_context():
        limits = service_limits(saved)
        assert limits.min_notice == timedelta(hours=48)
        assert limits.horizon == timedelta(days=28)
        assert limits.travel == timedelta(minutes=20)
        assert service_limits(session.get(Locality, places["there"].id)).horizon == timedelta(
            days=42
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_notice_hours", "500", "from 0 to 168"),
        ("horizon_days", "1", "from 7 to 182"),
        ("travel_minutes", "-5", "from 0 to 120"),
        ("horizon_days", "six weeks", "whole number"),
        ("name", "", "Enter the locality's name."),
    ],
)
def test_rules_outside_sensible_bounds_are_refused_and_kept(
    pages, places, session, field, value, message
):
    pages.sign_in(places["manager"])
    page = pages.post(
        "locality.rules",
        {**RULES, field: value},
        _expected_status=422,
        locality_id=places["here"].id,
    )
    assert message in page.select_one(f"#{field}-error").text
    assert page.select_one("#opening_hours")["value"] == RULES["opening_hours"]
    session.expire_all()
    assert session.get(Locality, places["here"].id).min_notice_hours is None


def test_a_manager_cannot_reach_another_localitys_rules(pages, places):
    pages.sign_in(places["manager"])
    pages.get("locality.rules", 404, locality_id=places["there"].id)
    pages.get("locality.localities", 403)


@pytest.mark.parametrize(
    ("starts", "ends", "field", "message"),
    [
        ("00:00", "23:59", "day-starts_at", "starts between 07:00 and 11:00"),
        ("09:00", "23:59", "day-ends_at", "ends between 12:00 and 17:00"),
    ],
)
def test_a_school_day_that_could_not_be_one_is_refused(pages, places, starts, ends, field, message):
    pages.sign_in(places["manager"])
    page = pages.post(
        "locality.school_calendar",
        {"day-starts_at": starts, "day-ends_at": ends},
        _expected_status=422,
    )
    assert message in page.select_one(f"#{field}-error").text


def test_parents_see_how_to_reach_their_local_team(pages, places, make, session):
    here = session.get(Locality, places["here"].id)
    here.phone, here.opening_hours = "01475 000 000", "Monday to Thursday, 9am to 3pm"
    session.commit()
    pages.sign_in(make.participant(locality=places["here"]))
    text = " ".join(pages.get("home.today").text.split())
    assert "call your local team on 01475 000 000 (Monday to Thursday, 9am to 3pm)" in text


@pytest.mark.parametrize("who", ["admin", "manager"])
def test_every_link_on_the_rules_page_opens_for_whoever_reads_it(pages, places, client, who):
    pages.sign_in(places[who])
    page = pages.get("locality.rules", locality_id=places["here"].id)

    links = [a["href"] for a in page.select("main a[href^='/']")]
    assert links
    assert {href: client.get(href).status_code for href in links} == dict.fromkeys(links, 200)
