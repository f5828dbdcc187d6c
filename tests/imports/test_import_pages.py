"""A manager imports an existing caseload: a dry run line by line, then all of it or none."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from webapp.models import (
    AccessToken,
    ParticipantStatus,
    PipelineStageChange,
    Role,
    User,
)


@pytest.fixture
def team(make):
    here, there = make.locality(name="Inverclyde"), make.locality(name="Fife")
    return {
        "here": here,
        "manager": make.manager(locality=here),
        "keyworker": make.keyworker(locality=here, name="Ewan MacLeod", email="ewan@service.org"),
        "elsewhere": make.keyworker(locality=there, email="fife@service.org"),
    }


def csv_file(*lines: str) -> tuple[io.BytesIO, str]:
    body = "name,email,mobile,keyworker email,stage,start date,status\n" + "\n".join(lines)
    return io.BytesIO(body.encode("cp1252")), "caseload.csv"


def upload(pages, team, *lines, expected=200):
    return pages.post(
        "imports.upload",
        {"locality_id": team["here"].id, "file": csv_file(*lines)},
        _expected_status=expected,
    )


def parents(session) -> int:
    return session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.PARTICIPANT)
    )


def test_a_dry_run_then_an_import_of_every_line(pages, team, session):
    pages.sign_in(team["manager"])
    checked = upload(
        pages,
        team,
        "Aisha Rahman,,07700 900123,ewan@service.org,2,20/11/2026,active",
        "Jo Smith,jo@example.org,,ewan@service.org,,,paused",
    )
    assert "All 2 lines are ready. Nothing has been imported yet." in checked.text
    assert parents(session) == 0

    form = checked.select_one("form[action$='/confirm']")
    done = pages.post(
        "imports.confirm",
        {field["name"]: field["value"] for field in form.select("input[type=hidden]")},
        _expected_status=200,
    )

    assert "2 people imported" in done.h1.text
    aisha = session.scalar(select(User).where(User.name == "Aisha Rahman"))
    jo = session.scalar(select(User).where(User.name == "Jo Smith"))
    assert aisha.profile.keyworker_id == team["keyworker"].id
    assert aisha.profile.status == ParticipantStatus.ACTIVE
    assert jo.profile.status == ParticipantStatus.PAUSED
    assert aisha.created_at.date().isoformat() == "2026-11-20"
    assert (
        session.scalar(
            select(PipelineStageChange.stage).where(PipelineStageChange.participant_id == aisha.id)
        )
        == 2
    )
    assert session.scalar(select(func.count()).select_from(AccessToken)) == 2
    # No mail server: nobody is said to be emailed, and every link is there to give.
    assert "0 were emailed" in done.text
    assert len(done.select("[data-invite-link]")) == 2


def test_one_bad_line_imports_nothing_and_names_the_line(pages, team, session):
    pages.sign_in(team["manager"])
    checked = upload(
        pages,
        team,
        "Aisha Rahman,,07700 900123,ewan@service.org,2,,",
        "Jo Smith,jo@example.org,,fife@service.org,,,",
    )
    summary = checked.select_one(".error-summary").text
    assert "1 of 2 lines have a problem" in summary
    assert "Line 3: No active keyworker here has the email fife@service.org." in summary
    assert not checked.select("form[action$='/confirm']")
    assert parents(session) == 0


def test_the_import_checks_the_file_again_and_adds_no_one_if_it_went_stale(
    pages, team, session, make
):
    pages.sign_in(team["manager"])
    checked = upload(pages, team, "Aisha Rahman,,07700 900123,ewan@service.org,,,")
    form = checked.select_one("form[action$='/confirm']")
    make.participant(locality=team["here"], phone="07700900123")  # added meanwhile
    before = parents(session)

    again = pages.post(
        "imports.confirm",
        {field["name"]: field["value"] for field in form.select("input[type=hidden]")},
        _expected_status=409,
    )

    assert "already someone's in CoPlan" in again.text
    assert parents(session) == before


def test_a_manager_imports_only_into_their_own_locality(pages, team, make, session):
    other = make.locality(name="Elsewhere")
    pages.sign_in(team["manager"])
    page = pages.get("imports.upload")
    assert [o.text for o in page.select("#locality_id option")] == ["Inverclyde"]
    pages.post(
        "imports.confirm",
        {"locality_id": other.id, "content": "bmFtZQ=="},
        _expected_status=404,
    )


def test_no_file_is_explained_next_to_the_field(pages, team):
    pages.sign_in(team["manager"])
    page = pages.post("imports.upload", {"locality_id": team["here"].id}, _expected_status=422)
    assert "Choose the CSV file." in page.select_one("#file-error").text
