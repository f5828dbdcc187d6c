"""Asking to join: a parent (or a partner for them) asks from the public page, and the
locality's staff accept the request as an invitation or decline it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from webapp.clock import LONDON, utcnow
from webapp.joining.queries import working_days_before
from webapp.models import (
    AuditEvent,
    JoinRequest,
    JoinRequestStatus,
    ParticipantStatus,
    ReferredBy,
    User,
)


@pytest.fixture
def team(make):
    here, there = make.locality(name="Inverclyde"), make.locality(name="Fife")
    return {
        "here": here,
        "there": there,
        "keyworker": make.keyworker(locality=here, name="Ewan MacLeod"),
        "manager": make.manager(locality=here),
        "elsewhere": make.keyworker(locality=there),
    }


def ask(pages, team, expected=302, **overrides):
    data = {
        "referred_by": "self",
        "name": "Nadia Hussain",
        "phone": "07700 900123",
        "locality_id": team["here"].id,
        "children_stages": ["primary"],
        "best_times": "Mornings after the school run",
        "consent": "y",
        **overrides,
    }
    return pages.post("joining.ask_to_join", data, _expected_status=expected)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def waiting(session, *, locality, name="Nadia Hussain", days_ago=0) -> JoinRequest:
    join_request = JoinRequest(
        locality_id=locality.id,
        name=name,
        phone="07700900123",
        consented_at=utcnow(),
        created_at=utcnow() - timedelta(days=days_ago),
    )
    session.add(join_request)
    session.commit()
    return join_request


def test_a_parent_with_only_a_mobile_asks_to_join(pages, team, session):
    users_before = count(session, User)
    answer = ask(pages, team)

    assert answer.response.location == pages.url("joining.thanks")
    assert "within 5 working days" in pages.get("joining.thanks").text
    stored = session.scalar(select(JoinRequest))
    assert (stored.name, stored.phone, stored.email) == ("Nadia Hussain", "07700900123", None)
    assert stored.locality_id == team["here"].id and stored.children_stages == ["primary"]
    assert stored.referred_by == ReferredBy.SELF and stored.referrer_name is None
    assert count(session, User) == users_before  # no account until staff invite them


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "", "email": ""}, "phone", "Enter a mobile number or an email address."),
        ({"phone": "0141 555 0000"}, "phone", "Enter a UK mobile number"),
        ({"consent": ""}, "consent", "Tick the box"),
        ({"referred_by": "jobcentre"}, "referrer_name", "who referred them"),
        ({"referred_by": "school", "referrer_name": "Ms Reid"}, "referrer_contact", "phone number"),
    ],
)
def test_a_mistake_is_explained_next_to_the_field_and_what_was_typed_is_kept(
    pages, team, session, overrides, field, message
):
    page = ask(pages, team, expected=422, **overrides)

    assert message in page.select_one(f"#{field}-error").text
    assert page.select_one("#name")["value"] == "Nadia Hussain"
    assert "Mornings after the school run" in page.select_one("#best_times").text
    assert count(session, JoinRequest) == 0


def test_a_partner_refers_a_parent(pages, team, session):
    ask(
        pages,
        team,
        referred_by="health-visitor",
        referrer_name="Jo Bell",
        referrer_contact="jo.bell@nhs.example",
    )
    stored = session.scalar(select(JoinRequest))
    assert stored.is_referral and stored.referrer_name == "Jo Bell"


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(pages, team, session):
    answer = ask(pages, team, website="http://spam.example")
    assert answer.response.location == pages.url("joining.thanks")
    assert count(session, JoinRequest) == 0


def test_many_posts_from_one_address_are_limited_with_a_plain_message(pages, team, session):
    answers = [
        pages.client.post(
            pages.url("joining.ask_to_join"),
            data={
                "csrf_token": pages.csrf_token(),
                "name": f"Person {n}",
                "phone": "07700900123",
                "locality_id": team["here"].id,
                "referred_by": "self",
                "consent": "y",
            },
        ).status_code
        for n in range(100)
    ]
    assert answers.count(302) == 20 and answers.count(429) == 80
    limited = pages.client.post(
        pages.url("joining.ask_to_join"), data={"csrf_token": pages.csrf_token()}
    )
    assert "Wait a few minutes, then try again." in limited.get_data(as_text=True)
    assert count(session, JoinRequest) == 20


def test_staff_see_each_request_of_their_locality_once(pages, team, session):
    mine = waiting(session, locality=team["here"])
    waiting(session, locality=team["there"], name="Someone Elsewhere")

    pages.sign_in(team["keyworker"])
    names = [a.text for a in pages.get("joining.queue").select("main h2 a")]
    assert names == ["Nadia Hussain"]
    pages.sign_out()
    pages.sign_in(team["elsewhere"])
    pages.get("joining.decide", 404, join_request_id=mine.id)


def test_accepting_makes_an_invitation_once(pages, team, session):
    join_request = waiting(session, locality=team["here"])
    pages.sign_in(team["keyworker"])

    page = pages.post(
        "joining.decide",
        {"accept-keyworker_id": team["keyworker"].id},
        _expected_status=200,
        join_request_id=join_request.id,
    )

    assert "has no email address: text them this link" in page.text
    assert "/invite/" in page.select_one("[data-invite-link]")["href"]
    parent = session.scalar(select(User).where(User.name == "Nadia Hussain"))
    assert parent.phone == "07700900123" and parent.locality_id == team["here"].id
    assert parent.profile.keyworker_id == team["keyworker"].id
    assert parent.profile.status == ParticipantStatus.INVITED
    session.refresh(join_request)
    assert join_request.status == JoinRequestStatus.ACCEPTED
    assert join_request.participant_id == parent.id
    assert pages.get("joining.queue").select("main h2 a") == []

    again = pages.post(
        "joining.decide",
        {"accept-keyworker_id": team["keyworker"].id},
        _expected_status=409,
        join_request_id=join_request.id,
    )
    assert "Ewan MacLeod accepted this request" in " ".join(again.text.split())
    assert (
        session.scalar(select(func.count()).select_from(User).where(User.name == "Nadia Hussain"))
        == 1
    )


def test_declining_needs_a_reason_and_is_audited(pages, team, session):
    join_request = waiting(session, locality=team["here"])
    pages.sign_in(team["manager"])

    refused = pages.post(
        "joining.decline",
        {"decline-reason": ""},
        _expected_status=422,
        join_request_id=join_request.id,
    )
    assert "Give a reason." in refused.select_one("#decline-reason-error").text
    pages.post(
        "joining.decline",
        {"decline-reason": "Lives outside the area: referred to Renfrewshire."},
        join_request_id=join_request.id,
    )

    session.refresh(join_request)
    assert join_request.status == JoinRequestStatus.DECLINED
    assert join_request.decline_reason.startswith("Lives outside")
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "join_request.declined")
        )
        == 1
    )


def test_a_request_waiting_over_five_working_days_is_flagged(pages, team, session):
    waiting(session, locality=team["here"], name="Old Request", days_ago=8)
    waiting(session, locality=team["here"], name="New Request", days_ago=0)
    pages.sign_in(team["manager"])

    cards = {
        card.h2.text.strip(): card.text for card in pages.get("joining.queue").select("main li")
    }
    assert "Waiting over 5 working days" in cards["Old Request"]
    assert "Waiting over 5 working days" not in cards["New Request"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 7), date(2026, 11, 30)),  # Monday -> the Monday before
        (date(2026, 12, 4), date(2026, 11, 27)),  # Friday -> the Friday before
        (date(2026, 12, 6), date(2026, 11, 30)),  # Sunday -> five weekdays back from Friday
    ],
)
def test_working_days_skip_weekends(day, expected):
    assert working_days_before(day, 5) == expected
    assert datetime.combine(expected, datetime.min.time(), LONDON).weekday() < 5


def test_the_managers_home_flags_requests_waiting_too_long(pages, team, session):
    pages.sign_in(team["manager"])
    assert "waited more than 5 working days" not in pages.get("home.manager").text
    waiting(session, locality=team["here"], name="Old Request", days_ago=8)
    page = pages.get("home.manager")
    assert "A request to join has waited more than 5 working days" in " ".join(page.text.split())
