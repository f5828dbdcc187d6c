"""Messages with no signal: a parent replies on the bus, and the keyworker sees it once."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, controlled_by_service_worker, sign_in
from webapp.models import Message
from webapp.web.extensions import db


def bodies(participant) -> list[str]:
    db.session.expire_all()
    found = list(
        db.session.scalars(
            select(Message.body)
            .where(Message.participant_id == participant.id)
            .order_by(Message.id)
        )
    )
    db.session.rollback()  # let go of SQLite's write lock so the live server can write
    return found


def test_a_reply_written_offline_is_sent_once_when_back_online(page, new_phone, make):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(locality=locality, keyworker=keyworker, name="Aisha Rahman")

    office = new_phone()
    sign_in(office, keyworker)
    office.goto(f"/people/{parent.id}/messages")
    office.get_by_label("Message to Aisha").fill("Can you do Friday at 10?")
    office.get_by_role("button", name="Send").click()
    expect(office.locator("#latest")).to_contain_text("Can you do Friday at 10?")

    sign_in(page, parent)
    page.goto("/messages")
    controlled_by_service_worker(page)
    page.wait_for_function("() => document.body.dataset.outboxCount !== undefined")
    expect(page.locator("#latest")).to_contain_text("Ewan MacLeod")
    assert_accessible(page)

    page.context.set_offline(True)
    page.get_by_label("Your message").fill("Friday is fine, see you then")
    send = page.get_by_role("button", name="Send")
    send.dblclick()  # a double tap on a slow phone
    expect(page.locator("[data-outbox-message]")).to_contain_text("Saved on this phone")
    expect(page.locator("[data-waiting-messages]")).to_contain_text("Friday is fine")
    expect(page.locator(".outbox-bar")).to_contain_text("1 message saved on this phone")
    assert bodies(parent) == ["Can you do Friday at 10?"]

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.body.dataset.outboxCount === '0'")
    assert bodies(parent) == ["Can you do Friday at 10?", "Friday is fine, see you then"]

    office.reload()
    expect(office.locator("#latest")).to_contain_text("Friday is fine, see you then")
    assert office.get_by_text("Friday is fine, see you then").count() == 1


def test_a_document_goes_with_a_message_even_with_the_outbox_in_charge(page, new_phone, make):
    """The outbox keeps words, not files: a message with a document is a normal form post."""
    from tests.factories.documents import HTML_CLAIMING_TO_BE_A_PDF, jpeg_with_location

    locality = make.locality()
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(locality=locality, keyworker=keyworker, name="Aisha Rahman")
    sign_in(page, parent)
    page.goto("/messages")
    controlled_by_service_worker(page)
    page.wait_for_function("() => document.body.dataset.outboxCount !== undefined")

    page.get_by_label("Your message").fill("My CV")
    page.get_by_label("Add a document").set_input_files(
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": HTML_CLAIMING_TO_BE_A_PDF}
    )
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#document-error")).to_contain_text("isn't a PDF, JPEG or PNG")
    expect(page.get_by_label("Your message")).to_have_value("My CV")
    assert_accessible(page)

    page.get_by_label("Add a document").set_input_files(
        {"name": "form.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_location()}
    )
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#latest .documents")).to_contain_text("form.jpg")
    assert bodies(parent) == ["My CV"]

    office = new_phone()
    sign_in(office, keyworker)
    office.goto(f"/people/{parent.id}/messages")
    with office.expect_download() as download:
        office.locator("#latest .documents a").click()
    assert download.value.suggested_filename == "form.jpg"
