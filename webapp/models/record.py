"""The service record: notes, referrals, outcomes, the employability pipeline, pauses in
engagement, and the parents' voice (feedback on sessions, the ideas board)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import Locality, User, str_enum


class Note(Base):
    """Something written on a participant's record. Shared with the participant unless staff-only.

    A participant can also write one, asking their keyworker to get in touch."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_participant_created", "participant_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    staff_only: Mapped[bool] = mapped_column(default=False)
    asks_for_contact: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class ReferralKind(enum.StrEnum):
    MONEY_ADVICE = "money-advice"
    CHILDCARE = "childcare"
    TRAINING = "training"
    HEALTH = "health"
    HOUSING = "housing"
    EMPLOYER = "employer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REFERRAL_KIND_LABELS[self]


REFERRAL_KIND_LABELS = {
    ReferralKind.MONEY_ADVICE: "Money and benefits advice",
    ReferralKind.CHILDCARE: "Childcare",
    ReferralKind.TRAINING: "Training provider",
    ReferralKind.HEALTH: "Health and wellbeing",
    ReferralKind.HOUSING: "Housing",
    ReferralKind.EMPLOYER: "Employer",
    ReferralKind.OTHER: "Other",
}


class ReferralStatus(enum.StrEnum):
    MADE = "made"
    ACCEPTED = "accepted"
    ATTENDED = "attended"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Referral(Base):
    """A referral to a partner organisation, and how it is going."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[ReferralKind] = mapped_column(str_enum(ReferralKind))
    organisation: Mapped[str] = mapped_column(String(120))
    status: Mapped[ReferralStatus] = mapped_column(
        str_enum(ReferralStatus), default=ReferralStatus.MADE
    )
    made_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    made_by: Mapped[User | None] = relationship(foreign_keys=[made_by_id])


class OutcomeKind(enum.StrEnum):
    ENTERED_WORK = "entered-work"
    TRAINING_STARTED = "training-started"
    TRAINING_COMPLETED = "training-completed"
    QUALIFICATION = "qualification"
    VOLUNTEERING = "volunteering"
    CHILDCARE_SECURED = "childcare-secured"
    INCOME_MAXIMISED = "income-maximised"
    IN_WORK_PROGRESSION = "in-work-progress"

    @property
    def label(self) -> str:
        return OUTCOME_KIND_LABELS[self]


OUTCOME_KIND_LABELS = {
    OutcomeKind.ENTERED_WORK: "Entered work",
    OutcomeKind.TRAINING_STARTED: "Started training",
    OutcomeKind.TRAINING_COMPLETED: "Completed training",
    OutcomeKind.QUALIFICATION: "Gained a qualification",
    OutcomeKind.VOLUNTEERING: "Started volunteering",
    OutcomeKind.CHILDCARE_SECURED: "Childcare secured",
    OutcomeKind.INCOME_MAXIMISED: "Income maximised",
    OutcomeKind.IN_WORK_PROGRESSION: "In-work progression",
}


class ContractType(enum.StrEnum):
    PERMANENT = "permanent"
    FIXED_TERM = "fixed-term"
    TEMPORARY = "temporary"
    ZERO_HOURS = "zero-hours"
    SELF_EMPLOYED = "self-employed"
    APPRENTICESHIP = "apprenticeship"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class Outcome(Base):
    """Something a participant achieved, dated, and who recorded it."""

    __tablename__ = "outcomes"
    __table_args__ = (
        Index("ix_outcomes_participant_achieved", "participant_id", "achieved_on"),
        CheckConstraint(
            "hours_per_week IS NULL OR (hours_per_week > 0 AND hours_per_week <= 80)",
            name="hours_per_week_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[OutcomeKind] = mapped_column(str_enum(OutcomeKind), index=True)
    achieved_on: Mapped[date] = mapped_column(index=True)
    hours_per_week: Mapped[int | None]
    contract_type: Mapped[ContractType | None] = mapped_column(str_enum(ContractType))
    detail: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


PIPELINE_STAGES = {
    1: "Engagement and referral",
    2: "Barrier removal",
    3: "Vocational activity",
    4: "Job entry",
    5: "In-work support",
}


class PipelineStageChange(Base):
    """A move to a stage of the employability pipeline. The latest is the current stage."""

    __tablename__ = "pipeline_stage_changes"
    __table_args__ = (
        Index("ix_pipeline_stage_changes_participant_at", "participant_id", "changed_at"),
        CheckConstraint("stage BETWEEN 1 AND 5", name="stage_range"),
        CheckConstraint("from_stage IS NULL OR from_stage BETWEEN 1 AND 5", name="from_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_stage: Mapped[int | None]
    stage: Mapped[int]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id])

    @property
    def label(self) -> str:
        return PIPELINE_STAGES[self.stage]


class PauseReason(enum.StrEnum):
    SCHOOL_HOLIDAYS = "school-holidays"
    FAMILY = "family"
    HEALTH = "health"
    WORK = "work"
    OTHER = "other"

    @property
    def label(self) -> str:
        return PAUSE_REASON_LABELS[self]


PAUSE_REASON_LABELS = {
    PauseReason.SCHOOL_HOLIDAYS: "School holidays",
    PauseReason.FAMILY: "Family or a crisis at home",
    PauseReason.HEALTH: "Health",
    PauseReason.WORK: "Work or training",
    PauseReason.OTHER: "Something else",
}


class EngagementPause(Base):
    """A break in a participant's involvement, chosen by them or agreed with their keyworker.

    The case stays open; a paused person is not flagged as lost contact."""

    __tablename__ = "engagement_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[PauseReason] = mapped_column(str_enum(PauseReason))
    paused_at: Mapped[datetime] = mapped_column(default=utcnow)
    paused_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resumed_at: Mapped[datetime | None]
    resumed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ClosureReason(enum.StrEnum):
    ENTERED_WORK = "entered-work"
    SUPPORT_ENDED = "support-ended"
    MOVED_AWAY = "moved-away"
    NO_LONGER_WANTED = "no-longer-wanted"
    NO_CONTACT = "no-contact"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CLOSURE_REASON_LABELS[self]


CLOSURE_REASON_LABELS = {
    ClosureReason.ENTERED_WORK: "Entered work",
    ClosureReason.SUPPORT_ENDED: "Support came to an end",
    ClosureReason.MOVED_AWAY: "Moved away",
    ClosureReason.NO_LONGER_WANTED: "No longer wants support",
    ClosureReason.NO_CONTACT: "No contact for some months",
    ClosureReason.OTHER: "Something else",
}


class RecordClosure(Base):
    """A participant's record closed, why, and whether it was opened again. Each closing keeps
    its own row, so a record closed and reopened keeps its whole history."""

    __tablename__ = "record_closures"
    __table_args__ = (
        CheckConstraint(
            "no_contact_months IS NULL OR (no_contact_months BETWEEN 1 AND 36)",
            name="no_contact_months_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[ClosureReason] = mapped_column(str_enum(ClosureReason))
    no_contact_months: Mapped[int | None]
    # The words given for "something else".
    detail: Mapped[str | None] = mapped_column(String(200))
    # The outcome recorded on closing (entered work), if one was.
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcomes.id"))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reopened_at: Mapped[datetime | None]
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def reason_text(self) -> str:
        """The reason as staff read it: the months without contact, or the words given."""
        if self.reason == ClosureReason.NO_CONTACT and self.no_contact_months:
            months = "month" if self.no_contact_months == 1 else "months"
            return f"No contact for {self.no_contact_months} {months}"
        if self.reason == ClosureReason.OTHER and self.detail:
            return self.detail
        return self.reason.label


class SessionFeedback(Base):
    """A parent's one-tap "was this helpful?" after a session, with an optional comment."""

    __tablename__ = "session_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The one-to-one session the feedback is about, when it names one.
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True
    )
    about: Mapped[str | None] = mapped_column(String(120))
    helpful: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class IdeaStatus(enum.StrEnum):
    NEW = "new"
    CONSIDERING = "considering"
    DONE = "done"
    NOT_NOW = "not-now"

    @property
    def label(self) -> str:
        return IDEA_STATUS_LABELS[self]

    @property
    def answer_lead(self) -> str:
        """What the manager's answer is, in front of it on the board."""
        return {
            IdeaStatus.CONSIDERING: "What we're doing:",
            IdeaStatus.DONE: "We did:",
            IdeaStatus.NOT_NOW: "Why not just now:",
        }.get(self, "Our answer:")


IDEA_STATUS_LABELS = {
    IdeaStatus.NEW: "New",
    IdeaStatus.CONSIDERING: "We're looking at this",
    IdeaStatus.DONE: "We did it",
    IdeaStatus.NOT_NOW: "Not possible just now",
}


class Idea(Base):
    """A parent's idea for the service, and the manager's answer ("You said, we did")."""

    __tablename__ = "ideas"
    __table_args__ = (Index("ix_ideas_locality_created", "locality_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[IdeaStatus] = mapped_column(str_enum(IdeaStatus), default=IdeaStatus.NEW)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    # A manager can take an idea off the board (who did is in the audit log); its author
    # still sees it, with the reason.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    locality: Mapped[Locality] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
