"""A parent with only a mobile can be invited, and get back in, by text (through the local
Notify-compatible server): a short one-time link, and pages that say it was texted only when
the provider took it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.caseload.test_invitations import accept, invite
from tests.notify_service import running_notify
from tests.smtp_server import Collector, running_smtp
from webapp.contact.choices import stop_texts
from webapp.models import OutboxMail

LINK = re.compile(r"https?://\S+/(invite|reset)/(\S+)")


@pytest.fixture
def texting(app):
    with running_notify(app) as service:
        yield service


@pytest.fixture
def locality(make):
    return make.locality()


@pytest.fixture
def keyworker(make, pages, locality):
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    pages.sign_in(keyworker)
    pages.keyworker_id = keyworker.id
    return keyworker


def link_in(text) -> tuple[str, str]:
    found = LINK.search(text.message)
    assert found, text.message
    return found.group(0), found.group(2)


def test_a_parent_with_only_a_mobile_is_invited_by_text_and_joins(pages, keyworker, texting):
    page = invite(pages, email="", phone="07700 900123")

    assert "We've sent a text with this link to 07… ending 123." in page.text
    (text,) = texting.sent
    assert text.phone_number == "+447700900123"
    link, token = link_in(text)
    assert page.select_one("[data-invite-link]").text == link
    assert text.message.startswith("Hello Kirsty. Your keyworker has invited you to CoPlan.")
    assert "7 days" in text.message and "Ewan" not in text.message
    assert len(token) <= 22 and len(text.message) <= 160 + 60  # one or two text parts

    pages.sign_out()
    accept(pages, token)
    pages.sign_out()
    pages.get("auth.accept_invitation", _expected_status=410, token=token)  # once only


def test_an_invitation_the_provider_refuses_is_not_said_to_be_sent(pages, keyworker, texting):
    texting.answers = [500]
    page = invite(pages, email="", phone="07700900123")

    assert "We've sent" not in page.text
    assert "We couldn't text 07… ending 123 just now: read this link to them" in page.text
    assert page.select_one("[data-invite-link]").text.startswith("http")
    assert texting.sent == []


def test_with_both_the_invitation_goes_by_email_and_text(app, pages, keyworker, texting):
    with running_smtp(app, Collector()):
        page = invite(pages, email="kirsty@example.org", phone="07700900123")
    assert (
        "We've emailed this link to kirsty@example.org and sent a text with it to 07… ending 123."
        in page.text
    )
    assert len(texting.sent) == 1


def test_no_text_after_stop_and_the_page_does_not_say_one_failed(
    pages, keyworker, texting, make, session, locality
):
    parent = make.participant(
        locality=locality, keyworker=keyworker, email=None, phone="07700900124"
    )
    stop_texts(session, session.merge(parent))
    session.commit()
    page = pages.post("caseload.reset_link", _expected_status=200, participant_id=parent.id)
    assert texting.sent == []
    assert "has no email address: text them this link, or read it to them." in page.text


def test_a_keyworker_sends_a_reset_link_by_text(pages, keyworker, texting, make, locality):
    parent = make.participant(
        locality=locality, keyworker=keyworker, email=None, phone="07700900125"
    )
    page = pages.post("caseload.reset_link", _expected_status=200, participant_id=parent.id)
    assert "We've sent a text with this link to 07… ending 125." in page.text
    (text,) = texting.sent
    assert link_in(text)[0] == page.select_one("[data-invite-link]").text


def test_a_parent_resets_their_password_by_giving_their_mobile(pages, make, texting):
    make.participant(locality=make.locality(), email=None, phone="07700900126")

    known = pages.post("auth.forgot_password", {"identifier": "07700 900126"})
    unknown = pages.post("auth.forgot_password", {"identifier": "07700 900999"})

    assert known.response.location == unknown.response.location
    signed_in_page = pages.get("auth.sign_in")
    assert "If that mobile number has a CoPlan account, we've sent it a text" in (
        signed_in_page.text
    )
    (text,) = texting.sent  # none to the unknown number
    assert text.phone_number == "+447700900126"
    assert "24 hours" in text.message
    _, token = link_in(text)
    pages.post("auth.reset_password", {"password": "a fresh new phrase"}, token=token)
    pages.post("auth.sign_in", {"identifier": "07700900126", "password": "a fresh new phrase"})
    pages.sign_out()
    pages.get("auth.reset_password", _expected_status=410, token=token)


def test_without_texts_a_mobile_typed_still_gets_the_email(pages, make, session):
    parent = make.participant(locality=make.locality(), email="jo@example.org", phone="07700900127")
    pages.post("auth.forgot_password", {"identifier": "07700900127"})
    assert "If that email address has a CoPlan account" in pages.get("auth.sign_in").text
    mail = session.scalar(select(OutboxMail).where(OutboxMail.user_id == parent.id))
    assert "/reset/" in mail.body
