import io
import json
import zipfile

import pytest
from sqlalchemy import select

from tests.privacy.builders import BUILDERS, MADE_BY_FACTORIES, SECRET_TEXT
from webapp.models import Base, ErasureRequest, ErasureStatus, User
from webapp.privacy.erasure import ERASED_NAME
from webapp.privacy.export import collect


def tables_that_can_refer_to_a_participant() -> set[str]:
    """Every table with a chain of foreign keys leading to users."""
    reachable = {"users"}
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.sorted_tables:
            if table.name in reachable:
                continue
            if any(fk.column.table.name in reachable for fk in table.foreign_keys):
                reachable.add(table.name)
                changed = True
    return reachable


@pytest.fixture
def person_everywhere(make, session):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality)
    participant = make.participant(
        locality=locality, keyworker=keyworker, name="Aisha Rahman", email="aisha@example.org"
    )
    participant = session.get(User, participant.id)
    staff = session.get(User, keyworker.id)
    for build in BUILDERS.values():
        build(session, participant, staff)
        session.flush()
    session.commit()
    return participant, staff


def test_every_table_that_can_refer_to_a_participant_has_a_builder():
    missing = tables_that_can_refer_to_a_participant() - set(BUILDERS) - MADE_BY_FACTORIES
    assert not missing, f"add builders in tests/privacy/builders.py for {sorted(missing)}"


def test_export_includes_every_table(person_everywhere, session):
    participant, _ = person_everywhere
    data = collect(session, participant.id)
    assert set(data.tables) == tables_that_can_refer_to_a_participant()
    assert data.tables["users"][0]["password_hash"] == "(hidden)"
    assert data.tables["users"][0]["name"] == "Aisha Rahman"


def test_export_includes_reminders_of_sessions_and_of_group_places(person_everywhere, session):
    participant, _ = person_everywhere
    reminders = collect(session, participant.id).tables["reminders"]
    assert {(r["session_id"] is None, r["group_attendee_id"] is None) for r in reminders} == {
        (False, True),
        (True, False),
    }


def test_export_does_not_include_other_people(person_everywhere, make, session):
    participant, staff = person_everywhere
    other = make.participant(locality=make.locality(), name="Someone Else")
    data = collect(session, participant.id)
    assert "Someone Else" not in json.dumps(data.tables, default=str)
    assert [row["id"] for row in data.tables["users"]] == [participant.id]
    assert other.id not in {row["id"] for row in data.tables["users"]}


def test_participant_downloads_json_zip_and_page(person_everywhere, pages, client):
    participant, _ = person_everywhere
    pages.sign_in(participant)
    response = client.get(pages.url("privacy.download", kind="json"))
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert SECRET_TEXT in response.get_data(as_text=True)
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(pages.url("privacy.download", kind="zip")).data)
    )
    assert "outbox_mail.csv" in archive.namelist()
    page = pages.get("privacy.download", kind="html")
    assert "Everything we hold about Aisha Rahman" in page.h1.text


def test_manager_exports_for_a_paper_request_and_it_is_audited(
    person_everywhere, pages, make, session
):
    participant, _ = person_everywhere
    manager = make.manager(locality=session.get(User, participant.id).locality)
    pages.sign_in(manager)
    page = pages.get("admin.participant_export", participant_id=participant.id, kind="html")
    assert "Aisha Rahman" in page.h1.text
    other_manager = make.manager(locality=make.locality())
    pages.sign_out()
    pages.sign_in(other_manager)
    pages.get(
        "admin.participant_export", _expected_status=404, participant_id=participant.id, kind="json"
    )


def test_erasure_leaves_nothing_identifying(person_everywhere, pages, make, session):
    participant, staff = person_everywhere
    pages.sign_in(participant)
    pages.post("privacy.ask_erasure")
    pages.sign_out()
    manager = make.manager(locality=session.get(User, participant.id).locality)
    pages.sign_in(manager)
    request = session.scalars(
        select(ErasureRequest).where(ErasureRequest.status == ErasureStatus.PENDING)
    ).one()
    pages.post("admin.decide_erasure", request_id=request.id, decision="approve")
    data = collect(session, participant.id)
    dumped = json.dumps(data.tables, default=str)
    for identifying in ("Aisha", "aisha@example.org", SECRET_TEXT):
        assert identifying not in dumped
    user = session.get(User, participant.id)
    assert user.name == ERASED_NAME and not user.is_active
    assert user.profile.anonymised_at is not None
    # The person can no longer sign in.
    pages.sign_out()
    pages.post(
        "auth.sign_in",
        {"identifier": "aisha@example.org", "password": "correct horse battery"},
        _expected_status=200,
    )


def test_participant_sees_who_has_looked(pages, make):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(locality=locality, keyworker=keyworker)
    pages.sign_in(keyworker)
    pages.get("caseload.record", participant_id=parent.id)
    pages.sign_out()
    pages.sign_in(parent)
    page = pages.get("privacy.who_has_looked")
    assert "Ewan MacLeod (keyworker) looked at your record" in page.text


def test_subject_access_by_a_manager_includes_staff_only_notes(
    person_everywhere, pages, make, session, client
):
    participant, staff = person_everywhere
    staff_only = [
        row for row in collect(session, participant.id).tables["notes"] if row["staff_only"]
    ]
    assert staff_only, "the builders make a staff-only note"
    manager = make.manager(locality=session.get(User, participant.id).locality)
    pages.sign_in(manager)
    complete = client.get(
        pages.url("admin.participant_export", participant_id=participant.id, kind="json")
    ).json
    assert {row["id"] for row in staff_only} <= {row["id"] for row in complete["tables"]["notes"]}
    pages.sign_out()
    pages.sign_in(participant)
    own = client.get(pages.url("privacy.download", kind="json")).json
    assert not [row for row in own["tables"].get("notes", []) if row["staff_only"]]
    page = pages.get("privacy.download", kind="html")
    assert "ask your keyworker or manager for a full copy" in page.text
