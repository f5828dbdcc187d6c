"""The keyworker's caseload: facts per person, flags, sort and filter, and a constant number
of queries whatever the caseload's size."""

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func

from webapp import areas
from webapp.caseload import operations
from webapp.caseload.facts import CaseloadFact, FactValue
from webapp.models import Note, ParticipantStatus, User, utcnow


def row_of(page, person):
    return page.select_one(f"[data-participant='{person.id}']")


def old_note(session, participant, author, days, **extra):
    session.add(
        Note(
            participant_id=participant.id,
            author_id=author.id,
            body="Phoned about the course.",
            created_at=utcnow() - timedelta(days=days),
            **extra,
        )
    )
    session.commit()


def test_caseload_shows_last_contact_stage_and_flags(pages, team, session, make):
    keyworker, parent = team["keyworker"], team["parent"]
    quiet = make.participant(locality=team["locality"], keyworker=keyworker, name="Quiet Person")
    old_note(session, parent, keyworker, days=2)
    old_note(session, quiet, keyworker, days=30)
    operations.set_stage(
        session, participant=parent, stage=3, changed_by=session.get(User, keyworker.id)
    )
    session.commit()
    pages.sign_in(keyworker)
    page = pages.get("caseload.index")
    row = row_of(page, parent)
    assert row.select_one("[data-fact=last_contact]").text == "2 days ago"
    assert "Vocational activity" in row.select_one("[data-fact=stage]").text
    assert row.select_one("[data-flags]").text.strip() == ""
    quiet_row = row_of(page, quiet)
    assert "No contact for 21 days" in quiet_row.select_one("[data-flags]").text
    # Needs attention first, by default.
    names = [a.text for a in page.select(".caseload__name a")]
    assert names.index("Quiet Person") < names.index("Aisha Rahman")


def test_paused_people_are_not_flagged_as_lost_contact(pages, team, session):
    keyworker, parent = team["keyworker"], team["parent"]
    old_note(session, parent, keyworker, days=40)
    person = session.get(User, parent.id)
    operations.pause(session, participant=person, by=person, reason="school-holidays")
    session.commit()
    pages.sign_in(keyworker)
    row = row_of(pages.get("caseload.index"), parent)
    assert row.select_one("[data-flags]").text.strip() == ""
    assert "on a break" in row.text


def test_a_request_for_contact_is_flagged_until_staff_get_in_touch(pages, team, session):
    keyworker, parent = team["keyworker"], team["parent"]
    old_note(session, parent, keyworker, days=3)
    old_note(session, parent, parent, days=1, asks_for_contact=True)
    pages.sign_in(keyworker)
    assert "Asked to be contacted" in row_of(pages.get("caseload.index"), parent).text
    old_note(session, parent, keyworker, days=0)
    assert "Asked to be contacted" not in row_of(pages.get("caseload.index"), parent).text


def test_filter_and_sort(pages, team, make, session):
    keyworker = team["keyworker"]
    make.participant(locality=team["locality"], keyworker=keyworker, name="Zoe Adams")
    make.participant(
        locality=team["locality"],
        keyworker=keyworker,
        name="Beth Paused",
        status=ParticipantStatus.PAUSED,
    )
    colleague = make.keyworker(locality=team["locality"])
    make.participant(locality=team["locality"], keyworker=colleague, name="Colleague's Parent")
    pages.sign_in(keyworker)

    def names(**args):
        return [a.text for a in pages.get("caseload.index", **args).select(".caseload__name a")]

    assert names(sort="name") == ["Aisha Rahman", "Beth Paused", "Zoe Adams"]
    assert names(sort="name", status="paused") == ["Beth Paused"]
    assert names(sort="name", q="zoe") == ["Zoe Adams"]
    assert "Colleague's Parent" in names(show="all")
    # Recently joined people are not yet flagged; "needs a look" shows only the flagged.
    assert names(attention="y") == []


def test_the_column_an_area_declares_appears_in_its_place(app, pages, team, monkeypatch):
    def columns():
        return {"name_letters": func.length(User.name)}

    def present(values):
        return FactValue(text=f"{values['name_letters']} letters")

    # The areas as if bookings declared this column in place of its next session.
    declared = areas.of(app)
    column = CaseloadFact("next_session", "Next session", columns, present)
    facts = tuple(column if f.key == "next_session" else f for f in declared.caseload_facts)
    monkeypatch.setitem(app.extensions, areas.EXTENSION, replace(declared, caseload_facts=facts))
    pages.sign_in(team["keyworker"])
    page = pages.get("caseload.index")
    headers = [th.text for th in page.select("thead th")]
    assert headers[1] == "Next session"
    cell = row_of(page, team["parent"]).select_one("[data-fact=next_session]")
    assert cell.text == f"{len(team['parent'].name)} letters"


def test_caseload_works_on_a_phone_layout(pages, team):
    pages.sign_in(team["keyworker"])
    page = pages.get("caseload.index")
    # Each cell names its column so the small-screen layout can show it as a label.
    for cell in row_of(page, team["parent"]).select("td"):
        assert cell["data-label"]


def test_same_number_of_queries_for_10_and_500_people(pages, team, bulk, count_queries, make):
    keyworker = team["keyworker"]
    pages.sign_in(keyworker)
    bulk(locality=team["locality"], keyworker=keyworker, count=9)
    with count_queries() as small:
        page = pages.get("caseload.index", show="all")
    assert "10 people" in page.select_one("[data-caseload-count]").text
    bulk(locality=team["locality"], keyworker=keyworker, count=490)
    with count_queries() as large:
        page = pages.get("caseload.index", show="all")
    assert "500 people" in page.select_one("[data-caseload-count]").text
    # Every area's column and flag is filled in for the whole caseload, in the same queries.
    # (The team's own parent, made without any, shows "–".)
    for key in ("next_session", "last_contact", "wellbeing", "overdue_steps"):
        cells = [cell.text.strip() for cell in page.select(f"[data-fact={key}]")]
        assert len(cells) == 100 and cells.count("–") <= 1, key  # 100 to a page
    # Every other bulk parent's wellbeing fell at the last check-in; they come first.
    assert "Wellbeing fell by" in page.select_one("[data-flags]").text
    assert len(large) == len(small)
