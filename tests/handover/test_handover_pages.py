"""The pages of handing parents on: a manager moves a leaver's caseload, staff change one
parent's keyworker from the record, cover shows on the covering keyworker's caseload and the
parent's Today, and a manager reads any keyworker's diary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories.sessions import make_booked_session
from tests.pages import parsed
from webapp.models import BookedSession, Cover, User, london_today


@pytest.fixture
def team(make):
    here = make.locality(name="Inverclyde")
    return {
        "here": here,
        "manager": make.manager(locality=here, name="Morag Campbell"),
        "leaving": make.keyworker(locality=here, name="Ewan MacLeod"),
        "staying": make.keyworker(locality=here, name="Rona Kerr"),
        "elsewhere": make.keyworker(locality=make.locality(name="Fife"), name="Sam Fife"),
    }


def parents_of(make, team, *names):
    return [
        make.participant(locality=team["here"], keyworker=team["leaving"], name=n) for n in names
    ]


def followed(pages, answer):
    """The page a post's redirect leads to (post, redirect, get: a refresh never moves twice)."""
    assert answer.response.status_code == 302
    return parsed(pages.client.get(answer.response.location))


def keyworker_of(session, parent) -> int:
    session.expire_all()
    return session.get(User, parent.id).profile.keyworker_id


def test_a_manager_moves_a_leavers_whole_caseload_and_each_parent_reads_who_is_theirs_now(
    make, pages, team, session
):
    aisha, bea = parents_of(make, team, "Aisha Rahman", "Bea Laing")
    booked = make_booked_session(session, keyworker=team["leaving"], participant=aisha)
    session.commit()
    pages.sign_in(team["manager"])
    pages.post("staff.deactivate", staff_id=team["leaving"].id)

    form = pages.get("handover.move_caseload", staff_id=team["leaving"].id)
    ticked = [box["value"] for box in form.select("input[name=participant_ids][checked]")]
    assert sorted(ticked) == sorted([str(aisha.id), str(bea.id)])
    assert "Sam Fife" not in form.select_one("#keyworker_id").text  # another locality
    assert "Ewan MacLeod" not in form.select_one("#keyworker_id").text  # the leaver

    done = followed(
        pages,
        pages.post(
            "handover.move_caseload",
            {
                "participant_ids": [aisha.id, bea.id],
                "keyworker_id": team["staying"].id,
                "sessions": "move",
            },
            staff_id=team["leaving"].id,
        ),
    )
    assert done.h1.text == "2 parents moved to Rona Kerr"
    assert "no email or text went" in done.text  # no mail server here: it says so
    assert keyworker_of(session, aisha) == keyworker_of(session, bea) == team["staying"].id
    assert session.get(BookedSession, booked.id).keyworker_id == team["staying"].id

    pages.sign_out()
    pages.sign_in(aisha)
    today = pages.get("home.today")
    assert "Your keyworker is now Rona Kerr" in today.text
    assert "with Rona Kerr" in pages.get("sessions.my_sessions").text


def test_a_wrong_choice_is_refused_next_to_the_field_and_the_ticks_are_kept(
    make, pages, team, session
):
    aisha, bea = parents_of(make, team, "Aisha Rahman", "Bea Laing")
    pages.sign_in(team["manager"])

    page = pages.post(
        "handover.move_caseload",
        {"participant_ids": [bea.id], "keyworker_id": "", "sessions": "keep"},
        _expected_status=422,
        staff_id=team["leaving"].id,
    )

    assert "Choose the new keyworker." in page.select_one("#keyworker_id-error").text
    assert [b["value"] for b in page.select("input[name=participant_ids][checked]")] == [
        str(bea.id)
    ]
    assert page.select_one("input[name=sessions][value=keep]").has_attr("checked")
    assert keyworker_of(session, bea) == team["leaving"].id


def test_a_keyworker_changes_one_parents_keyworker_from_the_record(make, pages, team, session):
    (aisha,) = parents_of(make, team, "Aisha Rahman")
    pages.sign_in(team["leaving"])
    record = pages.get("caseload.record", participant_id=aisha.id)
    assert record.find("a", string="Change Aisha's keyworker")

    done = followed(
        pages,
        pages.post(
            "handover.change_keyworker",
            {"keyworker_id": team["staying"].id, "sessions": "move"},
            participant_id=aisha.id,
        ),
    )
    assert done.h1.text == "Aisha Rahman's keyworker is now Rona Kerr"
    assert keyworker_of(session, aisha) == team["staying"].id
    titles = [
        t.text.strip()
        for t in pages.get("caseload.record", participant_id=aisha.id).select(".timeline__title")
    ]
    assert "Keyworker now Rona Kerr (was Ewan MacLeod)" in titles


def test_a_keyworker_of_another_locality_cannot_be_chosen_even_by_hand(make, pages, team, session):
    (aisha,) = parents_of(make, team, "Aisha Rahman")
    pages.sign_in(team["manager"])
    page = pages.post(
        "handover.change_keyworker",
        {"keyworker_id": team["elsewhere"].id, "sessions": "move"},
        _expected_status=422,
        participant_id=aisha.id,
    )
    assert page.select_one("#keyworker_id-error")
    assert keyworker_of(session, aisha) == team["leaving"].id


def arrange(pages, team, first, last, expect=302):
    return pages.post(
        "handover.cover",
        {
            "absent_id": team["leaving"].id,
            "cover_id": team["staying"].id,
            "starts_on": first.isoformat(),
            "ends_on": last.isoformat(),
        },
        _expected_status=expect,
    )


def covering_rows(pages):
    page = pages.get("caseload.index", show="mine")
    return {
        row.select_one("a").text: row.select_one(".hint").text
        for row in page.select("tr[data-participant]")
        if row.select_one(".hint")
    }


def test_cover_shows_the_absent_keyworkers_parents_on_the_covers_caseload(make, pages, team):
    (aisha,) = parents_of(make, team, "Aisha Rahman")
    today = london_today()
    pages.sign_in(team["manager"])
    arrange(pages, team, today, today + timedelta(days=7))
    assert "Rona Kerr covers for Ewan MacLeod" in pages.get("handover.cover").text

    pages.sign_out()
    pages.sign_in(team["staying"])
    assert covering_rows(pages) == {"Aisha Rahman": "covering for Ewan MacLeod"}

    pages.sign_out()
    pages.sign_in(aisha)
    today_page = pages.get("home.today").text
    assert "Ewan is away until" in today_page
    assert "Rona Kerr is looking after you until then" in today_page


def test_cover_ends_by_itself_after_its_last_day(make, pages, team, session):
    parents_of(make, team, "Aisha Rahman")
    today = london_today()
    session.add(
        Cover(
            absent_id=team["leaving"].id,
            cover_id=team["staying"].id,
            starts_on=today - timedelta(days=10),
            ends_on=today - timedelta(days=1),
            arranged_by_id=team["manager"].id,
        )
    )
    session.commit()
    pages.sign_in(team["staying"])
    assert covering_rows(pages) == {}


def test_ending_cover_early_takes_the_parents_off_the_covers_caseload(make, pages, team, session):
    parents_of(make, team, "Aisha Rahman")
    today = london_today()
    pages.sign_in(team["staying"])
    arrange(pages, team, today, today + timedelta(days=7))
    assert covering_rows(pages)
    cover = session.scalars(select(Cover)).one()
    pages.post("handover.end_cover", cover_id=cover.id)
    assert covering_rows(pages) == {}


@pytest.mark.parametrize(
    ("first", "last", "field", "words"),
    [
        (3, 1, "ends_on", "on or after the first day"),
        (-9, -2, "ends_on", "already gone"),
        (0, 400, "ends_on", "up to a year"),
    ],
)
def test_cover_dates_that_make_no_sense_are_refused_and_kept(
    make, pages, team, session, first, last, field, words
):
    today = london_today()
    pages.sign_in(team["manager"])
    page = arrange(
        pages, team, today + timedelta(days=first), today + timedelta(days=last), expect=422
    )
    assert words in page.select_one(f"#{field}-error").text
    assert page.select_one("#starts_on")["value"] == (today + timedelta(days=first)).isoformat()
    assert session.scalars(select(Cover)).all() == []


def test_cover_over_cover_already_arranged_is_refused(make, pages, team):
    today = london_today()
    pages.sign_in(team["manager"])
    arrange(pages, team, today, today + timedelta(days=7))
    page = arrange(pages, team, today + timedelta(days=3), today + timedelta(days=9), expect=422)
    assert "already covering for Ewan" in page.select_one("#starts_on-error").text


def test_a_manager_reads_any_keyworkers_diary_in_their_locality(make, pages, team, session):
    (aisha,) = parents_of(make, team, "Aisha Rahman")
    make_booked_session(session, keyworker=team["leaving"], participant=aisha)
    session.commit()
    pages.sign_in(team["manager"])

    page = pages.get("sessions.diaries", keyworker=team["leaving"].id)
    assert page.h1.text == "Ewan MacLeod's diary"
    assert "Aisha Rahman" in page.text
    assert "Sam Fife" not in page.select_one("#keyworker").text
    # Another locality's keyworker isn't shown, even asked for by id.
    assert (
        pages.get("sessions.diaries", keyworker=team["elsewhere"].id).h1.text != "Sam Fife's diary"
    )

    pages.sign_out()
    pages.sign_in(team["staying"])
    pages.get("sessions.diaries", 403)
