"""One-to-one sessions booked around school hours: keyworkers' availability and time off,
the parent's free windows, the booked sessions, calendar feeds and reminders."""

from __future__ import annotations

import enum
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import LONDON
from webapp.models.base import Base, utcnow
from webapp.models.locality import Venue
from webapp.models.people import User, str_enum

if TYPE_CHECKING:
    from webapp.models.groups import GroupPlace


class SessionMode(enum.StrEnum):
    OFFICE = "office"
    COMMUNITY_VENUE = "community-venue"
    PHONE = "phone"
    VIDEO = "video"
    HOME_VISIT = "home-visit"

    @property
    def label(self) -> str:
        return MODE_LABELS[self]

    @property
    def parent_travels(self) -> bool:
        """Whether the parent has to get somewhere for this kind of session."""
        return self in (SessionMode.OFFICE, SessionMode.COMMUNITY_VENUE)


MODE_LABELS = {
    SessionMode.OFFICE: "At the office",
    SessionMode.COMMUNITY_VENUE: "At a community venue",
    SessionMode.PHONE: "Phone call",
    SessionMode.VIDEO: "Video call",
    SessionMode.HOME_VISIT: "Home visit",
}


class SessionStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    DID_NOT_ATTEND = "did-not-attend"

    @property
    def label(self) -> str:
        return {
            SessionStatus.BOOKED: "Booked",
            SessionStatus.CANCELLED: "Cancelled",
            SessionStatus.ATTENDED: "Attended",
            SessionStatus.DID_NOT_ATTEND: "Did not attend",
        }[self]


# How long after a session its attendance, once marked, can still be corrected.
CORRECTION_DAYS = 14

UNDO_WINDOW = timedelta(seconds=30)  # a booking's undo: shown for 10 s, 30 for slow networks

# The statuses of a session that holds its time (a cancelled one frees it).
ACTIVE_STATUSES = (SessionStatus.BOOKED, SessionStatus.ATTENDED, SessionStatus.DID_NOT_ATTEND)


class AvailabilityRule(Base):
    """A weekly stretch when a keyworker can meet people, somewhere, in some way."""

    __tablename__ = "availability_rules"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("starts_at < ends_at", name="order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    keyworker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    weekday: Mapped[int]  # Monday is 0, as in Python
    starts_at: Mapped[time]  # local (Europe/London) wall time
    ends_at: Mapped[time]
    mode: Mapped[SessionMode] = mapped_column(str_enum(SessionMode))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"))
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]

    keyworker: Mapped[User] = relationship()
    venue: Mapped[Venue | None] = relationship()


class TimeOff(Base):
    """Time a keyworker is not available (leave, training, a sick day)."""

    __tablename__ = "time_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    keyworker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")

    @property
    def last_day(self) -> date:
        """The last day (in Scotland) the time off covers."""
        return (self.ends_at - timedelta(microseconds=1)).astimezone(LONDON).date()


class KeyworkerSettings(Base):
    """How long a keyworker's sessions are, and the gap they keep between them."""

    __tablename__ = "keyworker_settings"

    keyworker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    session_minutes: Mapped[int] = mapped_column(default=60)
    buffer_minutes: Mapped[int] = mapped_column(default=15)


class FreeWindow(Base):
    """A weekly stretch when a parent is free. With none, the school day is assumed."""

    __tablename__ = "free_windows"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("starts_at < ends_at", name="order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    weekday: Mapped[int]
    starts_at: Mapped[time]
    ends_at: Mapped[time]


ACTIVE_SESSION = "status <> 'cancelled'"


def _no_overlap(column: str) -> ExcludeConstraint:
    """PostgreSQL refuses two active sessions for the same person whose times overlap."""
    return ExcludeConstraint(
        (literal_column(column), "="),
        (func.tstzrange(literal_column("starts_at"), literal_column("ends_at")), "&&"),
        name=f"sessions_no_overlap_{column.removesuffix('_id')}",
        using="gist",
        where=ACTIVE_SESSION,
    ).ddl_if(dialect="postgresql")


class BookedSession(Base):
    """A one-to-one session between a parent and their keyworker."""

    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="order"),
        Index("ix_sessions_keyworker_starts", "keyworker_id", "starts_at"),
        Index("ix_sessions_participant_starts", "participant_id", "starts_at"),
        _no_overlap("keyworker_id"),
        _no_overlap("participant_id"),
    )

    is_group = False  # what templates ask to tell one from a group session
    id: Mapped[int] = mapped_column(primary_key=True)
    keyworker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"))
    mode: Mapped[SessionMode] = mapped_column(str_enum(SessionMode))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus), default=SessionStatus.BOOKED
    )
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None]
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Calendar apps apply a change only when SEQUENCE goes up.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    keyworker: Mapped[User] = relationship(foreign_keys=[keyworker_id])
    participant: Mapped[User] = relationship(foreign_keys=[participant_id])
    booked_by: Mapped[User | None] = relationship(foreign_keys=[booked_by_id])
    venue: Mapped[Venue | None] = relationship()

    @property
    def is_booked(self) -> bool:
        """Booked and not yet marked or cancelled."""
        return self.status == SessionStatus.BOOKED

    @property
    def is_marked(self) -> bool:
        return self.status in (SessionStatus.ATTENDED, SessionStatus.DID_NOT_ATTEND)

    @property
    def attended(self) -> bool:
        return self.status == SessionStatus.ATTENDED

    def correctable(self, now: datetime) -> bool:
        """Whether its attendance, once marked, can still be corrected."""
        return self.is_marked and now - self.starts_at <= timedelta(days=CORRECTION_DAYS)

    @property
    def uid(self) -> str:
        """The event's name in calendars, before the installation's host is added."""
        return f"session-{self.id}"

    @property
    def is_attended(self) -> bool:
        return self.status == SessionStatus.ATTENDED

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    def can_undo(self, person: User, now: datetime) -> bool:
        """Whether ``person`` booked this a moment ago, so may still take it back."""
        return (
            self.status == SessionStatus.BOOKED
            and self.booked_by_id == person.id
            and now - self.created_at <= UNDO_WINDOW
        )


class CalendarFeedToken(Base):
    """The secret in a person's private calendar feed address. Only its hash is kept."""

    __tablename__ = "calendar_feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ReminderChannel(enum.StrEnum):
    EMAIL = "email"
    PUSH = "push"  # every phone the parent asked for reminders on
    TEXT = "text"  # the parent's mobile, when they chose texts for reminders


# What the text provider's delivery receipt said became of a reminder text.
TEXT_DELIVERED = "delivered"
TEXT_NOT_DELIVERED = ("permanent-failure", "temporary-failure", "technical-failure")


class Reminder(Base):
    """A reminder the day before a one-to-one session or a place at a group session, one per
    channel. A job claims it, sends it, and marks it sent; a send that fails is tried again, up
    to a limit, and then marked failed."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("session_id", "channel"),
        UniqueConstraint("group_attendee_id", "channel"),
        CheckConstraint(
            "(session_id IS NULL AND group_attendee_id IS NOT NULL)"
            " OR (session_id IS NOT NULL AND group_attendee_id IS NULL)",
            name="one_session_or_place",
        ),
        Index("ix_reminders_due", "sent_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What it reminds of: a one-to-one session, or a parent's place at a group session.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))
    group_attendee_id: Mapped[int | None] = mapped_column(ForeignKey("group_attendees.id"))
    channel: Mapped[str] = mapped_column(String(10), default="email")
    due_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # Why the last try failed, in words that name no one (an SMTP code, a push status).
    last_error: Mapped[str | None] = mapped_column(String(200))
    failed_at: Mapped[datetime | None]  # given up after too many tries
    # Not tried again before this: a failed try backs off, a text in the night waits for 08:00.
    next_try_at: Mapped[datetime | None]
    # A text: the provider's id for it, and what its delivery receipt said, and when.
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(30))
    delivery_status_at: Mapped[datetime | None]

    appointment: Mapped[BookedSession | None] = relationship()
    place: Mapped[GroupPlace | None] = relationship()

    @property
    def is_text(self) -> bool:
        return self.channel == ReminderChannel.TEXT

    @property
    def was_delivered(self) -> bool:
        return self.delivery_status == TEXT_DELIVERED

    @property
    def was_not_delivered(self) -> bool:
        return self.failed_at is not None or self.delivery_status in TEXT_NOT_DELIVERED
