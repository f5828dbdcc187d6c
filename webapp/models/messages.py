"""The conversation between a parent and their keyworker: one per parent."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import User

if TYPE_CHECKING:
    from webapp.models.documents import Document


class Message(Base):
    """One message in a parent's conversation, from the parent or from staff.

    ``uuid`` is made when the form is shown (or on the phone, offline), so a message posted
    twice, or sent again from the outbox, is stored once."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_participant_sent", "participant_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    # When it was written (on the phone, perhaps offline) and when the server took it.
    sent_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]  # by the other side

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    documents: Mapped[list[Document]] = relationship(order_by="Document.id", viewonly=True)

    @property
    def from_participant(self) -> bool:
        return self.author_id == self.participant_id
