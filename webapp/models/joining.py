"""Requests to join: a parent asks to join themselves, or a partner (a work coach, a health
visitor, a school) refers them, from the public "Ask to join" page."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import Locality, User, str_enum


class ReferredBy(enum.StrEnum):
    SELF = "self"
    JOBCENTRE = "jobcentre"
    HEALTH_VISITOR = "health-visitor"
    SCHOOL = "school"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REFERRED_BY_LABELS[self]


REFERRED_BY_LABELS = {
    ReferredBy.SELF: "I'm asking for myself",
    ReferredBy.JOBCENTRE: "A Jobcentre work coach",
    ReferredBy.HEALTH_VISITOR: "A health visitor",
    ReferredBy.SCHOOL: "A school or nursery",
    ReferredBy.OTHER: "Someone else",
}


class JoinRequestStatus(enum.StrEnum):
    WAITING = "waiting"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class JoinRequest(Base):
    """Someone asking to join a locality's service, waiting for staff to act on it."""

    __tablename__ = "join_requests"
    __table_args__ = (Index("ix_join_requests_locality_status", "locality_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    children_stages: Mapped[list[str]] = mapped_column(JSON, default=list)
    best_times: Mapped[str | None] = mapped_column(Text)
    referred_by: Mapped[ReferredBy] = mapped_column(str_enum(ReferredBy), default=ReferredBy.SELF)
    referrer_name: Mapped[str | None] = mapped_column(String(120))
    referrer_contact: Mapped[str | None] = mapped_column(String(254))
    consented_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[JoinRequestStatus] = mapped_column(
        str_enum(JoinRequestStatus), default=JoinRequestStatus.WAITING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    # The parent's account, once the request became an invitation.
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    locality: Mapped[Locality] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_referral(self) -> bool:
        """Someone else (a work coach, a school …) asked for the parent."""
        return self.referred_by != ReferredBy.SELF

    @property
    def is_waiting(self) -> bool:
        return self.status == JoinRequestStatus.WAITING

    @property
    def is_accepted(self) -> bool:
        return self.status == JoinRequestStatus.ACCEPTED
