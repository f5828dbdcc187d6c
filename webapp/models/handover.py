"""Handing parents on: a keyworker change (one parent, or a whole caseload moved at once) and
cover while a keyworker is away."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import User, str_enum


class SessionsRule(enum.StrEnum):
    """What happens to the parent's booked sessions when their keyworker changes."""

    KEEP = "keep"
    MOVE = "move"
    CANCEL = "cancel"

    @property
    def label(self) -> str:
        return SESSIONS_RULE_LABELS[self]


SESSIONS_RULE_LABELS = {
    SessionsRule.MOVE: (
        "Move them to the new keyworker where they're free (the rest stay as they are)"
    ),
    SessionsRule.KEEP: "Keep them with the keyworker they were booked with",
    SessionsRule.CANCEL: "Cancel them, and tell the parent",
}


class KeyworkerChange(Base):
    """A parent's keyworker changed: who from, who to, who did it and what became of their
    booked sessions. The record's history of who has worked with them."""

    __tablename__ = "keyworker_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    from_keyworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_keyworker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sessions_rule: Mapped[SessionsRule] = mapped_column(str_enum(SessionsRule))
    sessions_moved: Mapped[int] = mapped_column(default=0)
    sessions_kept: Mapped[int] = mapped_column(default=0)
    sessions_cancelled: Mapped[int] = mapped_column(default=0)
    # How the parent was told beyond their Today page: "email", "email,text" or "" (not).
    told: Mapped[str] = mapped_column(String(40), default="")

    from_keyworker: Mapped[User | None] = relationship(foreign_keys=[from_keyworker_id])
    to_keyworker: Mapped[User] = relationship(foreign_keys=[to_keyworker_id])
    changed_by: Mapped[User] = relationship(foreign_keys=[changed_by_id])
    participant: Mapped[User] = relationship(foreign_keys=[participant_id])

    @property
    def told_by(self) -> list[str]:
        return self.told.split(",") if self.told else []


class Cover(Base):
    """One keyworker covering another's caseload from one day to another, both included."""

    __tablename__ = "covers"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="cover_dates_in_order"),
        CheckConstraint("absent_id <> cover_id", name="cover_not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    absent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    cover_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    arranged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when it is called off or ended early; the cover then no longer applies.
    ended_at: Mapped[datetime | None]

    absent: Mapped[User] = relationship(foreign_keys=[absent_id])
    cover: Mapped[User] = relationship(foreign_keys=[cover_id])
    arranged_by: Mapped[User] = relationship(foreign_keys=[arranged_by_id])

    def applies_on(self, day: date) -> bool:
        return self.ended_at is None and self.starts_on <= day <= self.ends_on
