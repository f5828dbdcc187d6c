"""Check-ins at the school gate with no signal: saved on the phone, sent once, never lost."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import assert_accessible, controlled_by_service_worker, sign_in
from webapp.models import CheckIn
from webapp.web.extensions import db

SAVED_OFFLINE = "Saved on this phone — will send when you're back online."


def stored_checkins(participant) -> int:
    db.session.expire_all()
    count = db.session.scalar(
        select(func.count()).select_from(CheckIn).where(CheckIn.participant_id == participant.id)
    )
    db.session.rollback()  # let go of SQLite's write lock so the live server can write
    return count


def answer_everything(page, wellbeing="Often", confidence="7"):
    for fieldset in page.locator("fieldset.scale--wellbeing").all():
        fieldset.get_by_text(wellbeing, exact=True).click()
    for fieldset in page.locator("fieldset.scale--confidence").all():
        fieldset.get_by_text(confidence, exact=True).click()


def outbox_count(page) -> int:
    return page.evaluate("() => Number(document.body.dataset.outboxCount || 0)")


def ready_for_offline(page):
    """Wait until the service worker controls the page and the outbox knows who is signed in."""
    controlled_by_service_worker(page)
    page.wait_for_function("() => document.body.dataset.outboxCount !== undefined")


def test_three_check_ins_offline_arrive_once_when_back_online(page, make):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(locality=locality, keyworker=keyworker)
    sign_in(page, parent)
    page.goto("/checkin")
    ready_for_offline(page)
    assert_accessible(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the check-in page scrolls sideways on a phone"

    page.context.set_offline(True)
    for n in range(3):
        answer_everything(page, confidence=str(n + 4))
        if n == 0:
            page.get_by_label("Anything else on your mind? (optional)").fill("Rough night")
            page.get_by_label("Share this note with my keyworker").check()
        page.get_by_role("button", name="Send my check-in").click()
        expect(page.locator("[data-outbox-message]")).to_have_text(SAVED_OFFLINE)
        expect(page.locator(".outbox-bar")).to_contain_text(f"{n + 1} check-in")
    assert outbox_count(page) == 3
    assert stored_checkins(parent) == 0

    # With no signal the app still opens: the blank check-in form, kept by the service worker.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("How are you doing?")
    expect(page.locator(".outbox-bar")).to_contain_text("3 check-ins saved on this phone")
    expect(page.locator("[data-keyworker]")).to_contain_text("Ewan MacLeod")
    assert page.locator("form[data-shell]").count() == 1
    assert_accessible(page)
    assert stored_checkins(parent) == 0

    page.context.set_offline(False)
    page.wait_for_function("() => document.body.dataset.outboxCount === '0'")
    expect(page.locator(".outbox-bar")).to_be_hidden()
    assert stored_checkins(parent) == 3
    notes = db.session.scalars(select(CheckIn.note).where(CheckIn.note.is_not(None))).all()
    db.session.rollback()
    assert notes == ["Rough night"]

    # Back online, a check-in goes straight through.
    page.goto("/checkin")
    answer_everything(page)
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.locator("[data-outbox-message]")).to_have_text("Thank you. Your check-in is saved.")
    assert stored_checkins(parent) == 4
    assert outbox_count(page) == 0


def test_entries_wait_through_an_expired_session_and_arrive_after_signing_in(page, make):
    parent = make.participant(locality=make.locality())
    sign_in(page, parent)
    page.goto("/checkin")
    ready_for_offline(page)

    page.context.set_offline(True)
    for _ in range(2):
        answer_everything(page)
        page.get_by_role("button", name="Send my check-in").click()
        expect(page.locator("[data-outbox-message]")).to_have_text(SAVED_OFFLINE)

    # The session runs out while the phone has no signal.
    page.context.clear_cookies()
    page.context.set_offline(False)
    expect(page.locator(".outbox-bar")).to_contain_text("waiting for you to sign in again")
    assert outbox_count(page) == 2
    assert stored_checkins(parent) == 0

    sign_in(page, parent)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    page.wait_for_function("() => document.body.dataset.outboxCount === '0'")
    assert stored_checkins(parent) == 2


def test_signing_out_with_unsent_check_ins_warns_first(page, make):
    parent = make.participant(locality=make.locality())
    sign_in(page, parent)
    page.goto("/checkin")
    ready_for_offline(page)
    page.context.set_offline(True)
    answer_everything(page)
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.locator(".outbox-bar")).to_contain_text("1 check-in saved on this phone")

    warnings = []

    def dismiss(dialog):
        warnings.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Sign out").click()
    assert "1 check-in on this phone hasn't been sent yet" in warnings[0]
    assert "deleted from this phone" in warnings[0]
    expect(page.get_by_role("heading", level=1)).to_have_text("How are you doing?")
    assert outbox_count(page) == 1
    page.context.set_offline(False)
    page.wait_for_function("() => document.body.dataset.outboxCount === '0'")
    assert stored_checkins(parent) == 1


def test_server_trouble_keeps_entries_and_a_refusal_is_shown_with_its_reason(page, make):
    parent = make.participant(locality=make.locality())
    sign_in(page, parent)
    page.goto("/checkin")
    ready_for_offline(page)

    # The page and the service worker (Background Sync) may both try: answer each the same.
    answer = {"status": 503}
    served = []

    def server(route):
        served.append(answer["status"])
        if answer["status"] != 200:
            route.fulfill(status=answer["status"], json={"error": "busy"})
            return
        uuid = route.request.post_data_json["checkins"][0]["uuid"]
        result = {"uuid": uuid, "status": "rejected", "code": 422, "reason": "Too odd to keep."}
        route.fulfill(status=200, json={"results": [result], "counts": {"rejected": 1}})

    def wait_until_served(status):
        for _ in range(100):
            if status in served:
                page.wait_for_timeout(300)
                return
            page.wait_for_timeout(100)
        raise AssertionError(f"the outbox never tried and got {status}: {served}")

    page.context.route("**/api/v1/checkins", server)
    answer_everything(page)
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.locator("[data-outbox-message]")).to_have_text(SAVED_OFFLINE)
    wait_until_served(503)
    assert outbox_count(page) == 1

    answer["status"] = 429
    page.reload()  # the next page load tries again
    wait_until_served(429)
    assert outbox_count(page) == 1
    expect(page.locator(".outbox-bar")).to_contain_text("1 check-in saved on this phone")

    answer["status"] = 200
    page.reload()  # and again: this time the server refuses it
    failed = page.locator("[data-outbox-failed]")
    expect(failed).to_be_visible()
    expect(failed).to_contain_text("Too odd to keep.")
    expect(page.locator(".outbox-bar")).to_contain_text("1 check-in couldn't be sent")
    assert outbox_count(page) == 0
    assert_accessible(page)
    failed.get_by_role("button", name="Delete it from this phone").click()
    expect(failed).to_be_hidden()
    page.context.unroute("**/api/v1/checkins")
    assert stored_checkins(parent) == 0


def test_my_journey_is_accessible_on_a_phone(page, make):
    parent = make.participant(locality=make.locality())
    sign_in(page, parent)
    for level in ("Rarely", "Often"):
        page.goto("/checkin")
        ready_for_offline(page)
        answer_everything(page, wellbeing=level)
        page.get_by_role("button", name="Send my check-in").click()
        expect(page.locator("[data-outbox-message]")).to_have_text(
            "Thank you. Your check-in is saved."
        )
    page.goto("/journey")
    expect(page.locator(".journey__summary")).to_contain_text("Your wellbeing")
    assert page.locator("svg[role=img]").count() == 7
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the journey scrolls sideways on a phone"
    assert_accessible(page)


def test_signed_out_in_another_tab_a_check_in_waits_and_says_sign_in_again(page, make):
    parent = make.participant(locality=make.locality())
    sign_in(page, parent)
    page.goto("/checkin")
    ready_for_offline(page)

    # Signing out in another tab clears this site's storage, the outbox's database included.
    other = page.context.new_page()
    other.goto("/today")
    other.get_by_role("button", name="Sign out").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Sign in")
    other.close()

    answer_everything(page)
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.locator("[data-outbox-message]")).to_have_text(
        "Saved on this phone. Sign in again to send it."
    )
    expect(page.locator(".outbox-bar")).to_contain_text("waiting for you to sign in again")
    assert outbox_count(page) == 1
    assert stored_checkins(parent) == 0

    sign_in(page, parent)
    page.wait_for_function("() => document.body.dataset.outboxCount === '0'")
    assert stored_checkins(parent) == 1
