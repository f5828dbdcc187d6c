"""A page someone may not see says what they can do, in words for their role."""

import pytest


@pytest.fixture
def here(make):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality)
    return {
        "locality": locality,
        "keyworker": keyworker,
        "parent": make.participant(locality=locality, keyworker=keyworker),
        "manager": make.manager(locality=locality),
    }


def test_a_parent_on_a_staff_page_is_not_told_to_ask_their_manager(pages, here):
    pages.sign_in(here["parent"])
    page = pages.get("caseload.index", _expected_status=403)
    assert "manager" not in page.text
    assert "This page is for staff" in page.text


def test_a_manager_on_the_diary_is_not_told_to_ask_their_manager(pages, here):
    pages.sign_in(here["manager"])
    page = pages.get("sessions.diary", _expected_status=403)
    assert "ask your manager" not in page.text
    assert "admin" in page.text


def test_a_keyworker_on_a_managers_page_is_told_to_ask_their_manager(pages, here):
    pages.sign_in(here["keyworker"])
    page = pages.get("reports.index", _expected_status=403)
    assert "ask your manager" in page.text
