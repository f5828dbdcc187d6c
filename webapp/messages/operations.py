"""Sending and reading messages. Each function only flushes; the view commits."""

from __future__ import annotations

import logging
import uuid as uuid_module
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from webapp.checkins.sync import REJECTED, STORED, Entry, Outcome, merge_entries, parse_recorded_at
from webapp.clock import utcnow
from webapp.contact.telling import tell_parent
from webapp.documents.files import Prepared
from webapp.documents.operations import add_document
from webapp.messages.forms import MESSAGE_MAX_LENGTH
from webapp.messages.queries import unread
from webapp.models import Message, User
from webapp.services.mail import send_mail
from webapp.services.records import ERASED

logger = logging.getLogger(__name__)

CONTENT_FIELDS = ("body", "author_id")
MAX_BATCH = 1000
TOLD = "You have a new message in CoPlan."


def clean_message(
    data: Any, *, participant_id: int, author_id: int, now: datetime
) -> tuple[Entry | None, Outcome | None]:
    """One message from a form or a phone's outbox: storable, or rejected saying why."""
    if not isinstance(data, dict):
        return None, Outcome(None, REJECTED, "Each message must be a JSON object.")
    label = data.get("uuid") if isinstance(data.get("uuid"), str) else None
    try:
        entry_uuid = uuid_module.UUID(label or "")
    except ValueError:
        return None, Outcome(label, REJECTED, "Each message needs a UUID made by the phone.")
    body = data.get("body")
    body = body.replace("\x00", "").strip() if isinstance(body, str) else ""
    if not body:
        return None, Outcome(label, REJECTED, "The message is empty.")
    if len(body) > MESSAGE_MAX_LENGTH:
        return None, Outcome(
            label, REJECTED, f"Keep a message to {MESSAGE_MAX_LENGTH} characters or fewer."
        )
    sent_at, problem = parse_recorded_at(data.get("recorded_at") or now.isoformat(), now)
    if problem:
        return None, Outcome(label, REJECTED, problem)
    values = {
        "uuid": str(entry_uuid),
        "participant_id": participant_id,
        "author_id": author_id,
        "body": body,
        "sent_at": sent_at,
        "received_at": now,
    }
    return Entry(str(entry_uuid), values), None


def _label(data: Any) -> str | None:
    label = data.get("uuid") if isinstance(data, dict) else None
    return label if isinstance(label, str) else None


def send_messages(
    session: Session, *, participant: User, author: User, batch: list[Any]
) -> list[Outcome]:
    """Store messages once each by UUID, and tell the other side about the new ones. On an
    erased record every one is refused, saying why."""
    if participant.is_erased:
        return [Outcome(_label(data), REJECTED, ERASED) for data in batch]
    now = utcnow()
    cleaned = [
        clean_message(data, participant_id=participant.id, author_id=author.id, now=now)
        for data in batch
    ]
    had_unread = _other_side_has_unread(session, participant, author)
    outcomes = merge_entries(session, Message.__table__, CONTENT_FIELDS, cleaned)
    if any(o.status == STORED for o in outcomes) and not had_unread:
        tell_the_other_side(session, participant=participant, author=author)
    return outcomes


def send_message(
    session: Session,
    *,
    participant: User,
    author: User,
    body: str,
    uuid: str,
    document: Prepared | None = None,
) -> Outcome:
    """One message from the form, perhaps with a document; sending the same form twice stores
    it once, and its document once."""
    outcome = send_messages(
        session, participant=participant, author=author, batch=[{"uuid": uuid, "body": body}]
    )[0]
    if document is not None and outcome.status == STORED:
        message = session.scalar(select(Message).where(Message.uuid == outcome.uuid))
        add_document(
            session, participant=participant, uploader=author, prepared=document, message=message
        )
    return outcome


def _other_side_has_unread(session: Session, participant: User, author: User) -> bool:
    """Whether the other side already has an unread message from this side: then they have
    been told, and one notice is enough until they read them."""
    from_parent = author.id == participant.id
    side = (
        Message.author_id == participant.id if from_parent else Message.author_id != participant.id
    )
    return session.scalar(
        select(
            exists().where(
                Message.participant_id == participant.id, Message.read_at.is_(None), side
            )
        )
    )


def tell_the_other_side(session: Session, *, participant: User, author: User) -> None:
    """A notice that there's a new message, never what it says, by email or text."""
    if author.id == participant.id:
        keyworker = participant.profile.keyworker if participant.profile else None
        if keyworker is not None and keyworker.email:
            link = url_for(
                "messages.staff_conversation", participant_id=participant.id, _external=True
            )
            send_mail(
                session,
                to=keyworker.email,
                user=keyworker,
                subject=f"A new message from {participant.first_name}",
                body=f"{participant.name} sent you a message in CoPlan.\n\n{link}\n",
            )
        return
    link = url_for("messages.conversation", _external=True)
    tell_parent(
        session,
        participant,
        "messages",
        subject=TOLD,
        words=TOLD,
        link=link,
        reference=f"message-{participant.id}",
    )


def mark_read(session: Session, *, participant: User, reader: User) -> int:
    """Mark what the reader has now seen as read; how many were."""
    return session.execute(
        update(Message)
        .where(unread(participant, by_parent=reader.id == participant.id))
        .values(read_at=utcnow())
    ).rowcount
