"""Wellbeing and confidence check-ins: what a parent told us about how they're doing."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, SmallInteger, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import User

SWEMWBS_COLUMNS = ("optimistic", "useful", "relaxed", "problems", "thinking", "close", "own_mind")
CONFIDENCE_COLUMNS = (
    "confidence_work",
    "confidence_money",
    "confidence_childcare",
    "confidence_health",
    "confidence_skills",
    "confidence_support",
)


def _answer_checks() -> list[CheckConstraint]:
    checks = [CheckConstraint(f"{c} BETWEEN 1 AND 5", name=f"{c}_1_to_5") for c in SWEMWBS_COLUMNS]
    checks += [
        CheckConstraint(f"{c} BETWEEN 1 AND 10", name=f"{c}_1_to_10") for c in CONFIDENCE_COLUMNS
    ]
    checks.append(CheckConstraint("swemwbs_raw BETWEEN 7 AND 35", name="swemwbs_raw_7_to_35"))
    return checks


class CheckIn(Base):
    """One check-in. The phone makes its UUID, so however often it is sent it is stored once."""

    __tablename__ = "checkins"
    __table_args__ = (
        *_answer_checks(),
        # "My journey" and the caseload flags read a person's check-ins newest first.
        Index("ix_checkins_participant_recorded", "participant_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # When the parent filled it in, by the phone's clock; when it reached us, by ours.
    recorded_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    optimistic: Mapped[int] = mapped_column(SmallInteger)
    useful: Mapped[int] = mapped_column(SmallInteger)
    relaxed: Mapped[int] = mapped_column(SmallInteger)
    problems: Mapped[int] = mapped_column(SmallInteger)
    thinking: Mapped[int] = mapped_column(SmallInteger)
    close: Mapped[int] = mapped_column(SmallInteger)
    own_mind: Mapped[int] = mapped_column(SmallInteger)
    swemwbs_raw: Mapped[int] = mapped_column(SmallInteger)
    # Exact in the database; a float is plenty for charts and differences of whole points.
    swemwbs_metric: Mapped[float] = mapped_column(Numeric(4, 2, asdecimal=False))

    confidence_work: Mapped[int] = mapped_column(SmallInteger)
    confidence_money: Mapped[int] = mapped_column(SmallInteger)
    confidence_childcare: Mapped[int] = mapped_column(SmallInteger)
    confidence_health: Mapped[int] = mapped_column(SmallInteger)
    confidence_skills: Mapped[int] = mapped_column(SmallInteger)
    confidence_support: Mapped[int] = mapped_column(SmallInteger)

    note: Mapped[str | None] = mapped_column(Text)
    note_shared: Mapped[bool] = mapped_column(default=False)
    contact_me: Mapped[bool] = mapped_column(default=False)

    participant: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CheckIn {self.uuid} by {self.participant_id}>"
