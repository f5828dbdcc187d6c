"""What messages add to the service record: each message in the record's timeline, in one
query whatever the number of people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.caseload.timeline import TimelineFilters, TimelineItem
from webapp.models import Message, User


def message_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    """Messages in each parent's conversation, from them or from staff, as they were written."""
    query = (
        select(Message, User.name)
        .outerjoin(User, User.id == Message.author_id)
        .where(Message.participant_id.in_(ids))
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(filters.limit)
    )
    if filters.before is not None:
        query = query.where(Message.sent_at < filters.before)
    return [
        TimelineItem(
            when=message.sent_at,
            kind="messages",
            title="Message from the parent"
            if message.from_participant
            else "Message to the parent",
            detail=message.body,
            by=author,
            participant_id=message.participant_id,
            ref=("message", message.id),
        )
        for message, author in session.execute(query)
    ]
