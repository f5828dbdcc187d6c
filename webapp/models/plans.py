"""Co-produced action plans: a participant's goals and steps, their history, agreement,
comments, and the notices each side gets when the other changes the plan."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import User, str_enum

if TYPE_CHECKING:
    from webapp.models.documents import Document

GOAL_TITLE_MAX = 200
WHY_MAX = 1000
STEP_TEXT_MAX = 300
PARTNER_MAX = 120
COMMENT_MAX = 1000


class Area(enum.StrEnum):
    CONFIDENCE = "confidence"
    CHILDCARE = "childcare"
    MONEY = "money"
    HEALTH = "health"
    SKILLS = "skills"
    JOB_SEARCH = "job-search"
    WORK = "work"
    HOUSING = "housing"
    OTHER = "other"

    @property
    def label(self) -> str:
        return AREA_LABELS[self]


AREA_LABELS = {
    Area.CONFIDENCE: "Confidence",
    Area.CHILDCARE: "Childcare",
    Area.MONEY: "Money and benefits",
    Area.HEALTH: "Health and wellbeing",
    Area.SKILLS: "Skills and learning",
    Area.JOB_SEARCH: "Job search",
    Area.WORK: "Work and progression",
    Area.HOUSING: "Housing",
    Area.OTHER: "Other",
}


class GoalStatus(enum.StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        return {"active": "Working on it", "achieved": "Achieved", "paused": "Paused"}[self.value]


class StepOwner(enum.StrEnum):
    ME = "me"
    KEYWORKER = "keyworker"
    TOGETHER = "together"
    PARTNER = "partner"


class Side(enum.StrEnum):
    """The two sides of a plan: the parent, and the service (their keyworker or a colleague)."""

    PARTICIPANT = "participant"
    SERVICE = "service"

    @property
    def is_participant(self) -> bool:
        return self is Side.PARTICIPANT


class EventKind(enum.StrEnum):
    GOAL_ADDED = "goal-added"
    GOAL_CHANGED = "goal-changed"
    GOAL_REMOVED = "goal-removed"
    GOAL_MOVED = "goal-moved"
    STEP_ADDED = "step-added"
    STEP_CHANGED = "step-changed"
    STEP_DONE = "step-done"
    STEP_UNDONE = "step-undone"
    STEP_REMOVED = "step-removed"
    STEP_MOVED = "step-moved"
    AGREEMENT_ASKED = "agree-asked"
    AGREEMENT_CONFIRMED = "agree-confirmed"
    PLAN_AGREED = "plan-agreed"
    COMMENTED = "commented"


class Plan(Base):
    """One plan per participant. ``revision`` counts changes to what both sides agree on."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    # Bumped in SQL (revision = revision + 1) so that two people editing different goals
    # never collide on the plan row; agreement compares this number.
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    participant: Mapped[User] = relationship()
    goals: Mapped[list[Goal]] = relationship(
        order_by="(Goal.position, Goal.id)",
        primaryjoin="and_(Goal.plan_id == Plan.id, Goal.removed_at.is_(None))",
        viewonly=True,
    )


class Goal(Base):
    """Something the parent wants, in their own words."""

    __tablename__ = "plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    title: Mapped[str] = mapped_column(String(GOAL_TITLE_MAX))
    area: Mapped[Area] = mapped_column(str_enum(Area))
    why: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[GoalStatus] = mapped_column(str_enum(GoalStatus), default=GoalStatus.ACTIVE)
    position: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    plan: Mapped[Plan] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    steps: Mapped[list[Step]] = relationship(
        order_by="(Step.position, Step.id)",
        primaryjoin="and_(Step.goal_id == Goal.id, Step.removed_at.is_(None))",
        viewonly=True,
    )
    comments: Mapped[list[GoalComment]] = relationship(
        order_by="GoalComment.created_at", viewonly=True
    )
    documents: Mapped[list[Document]] = relationship(order_by="Document.id", viewonly=True)

    @property
    def is_active(self) -> bool:
        """Being worked on: neither achieved nor paused."""
        return self.status == GoalStatus.ACTIVE


class Step(Base):
    """One thing to do towards a goal, with who does it and, perhaps, by when."""

    __tablename__ = "plan_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goals.id"), index=True)
    text: Mapped[str] = mapped_column(String(STEP_TEXT_MAX))
    owner: Mapped[StepOwner] = mapped_column(str_enum(StepOwner), default=StepOwner.ME)
    partner_name: Mapped[str | None] = mapped_column(String(PARTNER_MAX))
    due_on: Mapped[date | None] = mapped_column(index=True)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    position: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    goal: Mapped[Goal] = relationship(foreign_keys=[goal_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    @property
    def done(self) -> bool:
        return self.done_at is not None


class PlanEvent(Base):
    """One change to a plan: who did what, from what to what, and when."""

    __tablename__ = "plan_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goals.id"))
    step_id: Mapped[int | None] = mapped_column(ForeignKey("plan_steps.id"))
    # What the change was about, as it read then ("Get my confidence back").
    subject: Mapped[str] = mapped_column(String(STEP_TEXT_MAX), default="")
    field: Mapped[str | None] = mapped_column(String(30))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User] = relationship()


class PlanAgreement(Base):
    """A request to agree one revision of a plan, with what the plan said at that moment."""

    __tablename__ = "plan_agreements"
    __table_args__ = (UniqueConstraint("plan_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    revision: Mapped[int]
    # The goals and steps as agreed, in the parent's words: erased with the rest of their record.
    snapshot: Mapped[dict | None] = mapped_column(JSON, info={"free_text": True})
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    agreed_at: Mapped[datetime | None]

    requested_by: Mapped[User] = relationship()
    confirmations: Mapped[list[AgreementConfirmation]] = relationship(
        back_populates="agreement", order_by="AgreementConfirmation.confirmed_at"
    )


class AgreementConfirmation(Base):
    """One side saying yes to one revision of the plan."""

    __tablename__ = "plan_agreement_confirmations"
    __table_args__ = (UniqueConstraint("agreement_id", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("plan_agreements.id"))
    side: Mapped[Side] = mapped_column(str_enum(Side))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[PlanAgreement] = relationship(back_populates="confirmations")
    user: Mapped[User] = relationship()


class GoalComment(Base):
    """A short message about a goal between the parent and their keyworker."""

    __tablename__ = "plan_goal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()


class Notice(Base):
    """An in-app notice: "Ewan changed your plan". Unread ones from the same person about
    the same plan are gathered into one, so a busy editing session is one notice."""

    __tablename__ = "notifications"  # its name from before it was called a notice

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    message: Mapped[str] = mapped_column(String(300))
    changes: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    plan: Mapped[Plan | None] = relationship()
