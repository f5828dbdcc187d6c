"""One-time links for invitations and password resets. Only a hash of each token is stored,
so a copy of the database cannot be used to sign in."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.models import AccessToken, TokenPurpose, User, utcnow
from webapp.services.records import ensure_record_open


class TokenError(Exception):
    """A link that cannot be used; the message says why in plain words."""

    def __init__(self, message: str, status: int = 410):
        super().__init__(message)
        self.message = message
        self.status = status


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session,
    *,
    user: User,
    purpose: TokenPurpose,
    lifetime: timedelta,
    created_by: User | None = None,
    now: datetime | None = None,
    new_email: str | None = None,
) -> str:
    """A one-time link token for ``user``; earlier unused ones of the same kind stop working.
    Refused (``RecordErased``) for an erased participant: no link can reach them again."""
    ensure_record_open(user)
    now = now or utcnow()
    session.execute(
        update(AccessToken)
        .where(
            AccessToken.user_id == user.id,
            AccessToken.purpose == purpose,
            AccessToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    # 128 random bits: as safe to guess as more (only the hash is kept, and each link works
    # once, for a while), and short enough for a link in a text message.
    token = secrets.token_urlsafe(16)
    session.add(
        AccessToken(
            purpose=purpose,
            user=user,
            created_by=created_by,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + lifetime,
            new_email=new_email,
        )
    )
    session.flush()
    return token


def find_token(
    session: Session, token: str, purpose: TokenPurpose, now: datetime | None = None
) -> AccessToken:
    """The live token record for a link, or TokenError saying why it can't be used."""
    now = now or utcnow()
    record = session.scalar(
        select(AccessToken).where(
            AccessToken.token_hash == hash_token(token), AccessToken.purpose == purpose
        )
    )
    if record is None:
        raise TokenError(
            "This link is not right. Check you copied all of it, or ask for a new one.", 404
        )
    if record.used_at is not None:
        raise TokenError("This link has already been used. Ask your keyworker for a new one.")
    if record.expires_at <= now:
        raise TokenError("This link has expired. Ask your keyworker for a new one.")
    return record


def use_token(session: Session, record: AccessToken, now: datetime | None = None) -> None:
    """Mark a token used, exactly once even if two requests race for it."""
    now = now or utcnow()
    claimed = session.execute(
        update(AccessToken)
        .where(AccessToken.id == record.id, AccessToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        raise TokenError("This link has already been used. Ask your keyworker for a new one.")
