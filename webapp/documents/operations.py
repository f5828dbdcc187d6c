"""Keeping a document. Only flushes; the view commits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.documents.files import Prepared
from webapp.models import Document, Goal, Message, User
from webapp.services import audit


def add_document(
    session: Session,
    *,
    participant: User,
    uploader: User,
    prepared: Prepared,
    message: Message | None = None,
    goal: Goal | None = None,
) -> Document:
    """Keep a checked file on one of the parent's messages or goals; staff's uploads are
    audited, as everything staff do with a record is."""
    if (message is None) == (goal is None):
        raise ValueError("A document goes on one message or one goal")
    document = Document(
        participant_id=participant.id,
        uploaded_by_id=uploader.id,
        message_id=message.id if message is not None else None,
        goal_id=goal.id if goal is not None else None,
        filename=prepared.filename,
        content_type=prepared.content_type,
        size=len(prepared.content),
        content=prepared.content,
    )
    session.add(document)
    session.flush()
    if uploader.is_staff:
        audit.record(
            session,
            "document.uploaded",
            actor=uploader,
            participant=participant,
            document_id=document.id,
            on="message" if message is not None else "goal",
        )
    return document
