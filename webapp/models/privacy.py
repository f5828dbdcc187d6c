"""Data rights and stronger sign-in: erasure requests and staff two-step sign-in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import User, str_enum
from webapp.services import crypto


class ErasureStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # by the parent, before a manager acted


class ErasureRequest(Base):
    """A participant's request that CoPlan forgets them, and a manager's decision."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[ErasureStatus] = mapped_column(
        str_enum(ErasureStatus), default=ErasureStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    participant: Mapped[User] = relationship(foreign_keys=[participant_id])


class TwoFactorCredential(Base):
    """A member of staff's authenticator app (TOTP)."""

    __tablename__ = "two_factor_credentials"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # Encrypted with TWO_FACTOR_KEYS (webapp/services/crypto.py): a copy of the database alone can't
    # make anyone's codes. Read and set it as ``secret``.
    encrypted_secret: Mapped[str] = mapped_column("secret", String(255))
    enabled_at: Mapped[datetime | None]
    # The last time step accepted, so a code seen over someone's shoulder can't be replayed.
    last_used_step: Mapped[int | None]

    @property
    def secret(self) -> str:
        """The authenticator's secret; InvalidToken if no configured key can read it."""
        return crypto.decrypt(self.encrypted_secret)

    @secret.setter
    def secret(self, value: str) -> None:
        self.encrypted_secret = crypto.encrypt(value)


class RecoveryCode(Base):
    """A one-time code for when the authenticator is lost. Only a hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]
