"""What messages add to the service record: each message in the record's timeline, in one
query whatever the number of people."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.caseload.timeline import TimelineFilters, TimelineItem, newest_first
from webapp.models import Message, User


def message_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    """Messages in each parent's conversation, from them or from staff, as they were written."""
    query = select(Message, User.name).outerjoin(User, User.id == Message.author_id)
    query = newest_first(query, Message.participant_id, Message.sent_at, Message.id, ids, filters)
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
