"""A parent changes their own password, email address (confirmed by a link) and mobile."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.factories.people import PASSWORD
from webapp.models import OutboxMail, User

NEW_PASSWORD = "purple kettle mountain"


def mail_to(session, address: str) -> list[OutboxMail]:
    return list(session.scalars(select(OutboxMail).where(OutboxMail.to_address == address)))


def test_a_parent_changes_their_password_and_stays_signed_in_here(make, pages, session):
    parent = make.participant(locality=make.locality(), email="aisha@example.org")
    pages.sign_in(parent)
    assert pages.get("privacy.index").find("a", href=pages.url("auth.account"))
    page = pages.post(
        "auth.change_password",
        {"current_password": "not it", "password": NEW_PASSWORD},
        expect=422,
    )
    assert "That isn't your current password." in page.select_one("#current_password-error").text
    pages.post("auth.change_password", {"current_password": PASSWORD, "password": NEW_PASSWORD})
    assert "Your password has been changed" in pages.get("auth.account").text
    pages.sign_out()
    pages.post("auth.sign_in", {"identifier": parent.email, "password": PASSWORD}, expect=200)
    pages.sign_in(parent, password=NEW_PASSWORD)
    pages.get("auth.account")


def test_a_new_email_counts_only_once_its_link_is_opened_and_the_old_address_is_told(
    make, pages, session
):
    parent = make.participant(locality=make.locality(), email="aisha@example.org")
    make.participant(locality=make.locality(), email="taken@example.org")
    pages.sign_in(parent)
    page = pages.post(
        "auth.change_email",
        {"email": "taken@example.org", "current_password": PASSWORD},
        expect=422,
    )
    assert "belongs to another CoPlan account" in page.select_one("#email-error").text
    assert page.select_one("#email")["value"] == "taken@example.org"
    pages.post(
        "auth.change_email", {"email": "Aisha.New@example.org", "current_password": PASSWORD}
    )
    assert session.get(User, parent.id).email == "aisha@example.org"
    [mail] = mail_to(session, "aisha.new@example.org")
    link = re.search(r"http://\S+/account/email/confirm/\S+", mail.body).group(0)
    opened = pages.client.get(link)
    assert opened.status_code == 302
    session.expire_all()
    assert session.get(User, parent.id).email == "aisha.new@example.org"
    [told] = mail_to(session, "aisha@example.org")
    assert "changed to aisha.new@example.org" in told.body
    assert pages.client.get(link).status_code == 410  # used once


def test_a_parent_changes_their_mobile_checked_as_a_uk_mobile(make, pages, session):
    parent = make.participant(locality=make.locality(), email="aisha@example.org")
    pages.sign_in(parent)
    page = pages.post("auth.change_mobile", {"phone": "12345"}, expect=422)
    assert "Enter a UK mobile number" in page.select_one("#phone-error").text
    assert page.select_one("#phone")["value"] == "12345"
    pages.post("auth.change_mobile", {"phone": "07700 900123"})
    assert session.get(User, parent.id).phone == "07700900123"
    assert "07700900123" in pages.get("auth.account").select_one(".summary-list").text


def test_a_parent_who_signs_in_by_mobile_cannot_remove_it(make, pages, session):
    parent = make.participant(locality=make.locality(), phone="07700900456")
    pages.sign_in(parent)
    page = pages.post("auth.change_mobile", {"phone": ""}, expect=422)
    assert "can't be removed" in page.select_one("#phone-error").text
    session.expire_all()
    assert session.get(User, parent.id).phone == "07700900456"
