"""Changes to staff accounts. Each function only flushes; its caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.auth.operations import create_user
from webapp.auth.tokens import issue_token
from webapp.models import Role, TokenPurpose, User
from webapp.services import audit

SET_UP_LINK_LIFETIME = timedelta(hours=24)


class AdminRefused(Exception):
    """The command can't make this person an admin; the message says why, in plain words."""


@dataclass(frozen=True)
class AdminSetUp:
    """What ``create_admin`` did: the account, and a set-up link token unless it was set up."""

    admin: User
    created: bool
    token: str | None


def create_admin(session: Session, *, email: str, name: str) -> AdminSetUp:
    """An admin account for ``email`` with a one-time set-up link, never a password.

    Running it again is safe: an admin who hasn't set up yet gets a fresh link (the old one
    stops working); one who has is left alone and gets no link, so the command can't be used
    to take over a working account."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AdminRefused(f"{email!r} is not an email address: {error}") from error
    admin = session.scalar(select(User).where(User.email == email))
    created = admin is None
    if admin is None:
        admin = create_user(session, role=Role.ADMIN, name=name, email=email)
    elif admin.role != Role.ADMIN:
        raise AdminRefused(f"{email} already has a {admin.role.value} account in CoPlan.")
    elif admin.password_hash is not None:
        return AdminSetUp(admin=admin, created=False, token=None)
    token = issue_token(
        session, user=admin, purpose=TokenPurpose.INVITE, lifetime=SET_UP_LINK_LIFETIME
    )
    audit.record(session, "staff.admin_set_up_link", account=admin.id, created=created)
    return AdminSetUp(admin=admin, created=created, token=token)
