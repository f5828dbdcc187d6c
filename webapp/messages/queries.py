"""What the conversation pages read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from webapp import clock
from webapp.models import AvailabilityRule, Message, User

PAGE_SIZE = 50
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Conversation:
    messages: list[Message]  # oldest first
    older_than: int | None  # the id to ask for older messages before, when there are more


def conversation(session: Session, participant: User, *, before: int | None = None) -> Conversation:
    """The latest messages of a parent's conversation with their documents, in a fixed number
    of queries however long it is."""
    query = (
        select(Message)
        .where(Message.participant_id == participant.id)
        .options(joinedload(Message.author), selectinload(Message.documents))
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if before is not None:
        query = query.where(Message.id < before)
    newest_first = list(session.scalars(query))
    more = len(newest_first) > PAGE_SIZE
    shown = newest_first[:PAGE_SIZE]
    return Conversation(list(reversed(shown)), shown[-1].id if more and shown else None)


def unread(participant: User, *, by_parent: bool):
    """Unread messages of the parent's conversation as a condition: the ones to the parent
    (written by staff) when ``by_parent``, else the ones to staff (written by the parent)."""
    to_them = (
        Message.author_id != participant.id if by_parent else Message.author_id == participant.id
    )
    return and_(Message.participant_id == participant.id, Message.read_at.is_(None), to_them)


def unread_for(session: Session, participant: User, reader: User) -> int:
    """How many messages the reader hasn't read yet."""
    by_parent = reader.id == participant.id
    return session.scalar(select(func.count()).where(unread(participant, by_parent=by_parent)))


def reply_days(session: Session, keyworker: User | None) -> str | None:
    """When the keyworker usually works, from their weekly availability: "Mon–Thu, 9:15–14:45"."""
    if keyworker is None:
        return None
    row = session.execute(
        select(
            func.min(AvailabilityRule.starts_at),
            func.max(AvailabilityRule.ends_at),
        ).where(AvailabilityRule.keyworker_id == keyworker.id)
    ).one()
    days = sorted(
        set(
            session.scalars(
                select(AvailabilityRule.weekday).where(
                    AvailabilityRule.keyworker_id == keyworker.id
                )
            )
        )
    )
    if not days or row[0] is None:
        return None
    return (
        f"{day_span(days)}, {clock.show(row[0], 'short_time')}–{clock.show(row[1], 'short_time')}"
    )


def day_span(days: list[int]) -> str:
    """Weekdays as a reader says them: "Mon–Thu", or "Mon, Wed, Fri" when they aren't a run."""
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]}–{DAY_NAMES[days[-1]]}"
    return ", ".join(DAY_NAMES[day] for day in days)
