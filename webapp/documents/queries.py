"""What the document pages read: one document someone may see, and documents on the
record's timeline."""

from __future__ import annotations

from collections.abc import Sequence

from flask import abort, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, undefer

from webapp.caseload.timeline import TimelineFilters, TimelineItem, newest_first
from webapp.models import Document, User
from webapp.web.policy import can_see_participant


def document_or_404(session: Session, document_id: int, *, viewer: User) -> Document:
    """The document with its file, if the viewer may see the conversation or plan it is on
    (the parent's own, or a parent in scope); otherwise 404, so ids cannot be probed."""
    document = session.scalar(
        select(Document)
        .where(Document.id == document_id)
        .options(joinedload(Document.participant), undefer(Document.content))
    )
    if document is None or not can_see_participant(viewer, document.participant):
        abort(404)
    return document


def document_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    """Documents added to a conversation or a plan, in one query."""
    query = select(Document, User.name).outerjoin(User, User.id == Document.uploaded_by_id)
    query = newest_first(
        query, Document.participant_id, Document.uploaded_at, Document.id, ids, filters
    )
    return [
        TimelineItem(
            when=document.uploaded_at,
            kind="documents",
            title=f"Document added: {document.filename}",
            detail=(
                f"On a message, {document.size_label}."
                if document.message_id is not None
                else f"On a goal in the plan, {document.size_label}."
            ),
            url=url_for("documents.download", document_id=document.id),
            by=by,
            participant_id=document.participant_id,
            ref=("document", document.id),
        )
        for document, by in session.execute(query)
    ]
