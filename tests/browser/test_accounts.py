"""First journeys on a phone: invite, accept, sign in, wrong password, sign out."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, controlled_by_service_worker, sign_in


def test_keyworker_invites_a_parent_who_joins_and_signs_in(page, new_phone, make):
    locality = make.locality(name="Dundee")
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")

    sign_in(page, keyworker)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    assert_accessible(page)
    page.get_by_role("link", name="Invite a parent").first.click()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Kirsty Donnelly")
    page.get_by_label("Email address (optional)").fill("kirsty@example.org")
    page.get_by_label("Primary school").check()
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation ready")
    link = page.locator("[data-invite-link]").inner_text()

    parent = new_phone()
    parent.goto(link)
    expect(parent.get_by_role("heading", level=1)).to_have_text("Welcome, Kirsty")
    assert_accessible(parent)
    parent.get_by_label("Choose a password").fill("password")
    parent.get_by_role("button", name="Join CoPlan").click()
    expect(parent.locator("#password-error")).to_contain_text("too easy to guess")
    expect(parent.locator("#agree-error")).to_contain_text("Tick the box")
    assert_accessible(parent)
    parent.get_by_label("Choose a password").fill("kettle purple seaside")
    parent.get_by_label("I have read how CoPlan uses my information and I agree").check()
    parent.get_by_role("button", name="Join CoPlan").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Hello, Kirsty")
    assert_accessible(parent)

    # The link cannot be used twice.
    parent.goto(link)
    expect(parent.get_by_role("heading", level=1)).to_have_text("This link doesn't work")

    # Signing out and in again works on a 360 px wide phone.
    parent.get_by_role("button", name="Sign out").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Sign in")
    sign_in(parent, "kirsty@example.org", "kettle purple seaside")
    expect(parent.get_by_role("heading", level=1)).to_have_text("Hello, Kirsty")


def test_wrong_password_is_explained_and_keeps_what_was_typed(page, make):
    parent = make.participant(locality=make.locality(), email="aisha@example.org")
    sign_in(page, parent, password="not my password")
    expect(page.locator("#password-error")).to_contain_text("not right")
    expect(page.get_by_label("Email or mobile number")).to_have_value("aisha@example.org")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_accessible(page)


def test_sign_in_page_fits_a_small_phone_and_is_accessible(page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/sign-in")
    assert_accessible(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the sign-in page scrolls sideways at 320 px"


def test_service_worker_takes_control_and_offline_page_opens(page, make):
    parent = make.participant(locality=make.locality())
    sign_in(page, parent)
    controlled_by_service_worker(page)
    page.context.set_offline(True)
    page.goto("/today")
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    assert re.search(r"check-in", page.content(), re.I)
    page.context.set_offline(False)
