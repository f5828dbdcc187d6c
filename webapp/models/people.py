"""Localities, the people who use CoPlan, and how they get in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow


def str_enum(enum_class: type[enum.Enum]) -> Enum:
    """Store an enum as its plain value in a short string column (portable, easy to migrate)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    KEYWORKER = "keyworker"
    MANAGER = "manager"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.KEYWORKER, Role.MANAGER, Role.ADMIN})


class ParticipantStatus(enum.StrEnum):
    """Where a record is in its life: referred -> invited -> active <-> paused -> closed (and
    a closed record may be opened again, unless it has been erased)."""

    REFERRED = "referred"
    INVITED = "invited"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return PARTICIPANT_STATUS_LABELS[self]


PARTICIPANT_STATUS_LABELS = {
    ParticipantStatus.REFERRED: "Referred",
    ParticipantStatus.INVITED: "Invited",
    ParticipantStatus.ACTIVE: "Taking part",
    ParticipantStatus.PAUSED: "On a break",
    ParticipantStatus.CLOSED: "Closed",
}


class SchoolStage(enum.StrEnum):
    UNDER_THREE = "under-3"
    NURSERY = "nursery"
    PRIMARY = "primary"
    SECONDARY = "secondary"

    @property
    def label(self) -> str:
        return SCHOOL_STAGE_LABELS[self]


SCHOOL_STAGE_LABELS = {
    SchoolStage.UNDER_THREE: "Under 3",
    SchoolStage.NURSERY: "Nursery (3 to 5)",
    SchoolStage.PRIMARY: "Primary school",
    SchoolStage.SECONDARY: "Secondary school",
}


class Locality(Base):
    """One local partnership: its own staff, venues and school calendar."""

    __tablename__ = "localities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Booking rules; None means the service's own default (BOOKING_* settings).
    min_notice_hours: Mapped[int | None]
    horizon_days: Mapped[int | None]
    travel_minutes: Mapped[int | None]
    # How parents reach the local team, shown to them.
    phone: Mapped[str | None] = mapped_column(String(30))
    opening_hours: Mapped[str | None] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<Locality {self.name}>"


class User(Base):
    """Anyone who signs in: a parent, a keyworker, a manager or an admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    # Changes whenever the password does, so old sessions and remember-me cookies stop working.
    session_token: Mapped[str] = mapped_column(String(32))
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]

    locality: Mapped[Locality | None] = relationship()
    profile: Mapped[ParticipantProfile | None] = relationship(
        back_populates="user", foreign_keys="ParticipantProfile.user_id", uselist=False
    )

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    # What templates ask of a person's role, so they never compare role strings.
    @property
    def is_participant(self) -> bool:
        return self.role == Role.PARTICIPANT

    @property
    def is_keyworker(self) -> bool:
        return self.role == Role.KEYWORKER

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_erased(self) -> bool:
        """A participant whose record was erased: closed for good, and named by no one."""
        if self.role != Role.PARTICIPANT or self.profile is None:
            return False
        return self.profile.is_erased

    @property
    def first_name(self) -> str:
        # An erased record's name is a description ("Erased participant"), not a name to
        # shorten: "Erased can see it" says nothing true.
        if self.is_erased:
            return self.name
        return self.name.split()[0] if self.name else ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ParticipantProfile(Base):
    """What the service holds about a parent beyond their sign-in."""

    __tablename__ = "participant_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    keyworker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    children_stages: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[ParticipantStatus] = mapped_column(
        str_enum(ParticipantStatus), default=ParticipantStatus.INVITED
    )
    consent_version: Mapped[str | None] = mapped_column(String(20))
    consented_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="profile", foreign_keys=[user_id])
    keyworker: Mapped[User | None] = relationship(foreign_keys=[keyworker_id])

    @property
    def stage_labels(self) -> list[str]:
        return [SchoolStage(s).label for s in self.children_stages]

    @property
    def is_invited(self) -> bool:
        return self.status == ParticipantStatus.INVITED

    @property
    def is_active(self) -> bool:
        return self.status == ParticipantStatus.ACTIVE

    @property
    def is_paused(self) -> bool:
        """On a break: the case stays open and they are not flagged for lost contact."""
        return self.status == ParticipantStatus.PAUSED

    @property
    def is_closed(self) -> bool:
        return self.status == ParticipantStatus.CLOSED

    @property
    def is_erased(self) -> bool:
        """Anonymised: closed for good, so nothing more can be added and it can't reopen."""
        return self.anonymised_at is not None

    @property
    def can_reopen(self) -> bool:
        return self.is_closed and not self.is_erased


class TokenPurpose(enum.StrEnum):
    INVITE = "invite"
    RESET = "reset"
    EMAIL_CHANGE = "email-change"  # confirms a new address: the link goes to that address


class AccessToken(Base):
    """A one-time link: an invitation or a password reset. Only a hash of the token is kept."""

    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    new_email: Mapped[str | None] = mapped_column(String(254))  # an email change's new address

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class OutboxMail(Base):
    """Every message CoPlan sends, so staff can read a link to a parent when mail is not set up."""

    __tablename__ = "outbox_mail"
    __table_args__ = (UniqueConstraint("dedupe_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    transport: Mapped[str] = mapped_column(String(10))  # "smtp" or "log"
    # Lets a job that may run twice record a message only once.
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()


class PushSubscription(Base):
    """A phone that asked for reminders by Web Push: where to send them, and the keys the
    phone gave for encrypting them. Always the signed-in person's own."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The push service's address for this phone: whoever holds it can reach the phone.
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh_key: Mapped[str] = mapped_column(String(100))
    auth_secret: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
