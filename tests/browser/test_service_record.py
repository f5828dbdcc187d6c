"""The service record on a phone: caseload, record, notes, a break, and the manager's reports."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_keyworker_writes_notes_and_the_parent_sees_only_the_shared_one(page, new_phone, make):
    locality = make.locality(name="Fife")
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(locality=locality, keyworker=keyworker, name="Aisha Rahman")
    manager = make.manager(locality=locality)

    sign_in(page, keyworker)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    assert fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("link", name="Aisha Rahman", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aisha Rahman")
    page.get_by_label("Note", exact=True).fill("Talked about the college course.")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator(".notice--success")).to_contain_text("Aisha can see it")
    page.get_by_label("Note", exact=True).fill("Money worries: referred to advice.")
    page.get_by_label("Staff only").check()
    page.get_by_role("button", name="Save note").click()
    page.get_by_role("link", name="Record an outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an outcome")
    assert_accessible(page)
    page.get_by_label("Outcome", exact=True).select_option("volunteering")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator(".timeline__item")).to_have_count(3)
    # Ticking a filter swaps the timeline in place (htmx), and the address keeps the filter.
    page.get_by_label("Outcomes", exact=True).check()
    expect(page.locator(".timeline__item")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"kind=outcomes"))
    assert fits_the_screen(page)
    assert_accessible(page)

    phone = new_phone()
    sign_in(phone, parent)
    phone.goto("/people/me/notes")
    expect(phone.locator(".timeline__item")).to_have_count(1)
    expect(phone.locator("main")).not_to_contain_text("Money worries")
    phone.get_by_role("link", name="Take a break, and what happens to your sessions").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Taking a break")
    phone.get_by_label("School holidays").check()
    phone.get_by_role("button", name="Take a break").click()
    expect(phone.locator(".notice--success")).to_contain_text("taking a break")
    assert_accessible(phone)

    manager_phone = new_phone()
    sign_in(manager_phone, manager)
    manager_phone.goto("/reports/")
    expect(manager_phone.locator("[data-section=outcomes] svg")).to_be_visible()
    assert_accessible(manager_phone)
