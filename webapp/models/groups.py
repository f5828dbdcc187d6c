"""Group sessions (peer support, workshops) and the parents' places at them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.locality import Venue
from webapp.models.people import User, str_enum
from webapp.models.sessions import SessionStatus


class GroupSession(Base):
    """Peer support or a workshop: several parents, a capacity and crèche places."""

    __tablename__ = "group_sessions"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="order"),
        CheckConstraint("capacity > 0 AND creche_places >= 0", name="places"),
    )

    is_group = True  # what templates ask to tell one from a one-to-one session
    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"))
    led_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    creche_places: Mapped[int] = mapped_column(default=0)
    is_cancelled: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str | None] = mapped_column(Text)  # what staff told the parents
    cancelled_at: Mapped[datetime | None]
    sequence: Mapped[int] = mapped_column(default=0)

    venue: Mapped[Venue | None] = relationship()
    led_by: Mapped[User | None] = relationship()

    @property
    def uid(self) -> str:
        """The event's name in calendars, before the installation's host is added."""
        return f"group-{self.id}"


class GroupPlace(Base):
    """A parent's place at a group session, with the crèche places they need."""

    __tablename__ = "group_attendees"
    __table_args__ = (UniqueConstraint("group_session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    creche_children: Mapped[int] = mapped_column(default=0)
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus), default=SessionStatus.BOOKED
    )
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]  # when the parent gave the place up

    group_session: Mapped[GroupSession] = relationship()
    participant: Mapped[User] = relationship()

    @property
    def is_booked(self) -> bool:
        """Still held: neither given up nor marked after the session."""
        return self.status == SessionStatus.BOOKED

    @property
    def is_cancelled(self) -> bool:
        """The parent gave the place up."""
        return self.status == SessionStatus.CANCELLED

    @property
    def is_marked(self) -> bool:
        """Staff have marked whether the parent came."""
        return self.status in (SessionStatus.ATTENDED, SessionStatus.DID_NOT_ATTEND)
