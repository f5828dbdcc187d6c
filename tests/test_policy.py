"""Every view declares who may use it, and people only ever see what is theirs."""

import pytest

from webapp.web.policy import POLICY_ATTRIBUTE


def test_every_route_declares_a_policy(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and getattr(app.view_functions[rule.endpoint], POLICY_ATTRIBUTE, None) is None
    ]
    assert undeclared == []


def test_view_without_a_policy_is_refused(another_app):
    fresh = another_app()
    fresh.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert fresh.test_client().get("/forgotten").status_code == 403


@pytest.fixture
def people(make):
    here, there = make.locality(name="Here"), make.locality(name="There")
    keyworker = make.keyworker(locality=here)
    return {
        "parent_a": make.participant(locality=here, keyworker=keyworker),
        "parent_b": make.participant(locality=here, keyworker=keyworker),
        "keyworker": keyworker,
        "other_keyworker": make.keyworker(locality=there),
        "other_manager": make.manager(locality=there),
        "manager": make.manager(locality=here),
        "admin": make.admin(),
    }


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("keyworker", 200),
        ("manager", 200),
        ("admin", 200),
        ("other_keyworker", 404),
        ("other_manager", 404),
        ("parent_b", 403),
    ],
)
def test_participant_record_is_only_for_staff_in_scope(pages, people, viewer, status):
    pages.sign_in(people[viewer])
    pages.get("caseload.record", _expected_status=status, participant_id=people["parent_a"].id)


def test_guessing_ids_answers_404(pages, people):
    pages.sign_in(people["keyworker"])
    for guess in (people["keyworker"].id, people["admin"].id, 999_999):
        pages.get("caseload.record", _expected_status=404, participant_id=guess)


def test_parent_cannot_reach_staff_pages(pages, people):
    pages.sign_in(people["parent_a"])
    pages.get("caseload.index", _expected_status=403)
    pages.get("caseload.invite", _expected_status=403)
    pages.get("home.manager", _expected_status=403)


def test_caseload_lists_only_the_locality(pages, people, make):
    pages.sign_in(people["other_keyworker"])
    page = pages.get("caseload.index")
    assert people["parent_a"].name not in page.text


def test_anonymous_is_sent_to_sign_in(client, people):
    response = client.get("/today")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")
