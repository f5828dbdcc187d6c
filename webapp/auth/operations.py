"""Accounts: signing in, invitations and password resets, as plain functions over a session."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask import render_template
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from webapp.auth.passwords import hash_password, needs_rehash, verify_password
from webapp.auth.tokens import TokenError, find_token, issue_token, use_token
from webapp.models import (
    ContactChoice,
    ParticipantProfile,
    ParticipantStatus,
    Role,
    TokenPurpose,
    User,
    utcnow,
)
from webapp.services import audit
from webapp.services.mail import send_mail
from webapp.services.sms import NotAMobile, TextNotSent, normalise_phone, send_text, texts_enabled

logger = logging.getLogger(__name__)


def normalise_identifier(identifier: str) -> tuple[str | None, str | None]:
    """Split what someone typed to sign in into (email, phone)."""
    identifier = identifier.strip()
    if "@" in identifier:
        return identifier.lower(), None
    return None, normalise_phone(identifier)


def find_user(session: Session, identifier: str) -> User | None:
    """The account an email address or mobile number belongs to."""
    email, phone = normalise_identifier(identifier)
    if email:
        return session.scalar(select(User).where(User.email == email))
    if phone:
        return session.scalar(select(User).where(User.phone == phone))
    return None


def new_session_token() -> str:
    return secrets.token_hex(16)


def set_password(user: User, password: str) -> None:
    """Give the user a new password and end every session signed in with the old one."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


def authenticate(session: Session, identifier: str, password: str) -> User | None:
    """The user these details sign in, or None. Never says which part was wrong."""
    user = find_user(session, identifier)
    if user is None or not user.is_active:
        verify_password(None, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = utcnow()
    return user


def create_user(
    session: Session,
    *,
    role: Role,
    name: str,
    email: str | None = None,
    phone: str | None = None,
    password: str | None = None,
    locality_id: int | None = None,
) -> User:
    """A new account. Staff get a password now; parents set theirs from their invitation."""
    user = User(
        role=role,
        name=name,
        email=email.lower() if email else None,
        phone=normalise_phone(phone) if phone else None,
        locality_id=locality_id,
        session_token=new_session_token(),
    )
    if password:
        set_password(user, password)
    session.add(user)
    session.flush()
    return user


class DuplicateContact(Exception):
    """Someone already uses this email or phone number."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def contact_in_use(
    session: Session, *, email: str | None, phone: str | None, except_user_id: int | None = None
) -> str | None:
    """Which field ("email" or "phone") already belongs to another account, if any."""
    conditions = []
    if email:
        conditions.append(User.email == email.lower())
    if phone:
        conditions.append(User.phone == normalise_phone(phone))
    if not conditions:
        return None
    query = select(User).where(or_(*conditions))
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    existing = session.scalar(query.limit(1))
    if existing is None:
        return None
    return "email" if email and existing.email == email.lower() else "phone"


def invite_participant(
    session: Session,
    *,
    invited_by: User,
    name: str,
    email: str | None,
    phone: str | None,
    children_stages: list[str],
    keyworker: User | None,
    lifetime: timedelta,
    locality_id: int | None = None,
) -> tuple[User, str]:
    """Add a parent to a locality (the inviter's unless given) and make their one-time
    invitation link."""
    clash = contact_in_use(session, email=email, phone=phone)
    if clash:
        raise DuplicateContact(clash)
    participant = create_user(
        session,
        role=Role.PARTICIPANT,
        name=name,
        email=email,
        phone=phone,
        locality_id=locality_id or invited_by.locality_id,
    )
    participant.profile = ParticipantProfile(
        keyworker=keyworker,
        children_stages=list(children_stages),
        status=ParticipantStatus.INVITED,
    )
    token = issue_token(
        session,
        user=participant,
        purpose=TokenPurpose.INVITE,
        lifetime=lifetime,
        created_by=invited_by,
    )
    return participant, token


def reissue_invitation(
    session: Session, *, participant: User, issued_by: User, lifetime: timedelta
) -> str:
    """A fresh invitation link; the old one stops working."""
    return issue_token(
        session,
        user=participant,
        purpose=TokenPurpose.INVITE,
        lifetime=lifetime,
        created_by=issued_by,
    )


def accept_invitation(session: Session, *, token: str, password: str, notice_version: str) -> User:
    """The parent sets a password and agrees to the privacy notice; the link is used up."""
    record = find_token(session, token, TokenPurpose.INVITE)
    use_token(session, record)
    user = record.user
    set_password(user, password)
    now = utcnow()
    profile = user.profile
    if profile is not None:
        profile.consent_version = notice_version
        profile.consented_at = now
        if profile.status == ParticipantStatus.INVITED:
            profile.status = ParticipantStatus.ACTIVE
    user.last_signed_in_at = now
    return user


def issue_reset_link_token(
    session: Session, *, user: User, lifetime: timedelta, issued_by: User | None = None
) -> str:
    """A one-time password reset token for ``user``."""
    return issue_token(
        session, user=user, purpose=TokenPurpose.RESET, lifetime=lifetime, created_by=issued_by
    )


def reset_password(session: Session, *, token: str, password: str) -> User:
    """Set a new password from a reset link; the link is used up."""
    record = find_token(session, token, TokenPurpose.RESET)
    use_token(session, record)
    set_password(record.user, password)
    return record.user


def email_invitation(
    session: Session, *, participant: User, keyworker, link: str, days: int
) -> bool:
    """Email a parent their invitation; True only if the mail server took it."""
    if not participant.email:
        return False
    mail = send_mail(
        session,
        to=participant.email,
        user=participant,
        subject="Your invitation to CoPlan",
        body=render_template(
            "mail/invitation.txt",
            participant=participant,
            keyworker=keyworker,
            link=link,
            days=days,
        ),
    )
    return mail.sent_at is not None


def can_get_link_by_text(session: Session, user: User) -> bool:
    """Whether a link could go to this person by text: texts are on, they have a mobile, and
    haven't replied STOP."""
    if not (texts_enabled() and user.phone):
        return False
    choice = session.get(ContactChoice, user.id)
    return choice is None or choice.texts_stopped_at is None


def text_link(session: Session, *, user: User, body: str, reference: str) -> bool | None:
    """Text a one-time link: True if the provider took it, False if it refused, None when it
    can't be tried (no texts here, no mobile, or the person replied STOP)."""
    if not can_get_link_by_text(session, user):
        return None
    try:
        send_text(user.phone, body, reference=reference)
    except (TextNotSent, NotAMobile) as error:
        logger.warning("A link was not texted: %s", getattr(error, "reason", "not a mobile"))
        return False
    return True


def text_invitation(session: Session, *, participant: User, link: str, days: int) -> bool | None:
    """Text a parent their invitation: no names but theirs, for a lock screen shows it."""
    body = (
        f"Hello {participant.first_name}. Your keyworker has invited you to CoPlan. "
        f"Choose a password here (the link works once, for {days} days): {link}"
    )
    return text_link(session, user=participant, body=body, reference=f"invite-{participant.id}")


def text_reset_link(session: Session, *, user: User, link: str, hours: int) -> bool | None:
    """Text someone a link to choose a new password."""
    body = (
        f"Hello {user.first_name}. Choose a new CoPlan password here (the link works once, "
        f"for {hours} hours): {link} If you didn't ask for this, ignore it."
    )
    return text_link(session, user=user, body=body, reference=f"reset-{user.id}")


# A parent's own sign-in details ------------------------------------------------------------


class AccountRefused(Exception):
    """A change to someone's sign-in details that can't be made; ``field`` is where to say so."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


WRONG_PASSWORD = AccountRefused("current_password", "That isn't your current password.")


def change_password(session: Session, *, user: User, current: str, new: str) -> None:
    """A new password, given the current one; every other phone signed in is signed out."""
    if not verify_password(user.password_hash, current):
        raise WRONG_PASSWORD
    set_password(user, new)
    audit.record(session, "account.password_changed", actor=user, participant=user)


def ask_email_change(
    session: Session, *, user: User, new_email: str, current: str, lifetime: timedelta
) -> str:
    """A link, for the new address, that makes it the account's email once opened."""
    if not verify_password(user.password_hash, current):
        raise WRONG_PASSWORD
    new_email = new_email.lower()
    if new_email == (user.email or ""):
        raise AccountRefused("email", "That's already your email address.")
    if contact_in_use(session, email=new_email, phone=None, except_user_id=user.id):
        raise AccountRefused("email", "That email address belongs to another CoPlan account.")
    return issue_token(
        session,
        user=user,
        purpose=TokenPurpose.EMAIL_CHANGE,
        lifetime=lifetime,
        new_email=new_email,
    )


def confirm_email_change(session: Session, *, token: str) -> tuple[User, str | None]:
    """Make the link's new address the account's email: (the user, their old address)."""
    record = find_token(session, token, TokenPurpose.EMAIL_CHANGE)
    if contact_in_use(session, email=record.new_email, phone=None, except_user_id=record.user_id):
        raise TokenError("That email address now belongs to another CoPlan account.", 409)
    use_token(session, record)
    user, old = record.user, record.user.email
    user.email = record.new_email
    audit.record(session, "account.email_changed", actor=user, participant=user)
    session.flush()
    return user, old


def change_mobile(session: Session, *, user: User, phone: str | None) -> None:
    """A new mobile number, or none (only when there is an email to sign in with)."""
    phone = normalise_phone(phone) if phone else None
    if phone is None and not user.email:
        raise AccountRefused(
            "phone", "You sign in with your mobile number, so it can't be removed."
        )
    if phone and contact_in_use(session, email=None, phone=phone, except_user_id=user.id):
        raise AccountRefused("phone", "That mobile number belongs to another CoPlan account.")
    user.phone = phone
    audit.record(session, "account.mobile_changed", actor=user, participant=user)
    session.flush()
