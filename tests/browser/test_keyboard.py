"""A parent who uses only a keyboard (or a switch) can sign in, book a session and check in.
Every step is reached with Tab and done with Enter, Space or the arrow keys, and the focus is
always visible."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.demo import PARENT, demo_data
from webapp.demo import DEMO_PASSWORD

__all__ = ["demo_data"]

FOCUS_IS_VISIBLE = """(el) => {
    const style = getComputedStyle(el);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        || style.boxShadow !== 'none';
}"""


def tab_to(page, target, most: int = 120) -> None:
    """Press Tab until `target` has the focus, and check that the focus can be seen."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("(el) => el === document.activeElement"):
            assert target.evaluate(FOCUS_IS_VISIBLE), f"focus on {target} cannot be seen"
            return
    raise AssertionError(f"Tab never reached {target}")


def sign_in_by_keyboard(page) -> None:
    page.goto("/sign-in")
    tab_to(page, page.get_by_label("Email or mobile number"))
    page.keyboard.type(PARENT)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_skip_link_takes_the_focus_past_the_nav(page, demo_data):
    sign_in_by_keyboard(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_parent_books_a_session_with_the_keyboard_alone(page, demo_data):
    sign_in_by_keyboard(page)
    tab_to(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your sessions")

    tab_to(page, page.get_by_role("link", name="Book a session"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a time")

    slot = page.locator("[data-slot]").first
    chosen = slot.locator(".slot__time").inner_text().split(" to ")[0]
    tab_to(page, slot)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book this session?")
    tab_to(page, page.get_by_role("button", name="Book it"))
    page.keyboard.press("Enter")
    expect(page.locator(".notice--success")).to_contain_text("Booked")
    expect(page.locator(".session").filter(has_text=chosen).first).to_be_visible()


def test_parent_checks_in_with_the_keyboard_alone(page, demo_data):
    sign_in_by_keyboard(page)
    tab_to(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Check in"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("How are you doing?")

    scales = page.locator("form fieldset:has(input[type=radio])")
    assert scales.count() >= 7
    for index in range(scales.count()):
        scale = scales.nth(index)
        tab_to(page, scale.locator("input[type=radio]").first)
        page.keyboard.press("ArrowRight")  # the arrow keys choose within a scale
        page.keyboard.press("ArrowRight")
        expect(scale.locator("input[type=radio]:checked")).to_have_count(1)

    tab_to(page, page.get_by_role("button", name="Send my check-in"))
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Your check-in is saved")
