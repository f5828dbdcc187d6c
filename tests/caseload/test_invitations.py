from datetime import timedelta

import pytest
from sqlalchemy import select

from webapp.auth.tokens import hash_token
from webapp.models import AccessToken, OutboxMail, ParticipantStatus, User


def invite(pages, **overrides):
    data = {
        "keyworker_id": pages.keyworker_id,
        "name": "Kirsty Donnelly",
        "email": "kirsty@example.org",
        "phone": "",
        "children_stages": ["primary"],
        **overrides,
    }
    return pages.post("caseload.invite", data, _expected_status=200)


@pytest.fixture
def keyworker(make, pages):
    keyworker = make.keyworker(locality=make.locality())
    pages.sign_in(keyworker)
    pages.keyworker_id = keyworker.id
    return keyworker


def test_keyworker_invites_and_gets_a_link(pages, keyworker, session):
    page = invite(pages)
    link = page.select_one("[data-invite-link]").text
    parent = session.scalar(select(User).where(User.email == "kirsty@example.org"))
    assert parent.locality_id == keyworker.locality_id
    assert parent.profile.keyworker_id == keyworker.id
    assert parent.profile.children_stages == ["primary"]
    assert parent.profile.status == ParticipantStatus.INVITED
    # Only a hash is stored, and the mail went to the outbox with the same link.
    token = link.rsplit("/", 1)[1]
    assert session.scalar(select(AccessToken).where(AccessToken.token_hash == hash_token(token)))
    mail = session.scalar(select(OutboxMail).where(OutboxMail.user_id == parent.id))
    assert link in mail.body and mail.transport == "log"


def test_invite_form_explains_problems_and_keeps_what_was_typed(pages, keyworker):
    page = invite(pages, email="not-an-email", phone="12345", name="")
    assert "Enter the parent's name" in page.select_one("#name-error").text
    assert "like name@example.com" in page.select_one("#email-error").text
    assert "UK mobile number" in page.select_one("#phone-error").text
    assert page.select_one("#email")["value"] == "not-an-email"
    assert page.select_one("#phone")["value"] == "12345"
    assert page.select_one("input[value=primary]").has_attr("checked")


def test_invite_needs_an_email_or_a_phone(pages, keyworker):
    page = invite(pages, email="", phone="")
    assert "email address or a mobile number" in page.select_one("#email-error").text


def test_invite_refuses_a_contact_already_in_use(pages, keyworker, make):
    make.participant(locality=make.locality(), email="kirsty@example.org")
    page = invite(pages)
    assert "already uses this" in page.select_one("#email-error").text


def accept(pages, token, password="kettle purple seaside", agree="y", status=302):
    data = {"password": password}
    if agree:
        data["agree"] = agree
    return pages.post("auth.accept_invitation", data, _expected_status=status, token=token)


def invitation_token(pages, **overrides) -> str:
    link = invite(pages, **overrides).select_one("[data-invite-link]").text
    pages.sign_out()
    return link.rsplit("/", 1)[1]


def test_parent_accepts_sets_password_and_consent_is_recorded(pages, keyworker, session, app):
    token = invitation_token(pages)
    accept(pages, token)
    assert pages.get("home.today").h1.text.strip() == "Hello, Kirsty"
    parent = session.scalar(select(User).where(User.email == "kirsty@example.org"))
    assert parent.profile.status == ParticipantStatus.ACTIVE
    assert parent.profile.consent_version == app.config["PRIVACY_NOTICE_VERSION"]
    assert parent.profile.consented_at is not None


def test_invitation_cannot_be_used_twice(pages, keyworker):
    token = invitation_token(pages)
    accept(pages, token)
    pages.sign_out()
    page = pages.get("auth.accept_invitation", _expected_status=410, token=token)
    assert "already been used" in page.text
    accept(pages, token, status=410)


def test_expired_invitation_is_refused(pages, keyworker, session):
    token = invitation_token(pages)
    record = session.scalar(select(AccessToken).where(AccessToken.token_hash == hash_token(token)))
    record.expires_at = record.created_at - timedelta(seconds=1)
    session.commit()
    assert "expired" in pages.get("auth.accept_invitation", _expected_status=410, token=token).text


def test_wrong_token_is_not_found(pages):
    page = pages.get("auth.accept_invitation", _expected_status=404, token="made-up-token")
    assert "not right" in page.text


def test_new_invitation_link_replaces_the_old_one(pages, keyworker, session):
    old = invite(pages).select_one("[data-invite-link]").text.rsplit("/", 1)[1]
    parent = session.scalar(select(User).where(User.email == "kirsty@example.org"))
    page = pages.post("caseload.new_invitation", _expected_status=200, participant_id=parent.id)
    new = page.select_one("[data-invite-link]").text.rsplit("/", 1)[1]
    pages.sign_out()
    pages.get("auth.accept_invitation", _expected_status=410, token=old)
    pages.get("auth.accept_invitation", _expected_status=200, token=new)


@pytest.mark.parametrize(
    ("password", "agree", "message"),
    [
        ("short", "y", "at least 8 characters"),
        ("password123", "y", "too easy to guess"),
        ("kettle purple seaside", "", "Tick the box"),
    ],
)
def test_accepting_explains_each_problem(pages, keyworker, password, agree, message):
    token = invitation_token(pages)
    page = accept(pages, token, password=password, agree=agree, status=200)
    assert message in page.select_one(".error-summary").text
    # Nothing was used up: the link still works.
    pages.get("auth.accept_invitation", token=token)


def test_keyworker_issues_a_reset_link_the_parent_can_use(pages, keyworker, make):
    parent = make.participant(locality=make.locality(name="Elsewhere"), email="gemma@example.org")
    # Another locality's parent is out of scope.
    pages.post("caseload.reset_link", _expected_status=404, participant_id=parent.id)
    local = make.participant(locality=_locality_of(keyworker), email=None, phone="07700900555")
    page = pages.post("caseload.reset_link", _expected_status=200, participant_id=local.id)
    link = page.select_one("[data-invite-link]").text
    assert "no email address" in page.text
    pages.sign_out()
    token = link.rsplit("/", 1)[1]
    pages.post("auth.reset_password", {"password": "a fresh new phrase"}, token=token)
    pages.post("auth.sign_in", {"identifier": "07700 900555", "password": "a fresh new phrase"})
    pages.sign_out()
    pages.get("auth.reset_password", _expected_status=410, token=token)


def _locality_of(user):
    class _Locality:
        id = user.locality_id

    return _Locality


def test_forgotten_password_sends_a_link_without_revealing_accounts(pages, make, session):
    parent = make.participant(locality=make.locality(), email="jodie@example.org")
    known = pages.post("auth.forgot_password", {"identifier": "jodie@example.org"})
    unknown = pages.post("auth.forgot_password", {"identifier": "nobody@example.org"})
    assert known.response.location == unknown.response.location
    mails = session.scalars(select(OutboxMail)).all()
    assert [m.user_id for m in mails] == [parent.id]
    link = next(line for line in mails[0].body.splitlines() if "/reset/" in line)
    pages.post(
        "auth.reset_password",
        {"password": "short"},
        _expected_status=200,
        token=link.rsplit("/", 1)[1],
    )
