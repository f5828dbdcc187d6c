"""Two-step sign-in for staff: a code from an authenticator app (TOTP), or a one-time
recovery code when the phone is lost."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time

import pyotp
import segno
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.models import RecoveryCode, TwoFactorCredential, User, utcnow
from webapp.services import crypto

logger = logging.getLogger(__name__)

ISSUER = "CoPlan"
RECOVERY_CODE_COUNT = 10


def credential_for(session: Session, user: User) -> TwoFactorCredential | None:
    return session.get(TwoFactorCredential, user.id)


def is_enrolled(session: Session, user: User) -> bool:
    credential = credential_for(session, user)
    return credential is not None and credential.enabled_at is not None


def new_secret() -> str:
    """A secret for the person's authenticator app; stored only once they prove the app has it."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email or str(user.id), issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The link as a QR code image to scan, drawn on the server (no script needed)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _verify_totp(credential: TwoFactorCredential, code: str, now: float | None = None) -> bool:
    """Accept the current code or its neighbours (clock drift), but never the same step twice."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    try:
        totp = pyotp.TOTP(credential.secret)
    except crypto.InvalidToken:
        # TWO_FACTOR_KEYS lost the key this secret was made with: no code from the app can be
        # checked, but a recovery code still works (only its hash is kept).
        logger.error("An authenticator secret can't be read with TWO_FACTOR_KEYS")
        return False
    now = time.time() if now is None else now
    current_step = int(now // totp.interval)
    for step in (current_step - 1, current_step, current_step + 1):
        if credential.last_used_step is not None and step <= credential.last_used_step:
            continue
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            credential.last_used_step = step
            return True
    return False


def finish_enrolment(session: Session, user: User, secret: str, code: str) -> list[str] | None:
    """Switch two-step sign-in on if the code is right; returns the new recovery codes."""
    candidate = TwoFactorCredential(user_id=user.id, secret=secret)
    if not _verify_totp(candidate, code):
        return None
    credential = credential_for(session, user)
    if credential is None:
        credential = TwoFactorCredential(user_id=user.id)
        session.add(credential)
    credential.secret = secret
    credential.last_used_step = candidate.last_used_step
    credential.enabled_at = utcnow()
    return new_recovery_codes(session, user)


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Ten fresh one-time codes; the old ones stop working."""
    session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(code)))
    session.flush()
    return codes


def verify_app_code(session: Session, user: User, code: str) -> bool:
    """Whether ``code`` is the authenticator app's current code (not a recovery code)."""
    credential = credential_for(session, user)
    if credential is None or credential.enabled_at is None:
        return False
    return _verify_totp(credential, code.replace(" ", ""))


def verify_second_step(session: Session, user: User, code: str) -> bool:
    """Whether the code (from the app, or a recovery code) completes this person's sign-in."""
    credential = credential_for(session, user)
    if credential is None or credential.enabled_at is None:
        return False
    if _verify_totp(credential, code):
        return True
    recovery = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is None:
        return False
    recovery.used_at = utcnow()
    return True


def reencrypt_secrets(session: Session) -> tuple[int, int]:
    """Encrypt every authenticator secret again with the first of TWO_FACTOR_KEYS; returns how
    many were, and how many no configured key could read (left as they are)."""
    done = unreadable = 0
    for credential in session.scalars(select(TwoFactorCredential)):
        try:
            credential.encrypted_secret = crypto.reencrypt(credential.encrypted_secret)
            done += 1
        except crypto.InvalidToken:
            unreadable += 1
    session.flush()
    return done, unreadable
