"""The staff pages: a manager invites, moves, deactivates and reactivates their staff, and
resets a lost two-step device."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.auth.test_two_factor import enrol
from tests.smtp_server import Collector, running_smtp
from webapp.models import (
    AuditEvent,
    BookedSession,
    RecoveryCode,
    Role,
    SessionMode,
    TwoFactorCredential,
    User,
)

LINK = re.compile(r"http://\S+/invite/(\S+)")


@pytest.fixture
def team(make):
    here, there = make.locality(name="Inverclyde"), make.locality(name="Fife")
    return {
        "here": here,
        "there": there,
        "manager": make.manager(locality=here, name="Morag Campbell"),
        "keyworker": make.keyworker(locality=here, name="Ewan MacLeod"),
        "elsewhere": make.keyworker(locality=there, name="Sam Fife"),
    }


def invite(pages, team, **overrides):
    data = {
        "name": "Rona Kerr",
        "email": "rona@example.org",
        "role": "keyworker",
        "locality_id": team["here"].id,
        **overrides,
    }
    return pages.post("staff.invite", data, _expected_status=200)


def audited(session, action: str) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def test_a_manager_invites_a_keyworker_who_sets_up_and_signs_in(app, pages, team, session):
    pages.sign_in(team["manager"])
    with running_smtp(app, Collector()) as mail:
        page = invite(pages, team)

    assert "We've emailed this link to rona@example.org" in page.text
    assert len(mail.messages) == 1
    token = LINK.search(mail.messages[0].get_payload(decode=True).decode()).group(1)
    rona = session.scalar(select(User).where(User.email == "rona@example.org"))
    assert (rona.role, rona.locality_id, rona.password_hash) == (
        Role.KEYWORKER,
        team["here"].id,
        None,
    )
    listed = pages.get("staff.index")
    assert "Invited, not set up yet" in listed.find("a", string="Rona Kerr").find_parent("tr").text

    pages.sign_out()
    pages.post(
        "auth.accept_invitation", {"password": "lighthouse kelp ferry", "agree": "y"}, token=token
    )
    assert pages.get("caseload.index").h1  # signed in as the new keyworker
    assert audited(session, "staff.invited") == 1


def test_without_a_mail_server_the_page_says_the_email_was_not_sent(pages, team):
    pages.sign_in(team["manager"])
    page = invite(pages, team)

    assert "We've emailed" not in page.text
    assert "couldn't email rona@example.org" in page.text
    assert "/invite/" in page.select_one("[data-invite-link]")["href"]


def test_an_email_already_in_use_is_refused_next_to_the_field_and_kept(pages, team, session):
    pages.sign_in(team["manager"])
    page = pages.post(
        "staff.invite",
        {
            "name": "Ewan Again",
            "email": team["keyworker"].email,
            "role": "keyworker",
            "locality_id": team["here"].id,
        },
        _expected_status=422,
    )

    assert "already uses this email" in page.select_one("#email-error").text
    assert page.select_one("#email")["value"] == team["keyworker"].email
    assert page.select_one("#name")["value"] == "Ewan Again"
    assert (
        session.scalar(select(func.count()).select_from(User).where(User.name == "Ewan Again")) == 0
    )


def test_a_manager_manages_only_their_own_locality(pages, team):
    pages.sign_in(team["manager"])
    names = [a.text for a in pages.get("staff.index").select("tbody a")]
    assert "Ewan MacLeod" in names and "Sam Fife" not in names
    pages.get("staff.member", 404, staff_id=team["elsewhere"].id)
    page = pages.get("staff.invite")
    assert [o.text for o in page.select("#locality_id option")] == ["Inverclyde"]
    # A locality that isn't theirs is not a choice, even when posted by hand.
    refused = pages.post(
        "staff.invite",
        {
            "name": "Rona Kerr",
            "email": "rona@example.org",
            "role": "keyworker",
            "locality_id": team["there"].id,
        },
        _expected_status=422,
    )
    assert refused.select_one("#locality_id-error")


def test_deactivating_ends_their_sessions_and_lists_their_parents_and_sessions(
    app, make, pages, team, session
):
    keyworker = team["keyworker"]
    parent = make.participant(locality=team["here"], keyworker=keyworker, name="Aisha Rahman")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    session.add(
        BookedSession(
            keyworker_id=keyworker.id,
            participant_id=parent.id,
            mode=SessionMode.PHONE,
            starts_at=soon,
            ends_at=soon + timedelta(hours=1),
        )
    )
    session.commit()
    theirs = app.test_client()
    theirs_pages = type(pages)(theirs, app)
    theirs_pages.sign_in(keyworker)
    assert theirs.get(pages.url("caseload.index")).status_code == 200

    pages.sign_in(team["manager"])
    pages.post("staff.deactivate", staff_id=keyworker.id)

    assert theirs.get(pages.url("caseload.index")).status_code == 302  # signed out at once
    again = theirs_pages.post(
        "auth.sign_in",
        {"identifier": keyworker.email, "password": "password-for-tests"},
        _expected_status=200,
    )
    assert again.select_one("#password-error")
    page = pages.get("staff.member", staff_id=keyworker.id)
    assert "No: deactivated" in page.text
    assert "Aisha Rahman" in page.text and "with Aisha Rahman" in page.text
    assert "stay with Ewan until you do" in page.text
    invite_page = pages.get("caseload.invite")
    assert "Ewan MacLeod" not in [o.text for o in invite_page.select("#keyworker_id option")]
    assert audited(session, "staff.deactivated") == 1

    pages.post("staff.reactivate", staff_id=keyworker.id)
    theirs_pages.sign_in(keyworker)
    assert theirs.get(pages.url("caseload.index")).status_code == 200


def test_no_one_deactivates_or_moves_themselves(pages, team, session):
    manager = team["manager"]
    pages.sign_in(manager)
    pages.post("staff.deactivate", staff_id=manager.id)
    assert (
        "can't deactivate your own account" in pages.get("staff.member", staff_id=manager.id).text
    )
    assert session.get(User, manager.id).is_active
    pages.post(
        "staff.change_place",
        {"role": "keyworker", "locality_id": team["here"].id},
        staff_id=manager.id,
    )
    page = pages.get("staff.member", staff_id=manager.id)
    assert "can't change your own role" in page.text
    assert session.get(User, manager.id).role == Role.MANAGER


def test_a_new_role_is_saved_audited_and_ends_their_old_sessions(app, pages, team, session):
    keyworker = team["keyworker"]
    theirs = app.test_client()
    type(pages)(theirs, app).sign_in(keyworker)

    pages.sign_in(team["manager"])
    pages.post(
        "staff.change_place",
        {"role": "manager", "locality_id": team["here"].id},
        staff_id=keyworker.id,
    )

    assert session.get(User, keyworker.id).role == Role.MANAGER
    assert audited(session, "role.changed") == 1
    assert theirs.get(pages.url("caseload.index")).status_code == 302


def test_resetting_a_lost_two_step_device_voids_it_and_its_recovery_codes(pages, team, session):
    keyworker = team["keyworker"]
    pages.sign_in(keyworker)
    enrol(pages, session, keyworker.id)
    pages.sign_out()

    pages.sign_in(team["manager"])
    page = pages.get("staff.member", staff_id=keyworker.id)
    assert "Set up" in page.select_one(".summary-list").text
    pages.post("staff.reset_two_step", staff_id=keyworker.id)

    assert session.get(TwoFactorCredential, keyworker.id) is None
    assert (
        session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == keyworker.id)
        )
        == 0
    )
    assert audited(session, "staff.two_step_reset") == 1
    pages.sign_out()
    signed_in = pages.sign_in(keyworker)  # no code asked for: they enrol again
    assert signed_in.response.location == "/"
