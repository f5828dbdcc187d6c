"""Messages between a parent and their keyworker: one conversation, sent once however often the
form or the outbox sends it, read state, and notices that never hold the words."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, insert, select

from tests.smtp_server import Collector, running_smtp
from webapp.models import AuditEvent, AvailabilityRule, Message, SessionMode
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


def send(pages, body: str, *, uuid_: str | None = None, expected=302, **values):
    endpoint = "messages.staff_conversation" if values else "messages.conversation"
    page = pages.get(endpoint, **values)
    data = {"body": body, "uuid": uuid_ or page.select_one("input[name=uuid]")["value"]}
    return pages.post(endpoint, data, _expected_status=expected, **values), data["uuid"]


def stored(session) -> list[Message]:
    return list(session.scalars(select(Message).order_by(Message.id)))


def test_a_parent_writes_and_the_keyworker_is_told_without_the_words(app, pages, cast, session):
    pages.sign_in(cast["parent"])
    with running_smtp(app, Collector()) as mail:
        send(pages, "Running 10 minutes late, sorry!")
        send(pages, "Can we move Thursday?")

    assert [m.body for m in stored(session)] == [
        "Running 10 minutes late, sorry!",
        "Can we move Thursday?",
    ]
    # One notice for the two: the keyworker hasn't read the first yet.
    assert len(mail.messages) == 1
    notice = mail.messages[0].get_payload(decode=True).decode()
    assert "Aisha Rahman sent you a message" in notice and "late" not in notice
    page = pages.get("messages.conversation")
    assert "Can we move Thursday?" in page.select_one("#latest").text


def test_the_same_form_sent_twice_stores_one_message(pages, cast, session):
    pages.sign_in(cast["parent"])
    _, form_uuid = send(pages, "Hello Ewan")
    send(pages, "Hello Ewan", uuid_=form_uuid)

    assert len(stored(session)) == 1


def test_an_empty_message_is_explained_and_nothing_is_stored(pages, cast, session):
    pages.sign_in(cast["parent"])
    page, _ = send(pages, "   ", expected=422)
    assert "Write your message first." in page.select_one("#body-error").text
    assert stored(session) == []


def test_the_keyworker_reads_replies_and_the_parent_sees_it(pages, cast, session):
    parent, keyworker = cast["parent"], cast["keyworker"]
    pages.sign_in(parent)
    send(pages, "Can we move Thursday?")
    pages.sign_out()

    pages.sign_in(keyworker)
    page = pages.get("messages.staff_conversation", participant_id=parent.id)
    assert "Can we move Thursday?" in page.text
    assert stored(session)[0].read_at is not None
    send(pages, "Yes, Friday at 10?", participant_id=parent.id)
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "messages.viewed")
        )
        >= 1
    )
    pages.sign_out()

    pages.sign_in(parent)
    latest = pages.get("messages.conversation").select_one("#latest")
    assert "Ewan MacLeod" in latest.text and "Friday at 10?" in latest.text
    assert stored(session)[1].read_at is not None


def test_no_one_else_sees_the_conversation(pages, cast, session):
    pages.sign_in(cast["parent"])
    send(pages, "Private words")
    pages.sign_out()

    pages.sign_in(cast["elsewhere"])
    pages.get("messages.staff_conversation", 404, participant_id=cast["parent"].id)
    pages.sign_out()
    pages.sign_in(cast["other_parent"])
    assert "Private words" not in pages.get("messages.conversation").text


def test_the_parent_sees_when_their_keyworker_usually_replies(pages, cast, session):
    for weekday in range(4):
        session.add(
            AvailabilityRule(
                keyworker_id=cast["keyworker"].id,
                weekday=weekday,
                starts_at=time(9, 15),
                ends_at=time(14, 45),
                mode=SessionMode.OFFICE,
                valid_from=datetime(2026, 1, 5).date(),
            )
        )
    session.commit()
    pages.sign_in(cast["parent"])
    text = " ".join(pages.get("messages.conversation").text.split())
    assert "Ewan MacLeod, who usually replies Mon–Thu, 9:15–14:45" in text


def test_offline_messages_from_the_outbox_are_stored_once(pages, cast, session):
    pages.sign_in(cast["parent"])
    token = pages.csrf_token()
    recorded = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    batch = [
        {"uuid": str(uuid.uuid4()), "body": f"Written on the bus {n}", "recorded_at": recorded}
        for n in range(3)
    ] + [{"uuid": str(uuid.uuid4()), "body": ""}]
    answers = [
        pages.client.post(
            "/api/v1/messages",
            json={"user": cast["parent"].id, "messages": batch},
            headers={"X-CSRFToken": token},
        )
        for _ in range(5)
    ]

    assert answers[0].json["counts"] == {"stored": 3, "rejected": 1}
    assert all(a.json["counts"] == {"already_had": 3, "rejected": 1} for a in answers[1:])
    assert answers[0].json["results"][3]["reason"] == "The message is empty."
    kept = stored(session)
    assert len(kept) == 3
    assert kept[0].sent_at.isoformat()[:16] == recorded[:16]


def test_the_conversation_page_costs_the_same_for_10_and_1000_messages(
    pages, cast, session, count_queries
):
    parent, keyworker = cast["parent"], cast["keyworker"]
    pages.sign_in(keyworker)

    def add(count: int) -> None:
        start = datetime.now(UTC) - timedelta(days=30)
        session.execute(
            insert(Message),
            [
                {
                    "uuid": str(uuid.uuid4()),
                    "participant_id": parent.id,
                    "author_id": parent.id if n % 2 else keyworker.id,
                    "body": f"Message {n}",
                    "sent_at": start + timedelta(minutes=n),
                }
                for n in range(count)
            ],
        )
        session.commit()

    add(10)
    with count_queries() as few:
        pages.get("messages.staff_conversation", participant_id=parent.id)
    add(990)
    with count_queries() as many:
        page = pages.get("messages.staff_conversation", participant_id=parent.id)
    assert len(few) == len(many)
    assert len(page.select(".message")) == 50 and page.find("a", string="Older messages")


def test_messages_are_on_the_record_timeline_and_in_the_export(pages, cast, session):
    pages.sign_in(cast["parent"])
    send(pages, "Can we move Thursday?")
    pages.sign_out()
    pages.sign_in(cast["keyworker"])
    send(pages, "Yes, Friday at 10?", participant_id=cast["parent"].id)

    record = pages.get("caseload.record", participant_id=cast["parent"].id)
    items = [li.text for li in record.select("li") if "Message" in li.text]
    assert any("Message from the parent" in t and "Can we move Thursday?" in t for t in items)
    assert any("Message to the parent" in t and "Friday at 10?" in t for t in items)
    only = pages.get("caseload.record", participant_id=cast["parent"].id, kind="messages")
    assert "Can we move Thursday?" in only.text
    exported = collect(session, cast["parent"].id).tables["messages"]
    assert sorted(m["body"] for m in exported) == ["Can we move Thursday?", "Yes, Friday at 10?"]
