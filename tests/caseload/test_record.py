"""A participant's record: the timeline, notes (shared or staff-only), referrals, outcomes,
pipeline stages and breaks, and what the participant sees of it."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select

from tests.caseload.conftest import add_plans, checkin_row, session_row
from webapp.models import (
    AuditEvent,
    BookedSession,
    CheckIn,
    EventKind,
    GroupPlace,
    GroupSession,
    Note,
    Outcome,
    OutcomeKind,
    ParticipantStatus,
    PipelineStageChange,
    Plan,
    PlanEvent,
    Referral,
    ReferralStatus,
    SessionStatus,
    User,
    utcnow,
)


def timeline(page):
    return [
        item.select_one(".timeline__title").text.strip() for item in page.select(".timeline__item")
    ]


def audit_actions(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def keyworker(pages, team):
    pages.sign_in(team["keyworker"])
    return team["keyworker"]


def write_note(pages, parent, text, staff_only=False, status=302):
    data = {"note": text}
    if staff_only:
        data["staff_only"] = "y"
    return pages.post("caseload.add_note", data, _expected_status=status, participant_id=parent.id)


def test_shared_note_reaches_the_parent_and_staff_only_never_does(pages, team, keyworker, session):
    parent = team["parent"]
    write_note(pages, parent, "Great chat about the college course.")
    write_note(
        pages, parent, "Worried about rent arrears: check with money advice.", staff_only=True
    )

    page = pages.get("caseload.record", participant_id=parent.id)
    items = page.select(".timeline__item")
    assert [i.select_one(".timeline__detail").text for i in items] == [
        "Worried about rent arrears: check with money advice.",
        "Great chat about the college course.",
    ]
    assert items[0].select_one("[data-staff-only]")
    assert not items[1].select_one("[data-staff-only]")

    pages.sign_out()
    pages.sign_in(parent)
    html = pages.get("caseload.my_notes")
    assert "college course" in html.text
    assert "rent arrears" not in html.text
    partial = pages.client.get(pages.url("caseload.my_notes"), headers={"HX-Request": "true"})
    assert "college course" in partial.text and "rent arrears" not in partial.text
    assert "<html" not in partial.text and "HX-Request" in partial.headers["Vary"]
    exported = pages.client.get(
        pages.url("caseload.my_notes"), headers={"Accept": "application/json"}
    )
    bodies = [n["body"] for n in exported.get_json()["notes"]]
    assert bodies == ["Great chat about the college course."]
    # The staff pages and their JSON are closed to the parent.
    pages.get("caseload.record", _expected_status=403, participant_id=parent.id)
    response = pages.client.get(
        pages.url("caseload.record", participant_id=parent.id, format="json"),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 403 and "rent arrears" not in response.text


def test_staff_only_notes_are_audited_when_written_and_each_time_read(
    pages, team, keyworker, session
):
    parent = team["parent"]
    write_note(pages, parent, "Private concern.", staff_only=True)
    write_note(pages, parent, "Shared note.")
    created = audit_actions(session, "note.staff_only_created")
    note_id = session.scalar(select(Note.id).where(Note.staff_only.is_(True)))
    assert [(e.actor_id, e.participant_id, e.detail) for e in created] == [
        (keyworker.id, parent.id, {"note": note_id})
    ]
    assert len(audit_actions(session, "note.created")) == 1
    pages.get("caseload.record", participant_id=parent.id)
    pages.sign_out()
    pages.sign_in(team["manager"])
    pages.get("caseload.record", participant_id=parent.id)
    viewed = audit_actions(session, "note.staff_only_viewed")
    assert [(e.actor_id, e.detail) for e in viewed] == [
        (keyworker.id, {"note": note_id}),
        (team["manager"].id, {"note": note_id}),
    ]
    # The log holds ids, never what was written.
    assert all("Private" not in json.dumps(e.detail) for e in session.scalars(select(AuditEvent)))


def test_note_form_explains_and_keeps_the_choice(pages, team, keyworker):
    page = write_note(pages, team["parent"], "", staff_only=True, status=422)
    assert "Write the note" in page.select_one("#note-error").text
    assert page.select_one("#staff_only").has_attr("checked")


def test_timeline_filters_and_htmx_partial(pages, team, keyworker):
    parent = team["parent"]
    write_note(pages, parent, "A note.")
    pages.post(
        "caseload.add_outcome",
        {"outcome_kind": "volunteering", "achieved_on": "2026-11-20"},
        participant_id=parent.id,
    )
    assert timeline(pages.get("caseload.record", participant_id=parent.id)) == [
        "Started volunteering",
        "Note",
    ]
    page = pages.get("caseload.record", participant_id=parent.id, kind="outcomes")
    assert timeline(page) == ["Started volunteering"]
    assert page.select_one("#kind-outcomes").has_attr("checked")
    response = pages.client.get(
        pages.url("caseload.record", participant_id=parent.id, kind="notes"),
        headers={"HX-Request": "true"},
    )
    assert response.text.lstrip().startswith('<div id="timeline-results">')
    assert "A note." in response.text and "volunteering" not in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_an_older_page_from_before_the_year_1_is_a_bad_request(pages, team, keyworker):
    for before in ("0001-01-01T00:00:00+02:34:48", "yesterday", "2026-11-20T10:00:00"):
        pages.get(
            "caseload.record",
            participant_id=team["parent"].id,
            before=before,
            _expected_status=400,
        )


def test_staff_json_of_the_timeline(pages, team, keyworker):
    write_note(pages, team["parent"], "Only for us.", staff_only=True)
    response = pages.client.get(
        pages.url("caseload.record", participant_id=team["parent"].id),
        headers={"Accept": "application/json"},
    )
    item = response.get_json()["timeline"][0]
    assert (item["kind"], item["detail"], item["staff_only"]) == ("notes", "Only for us.", True)


def test_entering_work_needs_hours_and_is_shown_with_them(pages, team, keyworker, session):
    parent = team["parent"]
    page = pages.post(
        "caseload.add_outcome",
        {"outcome_kind": "entered-work", "achieved_on": "2026-11-20", "hours_per_week": ""},
        _expected_status=422,
        participant_id=parent.id,
    )
    assert "hours a week" in page.select_one("#hours_per_week-error").text
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    page = pages.post(
        "caseload.add_outcome",
        {"outcome_kind": "qualification", "achieved_on": tomorrow},
        _expected_status=422,
        participant_id=parent.id,
    )
    assert "future" in page.select_one("#achieved_on-error").text
    pages.post(
        "caseload.add_outcome",
        {
            "outcome_kind": "entered-work",
            "achieved_on": "2026-11-20",
            "hours_per_week": "16",
            "contract_type": "permanent",
            "detail": "Teaching assistant",
        },
        participant_id=parent.id,
    )
    outcome = session.scalars(select(Outcome)).one()
    assert (outcome.kind, outcome.hours_per_week, outcome.recorded_by_id) == (
        OutcomeKind.ENTERED_WORK,
        16,
        keyworker.id,
    )
    detail = pages.get("caseload.record", participant_id=parent.id).select_one(".timeline__detail")
    assert "16 hours a week, permanent, Teaching assistant" in detail.text


def test_referrals_are_made_and_updated(pages, team, keyworker, session, make):
    parent = team["parent"]
    page = pages.post(
        "caseload.add_referral",
        {"referral_kind": "money-advice", "organisation": "", "made_on": "not a date"},
        _expected_status=422,
        participant_id=parent.id,
    )
    assert "organisation's name" in page.select_one("#organisation-error").text
    assert "real date" in page.select_one("#made_on-error").text
    pages.post(
        "caseload.add_referral",
        {
            "referral_kind": "money-advice",
            "organisation": "Citizens Advice",
            "made_on": "2026-11-27",
        },
        participant_id=parent.id,
    )
    referral = session.scalars(select(Referral)).one()
    page = pages.get("caseload.record", participant_id=parent.id)
    assert "Citizens Advice" in page.select_one(f"[data-referral='{referral.id}']").text
    pages.post(
        "caseload.update_referral",
        {"status": "accepted"},
        participant_id=parent.id,
        referral_id=referral.id,
    )
    session.refresh(referral)
    assert referral.status == ReferralStatus.ACCEPTED
    session.commit()
    # A referral is only reachable through its own participant.
    other = make.participant(locality=team["locality"])
    pages.post(
        "caseload.update_referral",
        {"status": "declined"},
        _expected_status=404,
        participant_id=other.id,
        referral_id=referral.id,
    )


def test_pipeline_stage_keeps_its_history(pages, team, keyworker, session):
    parent = team["parent"]
    for stage in ("1", "2", "2", "4"):
        pages.post("caseload.change_stage", {"stage": stage}, participant_id=parent.id)
    changes = session.scalars(select(PipelineStageChange).order_by(PipelineStageChange.id)).all()
    assert [(c.from_stage, c.stage) for c in changes] == [(None, 1), (1, 2), (2, 4)]
    page = pages.get("caseload.record", participant_id=parent.id)
    assert page.select_one("[data-current-stage]")["data-current-stage"] == "4"
    assert page.select_one("#stage option[selected]")["value"] == "4"


def test_parent_takes_a_break_and_comes_back(pages, team, session):
    parent = team["parent"]
    pages.sign_in(parent)
    page = pages.post("caseload.my_pause", {}, _expected_status=422)
    assert "Choose a reason" in page.select_one(".error-summary").text
    pages.post("caseload.my_pause", {"reason": "school-holidays"})
    assert session.get(User, parent.id).profile.status == ParticipantStatus.PAUSED
    assert "on a break" in pages.get("caseload.my_notes").select_one("#involvement").text
    pages.post("caseload.my_resume")
    assert session.get(User, parent.id).profile.status == ParticipantStatus.ACTIVE
    pages.sign_out()
    pages.sign_in(team["keyworker"])
    assert timeline(pages.get("caseload.record", participant_id=parent.id)) == [
        "Picked up again",
        "Took a break",
    ]


def test_keyworker_pauses_on_the_parents_behalf(pages, team, keyworker, session):
    parent = team["parent"]
    page = pages.get("caseload.pause", participant_id=parent.id)
    assert page.select_one("input[value=family]")
    page = pages.post("caseload.pause", {}, _expected_status=422, participant_id=parent.id)
    assert "Choose a reason" in page.select_one(".error-summary").text
    pages.post("caseload.pause", {"reason": "family"}, participant_id=parent.id)
    assert session.get(User, parent.id).profile.status == ParticipantStatus.PAUSED
    pages.post("caseload.resume", participant_id=parent.id)
    assert session.get(User, parent.id).profile.status == ParticipantStatus.ACTIVE


def test_parent_asks_for_contact(pages, team, session):
    pages.sign_in(team["parent"])
    page = pages.post("caseload.ask_for_contact", {"body": ""}, _expected_status=422)
    assert "Write a short message" in page.select_one("#body-error").text
    pages.post("caseload.ask_for_contact", {"body": "Can you call me after 3?"})
    note = session.scalars(select(Note)).one()
    assert (note.asks_for_contact, note.staff_only, note.author_id) == (
        True,
        False,
        note.participant_id,
    )


def test_out_of_scope_staff_get_404_everywhere(pages, team):
    parent = team["parent"]
    pages.sign_in(team["outsider"])
    pages.get("caseload.record", _expected_status=404, participant_id=parent.id)
    write_note(pages, parent, "Nope", status=404)
    pages.post(
        "caseload.change_stage", {"stage": "2"}, _expected_status=404, participant_id=parent.id
    )


def test_parent_cannot_use_staff_actions(pages, team):
    pages.sign_in(team["parent"])
    write_note(pages, team["parent"], "Let me in", staff_only=True, status=403)


def add_events(session, parent, author, count):
    now = utcnow()
    rows = [
        {
            "participant_id": parent.id,
            "author_id": author.id,
            "body": f"Note {n}",
            "staff_only": n % 3 == 0,
            "asks_for_contact": False,
            "created_at": now - timedelta(hours=n),
        }
        for n in range(count)
    ]
    session.execute(insert(Note), rows)
    session.execute(
        insert(Outcome),
        [
            {
                "participant_id": parent.id,
                "kind": OutcomeKind.TRAINING_STARTED,
                "achieved_on": date(2026, 11, 1),
                "recorded_by_id": author.id,
                "recorded_at": now - timedelta(hours=n, minutes=30),
            }
            for n in range(count)
        ],
    )
    # And the same number of plan events, sessions and check-ins, from the other areas.
    plan_id = session.scalar(select(Plan.id).where(Plan.participant_id == parent.id))
    offset = session.scalar(select(func.count()).select_from(BookedSession))
    session.execute(
        insert(PlanEvent),
        [
            {
                "plan_id": plan_id,
                "actor_id": author.id,
                "kind": EventKind.STEP_DONE,
                "subject": f"Step {n}",
                "created_at": now - timedelta(hours=n, minutes=10),
            }
            for n in range(count)
        ],
    )
    session.execute(
        insert(BookedSession),
        [
            session_row(
                parent.id,
                author.id,
                now - timedelta(hours=offset + n, minutes=20),
                SessionStatus.ATTENDED,
            )
            for n in range(count)
        ],
    )
    session.execute(
        insert(CheckIn),
        [checkin_row(parent.id, now - timedelta(hours=n, minutes=40)) for n in range(count)],
    )
    group_ids = session.scalars(
        insert(GroupSession).returning(GroupSession.id, sort_by_parameter_order=True),
        [
            {
                "locality_id": parent.locality_id,
                "led_by_id": author.id,
                "title": f"Group {n}",
                "starts_at": now - timedelta(hours=offset + n, minutes=50),
                "ends_at": now - timedelta(hours=offset + n, minutes=5),
                "capacity": 8,
            }
            for n in range(count)
        ],
    ).all()
    session.execute(
        insert(GroupPlace),
        [
            {
                "group_session_id": group_id,
                "participant_id": parent.id,
                "status": SessionStatus.ATTENDED,
                "booked_at": now - timedelta(days=30),
            }
            for group_id in group_ids
        ],
    )
    session.commit()


def test_same_number_of_queries_for_10_and_500_events(
    pages, team, keyworker, session, count_queries
):
    parent = team["parent"]
    add_plans(session, [parent.id], keyworker.id, events=0)
    add_events(session, parent, keyworker, 2)
    with count_queries() as small:
        page = pages.get("caseload.record", participant_id=parent.id)
    kinds = {item["data-kind"] for item in page.select(".timeline__item")}
    assert {"notes", "outcomes", "plan", "sessions", "groups", "checkins"} <= kinds
    assert len(page.select(".timeline__item")) == 12
    add_events(session, parent, keyworker, 98)
    with count_queries() as large:
        page = pages.get("caseload.record", participant_id=parent.id)
    assert len(page.select(".timeline__item")) == 50
    assert page.find("a", string="Show older")
    assert len(large) == len(small)


def test_staff_only_notes_are_left_out_of_the_parents_download(pages, team, keyworker):
    parent = team["parent"]
    write_note(pages, parent, "Shared words.")
    write_note(pages, parent, "Staff words.", staff_only=True)
    pages.sign_out()
    pages.sign_in(parent)
    for kind in ("json", "html"):
        body = pages.client.get(pages.url("privacy.download", kind=kind)).get_data(as_text=True)
        assert "Shared words." in body and "Staff words." not in body
