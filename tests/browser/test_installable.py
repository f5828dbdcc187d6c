"""CoPlan installs like an app and opens with no signal (Lighthouse no longer checks this)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, controlled_by_service_worker, sign_in

INSTALL_EVENT = """() => {
    const event = new Event("beforeinstallprompt", {cancelable: true});
    event.prompt = () => { window.installPrompted = true; return Promise.resolve(); };
    event.userChoice = Promise.resolve({outcome: "accepted", platform: "web"});
    window.dispatchEvent(event);
    return event.defaultPrevented;
}"""


def test_manifest_has_what_an_install_needs_and_its_images_load(page):
    page.goto("/sign-in")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(href).json()
    for field in ("name", "short_name", "description", "id", "start_url", "scope", "lang"):
        assert manifest[field], field
    assert manifest["display"] == "standalone"
    assert (
        page.locator("meta[name=theme-color]").get_attribute("content") == (manifest["theme_color"])
    )
    purposes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    assert manifest["screenshots"], "the install dialog shows no screenshots"
    for screenshot in manifest["screenshots"]:
        assert screenshot["form_factor"] == "narrow" and screenshot["label"]
    # Every image loads, at the size the manifest says.
    for image in manifest["icons"] + manifest["screenshots"]:
        size = page.evaluate(
            """(src) => new Promise((resolve, reject) => {
                const img = new Image();
                img.onload = () => resolve(`${img.naturalWidth}x${img.naturalHeight}`);
                img.onerror = reject;
                img.src = src;
            })""",
            image["src"],
        )
        assert size == image["sizes"], image["src"]
    width, height = map(int, manifest["screenshots"][0]["sizes"].split("x"))
    assert height > width, "phone screenshots are portrait"
    response = page.goto(manifest["start_url"])
    assert response.ok


def test_service_worker_controls_the_page_and_offline_pages_explain_themselves(page, make):
    parent = make.participant(locality=make.locality(), name="Shannon McBride")
    sign_in(page, parent)
    controlled_by_service_worker(page)
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")

    page.context.set_offline(True)
    try:
        page.goto("/today")
        expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
        expect(page.get_by_text("Check-ins")).to_be_visible()
        expect(page.get_by_role("heading", name="What needs a signal")).to_be_visible()
        assert "Shannon" not in page.content()
        # Styled from the phone's copy of the stylesheet, not a bare page.
        header = page.locator(".site-header")
        assert header.evaluate("(el) => getComputedStyle(el).backgroundColor") != (
            "rgba(0, 0, 0, 0)"
        )
        assert_accessible(page)
    finally:
        page.context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Shannon")


def test_install_is_offered_from_the_second_visit_and_not_now_is_respected(page, make):
    parent = make.participant(locality=make.locality(), name="Kirsty Donnelly")
    sign_in(page, parent)
    offer = page.get_by_role("region", name="Add CoPlan to your home screen")
    assert page.evaluate(INSTALL_EVENT), "the browser's own banner was not held back"
    expect(offer).to_be_hidden()  # never on a first visit

    second_visit = page.context.new_page()
    second_visit.goto("/today")
    assert second_visit.evaluate(INSTALL_EVENT)
    offer = second_visit.get_by_role("region", name="Add CoPlan to your home screen")
    expect(offer).to_be_visible()
    assert_accessible(second_visit)
    offer.get_by_role("button", name="Add to home screen").click()
    assert second_visit.evaluate("() => window.installPrompted === true")
    expect(offer).to_be_hidden()

    third_visit = page.context.new_page()
    third_visit.goto("/today")
    third_visit.evaluate(INSTALL_EVENT)
    offer = third_visit.get_by_role("region", name="Add CoPlan to your home screen")
    offer.get_by_role("button", name="Not now").click()
    expect(offer).to_be_hidden()
    fourth_visit = page.context.new_page()
    fourth_visit.goto("/today")
    fourth_visit.evaluate(INSTALL_EVENT)
    expect(fourth_visit.get_by_role("region", name="Add CoPlan to your home screen")).to_be_hidden()


def test_install_is_offered_straight_after_a_first_check_in(page, make):
    parent = make.participant(locality=make.locality(), name="Jodie Fraser")
    sign_in(page, parent)
    page.goto("/checkin")
    page.evaluate(INSTALL_EVENT)
    offer = page.get_by_role("region", name="Add CoPlan to your home screen")
    expect(offer).to_be_hidden()  # a first visit

    scales = page.locator("form fieldset:has(input[type=radio])")
    for index in range(scales.count()):
        scales.nth(index).locator("label").nth(2).click()
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.locator("main")).to_contain_text("Your check-in is saved")
    expect(offer).to_be_visible()
