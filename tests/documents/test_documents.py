"""Documents on messages and goals: sent and fetched by the parent and their keyworker, refused
when they aren't what they claim or are too big, pictures kept without where they were taken,
in the subject access export, and gone when the person is erased."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.factories.documents import (
    GPS_IFD,
    HTML_CLAIMING_TO_BE_A_PDF,
    PDF,
    jpeg_with_location,
    png,
)
from tests.pages import check_status, parsed
from webapp.documents.files import MAX_BYTES
from webapp.models import AuditEvent, Document, Message, User
from webapp.plans import operations as plans
from webapp.privacy.erasure import anonymise
from webapp.privacy.export import collect


@pytest.fixture
def cast(make):
    here, there = make.locality(name="Inverclyde"), make.locality(name="Fife")
    keyworker = make.keyworker(locality=here, name="Ewan MacLeod")
    return {
        "keyworker": keyworker,
        "parent": make.participant(locality=here, keyworker=keyworker, name="Aisha Rahman"),
        "other_parent": make.participant(locality=here, keyworker=keyworker),
        "elsewhere": make.keyworker(locality=there),
    }


def upload(pages, endpoint, data, *, expected=302, **values):
    """Post a form with a file, as the browser would. The test client spools a big body to a
    temporary file, which the client leaves open."""
    data = {"csrf_token": pages.csrf_token(), **data}
    response = pages.client.post(pages.url(endpoint, **values), data=data)
    try:
        check_status("POST", endpoint, response, expected)
        return parsed(response)
    finally:
        response.request.input_stream.close()


def send_with_file(pages, body, content, filename, *, expected=302, **values):
    """Send a message with a document from the conversation page."""
    endpoint = "messages.staff_conversation" if values else "messages.conversation"
    page = pages.get(endpoint, **values)
    data = {
        "body": body,
        "uuid": page.select_one("input[name=uuid]")["value"],
        "document": (io.BytesIO(content), filename),
    }
    return upload(pages, endpoint, data, expected=expected, **values)


def documents(session) -> list[Document]:
    return list(session.scalars(select(Document).order_by(Document.id)))


def fetch(client, pages, document: Document, expected: int = 200):
    response = client.get(pages.url("documents.download", document_id=document.id))
    assert response.status_code == expected
    return response


def audited(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_parent_sends_a_pdf_and_their_keyworker_fetches_it(pages, client, cast, session):
    pages.sign_in(cast["parent"])
    send_with_file(pages, "Here's my CV", PDF, "My CV (draft).pdf")
    [document] = documents(session)
    page = pages.get("messages.conversation")
    link = page.select_one("#latest .documents a")
    assert link.text == "My CV (draft).pdf"
    assert fetch(client, pages, document).data == PDF
    pages.sign_out()

    pages.sign_in(cast["keyworker"])
    page = pages.get("messages.staff_conversation", participant_id=cast["parent"].id)
    assert "My CV (draft).pdf" in page.select_one("#latest").text
    response = fetch(client, pages, document)
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="My CV (draft).pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["Cache-Control"] == "no-store"
    # Only staff's fetches are audited, and the parent can see that Ewan opened it.
    [event] = audited(session, "document.downloaded")
    assert event.actor_id == cast["keyworker"].id and event.detail["document_id"] == document.id
    pages.sign_out()
    pages.sign_in(cast["parent"])
    assert "looked at a document" in pages.get("privacy.who_has_looked").text


def test_a_keyworker_sends_a_letter_and_the_parent_fetches_it(pages, client, cast, session):
    parent = cast["parent"]
    pages.sign_in(cast["keyworker"])
    send_with_file(pages, "The funding letter", PDF, "letter.pdf", participant_id=parent.id)
    [document] = documents(session)
    [event] = audited(session, "document.uploaded")
    assert event.actor_id == cast["keyworker"].id and event.participant_id == parent.id
    pages.sign_out()
    pages.sign_in(parent)
    assert fetch(client, pages, document).data == PDF


def test_a_goal_gets_a_document_from_either_side(pages, client, cast, session):
    parent = session.get(User, cast["parent"].id)
    goal = plans.add_goal(
        session,
        plan=plans.plan_for(session, parent),
        actor=parent,
        title="Childcare",
        area="childcare",
    )
    session.commit()
    pages.sign_in(cast["parent"])
    page = pages.get("plans.my_plan")
    add = page.select_one(f"#goal-{goal.id} a[href$='/documents']")
    assert "Add a document" in add.text
    upload(
        pages,
        "documents.add_to_goal",
        {"document": (io.BytesIO(png()), "form.png")},
        goal_id=goal.id,
    )
    page = pages.get("plans.my_plan")
    assert page.select_one(f"#goal-{goal.id} .documents a").text == "form.png"
    pages.sign_out()

    pages.sign_in(cast["keyworker"])
    upload(
        pages,
        "documents.add_to_goal",
        {"document": (io.BytesIO(PDF), "Nursery place.pdf")},
        goal_id=goal.id,
    )
    first, second = documents(session)
    assert (first.goal_id, second.goal_id) == (goal.id, goal.id)
    assert fetch(client, pages, first).mimetype == "image/png"
    page = pages.get("plans.participant_plan", participant_id=parent.id)
    assert [a.text for a in page.select(f"#goal-{goal.id} .documents a")] == [
        "form.png",
        "Nursery place.pdf",
    ]


def test_a_goal_without_a_file_chosen_says_so(pages, cast, session):
    parent = session.get(User, cast["parent"].id)
    goal = plans.add_goal(
        session, plan=plans.plan_for(session, parent), actor=parent, title="Money", area="money"
    )
    session.commit()
    pages.sign_in(cast["parent"])
    page = upload(pages, "documents.add_to_goal", {}, expected=422, goal_id=goal.id)
    assert "Choose a file to add." in page.select_one(".field-error").text
    assert documents(session) == []


def test_html_claiming_to_be_a_pdf_is_refused_and_the_message_kept(pages, cast, session):
    pages.sign_in(cast["parent"])
    page = send_with_file(
        pages, "My CV attached", HTML_CLAIMING_TO_BE_A_PDF, "cv.pdf", expected=422
    )
    error = page.select_one("#document-error").text
    assert "isn't a PDF, JPEG or PNG" in error
    assert page.select_one("textarea[name=body]").text.strip() == "My CV attached"
    # Nothing half written: neither the message nor the file.
    assert documents(session) == []
    assert session.scalar(select(func.count()).select_from(Message)) == 0


def test_a_file_over_5_mb_is_refused_next_to_the_field(pages, cast, session):
    pages.sign_in(cast["parent"])
    big = PDF + b"0" * MAX_BYTES
    page = send_with_file(pages, "Scan of the form", big, "scan.pdf", expected=422)
    assert "That file is bigger than 5 MB" in page.select_one("#document-error").text
    assert page.select_one("textarea[name=body]").text.strip() == "Scan of the form"
    assert documents(session) == []


def test_a_huge_upload_gets_a_plain_page_not_a_bare_413(app, pages, cast):
    pages.sign_in(cast["parent"])
    huge = b"%PDF-" + b"0" * app.config["MAX_CONTENT_LENGTH"]
    page = send_with_file(pages, "Video of it", huge, "video.pdf", expected=413)
    assert "That file is bigger than 5 MB" in page.h1.text


def test_a_photo_loses_its_location_and_camera_details(pages, client, cast, session):
    photo = jpeg_with_location()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(GPS_IFD), "the test photo has GPS"
    pages.sign_in(cast["parent"])
    send_with_file(pages, "Photo of the form", photo, "IMG_2041.JPG")
    [document] = documents(session)
    kept = fetch(client, pages, document)
    assert kept.mimetype == "image/jpeg"
    assert kept.headers["Content-Disposition"] == 'attachment; filename="IMG_2041.jpg"'
    image = Image.open(io.BytesIO(kept.data))
    assert image.size == (64, 48)
    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD) and len(exif) == 0
    assert b"Acme Phone" not in kept.data


def test_the_same_form_sent_twice_keeps_one_document(pages, cast, session):
    pages.sign_in(cast["parent"])
    page = pages.get("messages.conversation")
    form_uuid = page.select_one("input[name=uuid]")["value"]
    for _ in range(2):
        upload(
            pages,
            "messages.conversation",
            {"body": "CV", "uuid": form_uuid, "document": (io.BytesIO(PDF), "cv.pdf")},
        )
    assert len(documents(session)) == 1


def test_nobody_else_can_fetch_a_parents_document(pages, client, cast, make, session):
    pages.sign_in(cast["parent"])
    send_with_file(pages, "CV", PDF, "cv.pdf")
    [document] = documents(session)
    pages.sign_out()
    for someone in (cast["other_parent"], cast["elsewhere"]):
        pages.sign_in(someone)
        fetch(client, pages, document, expected=404)
        pages.sign_out()


def test_documents_are_on_the_record_timeline(pages, cast, session):
    pages.sign_in(cast["parent"])
    send_with_file(pages, "CV", PDF, "cv.pdf")
    pages.sign_out()
    pages.sign_in(cast["keyworker"])
    page = pages.get("caseload.record", participant_id=cast["parent"].id)
    [title] = [t for t in page.select(".timeline__title") if "Document added" in t.text]
    assert "cv.pdf" in title.text and title.a is not None


def test_documents_are_in_the_export_and_go_with_erasure(pages, client, cast, session):
    pages.sign_in(cast["parent"])
    send_with_file(pages, "CV", PDF, "cv.pdf")
    [document] = documents(session)
    listed = client.get(pages.url("privacy.download", kind="json")).json["tables"]["documents"]
    assert [(d["filename"], d["size"]) for d in listed] == [("cv.pdf", len(PDF))]
    assert listed[0]["uploaded_at"] and "in the zip download" in listed[0]["content"]
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(pages.url("privacy.download", kind="zip")).data)
    )
    assert archive.read(f"files/documents/{document.id}-cv.pdf") == PDF
    assert "cv.pdf" in archive.read("documents.csv").decode("utf-8-sig")
    assert "cv.pdf" in pages.get("privacy.download", kind="html").text

    anonymise(session, session.get(User, cast["parent"].id))
    session.commit()
    assert documents(session) == []
    left = collect(session, cast["parent"].id)
    assert "documents" not in left.tables and not left.files
    assert "cv.pdf" not in json.dumps(left.tables, default=str)
