"""Changes to staff accounts. Each function only flushes; its caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import render_template
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.auth.operations import DuplicateContact, contact_in_use, create_user, new_session_token
from webapp.auth.tokens import issue_token
from webapp.models import RecoveryCode, Role, TokenPurpose, TwoFactorCredential, User
from webapp.services import audit
from webapp.services.mail import send_mail

SET_UP_LINK_LIFETIME = timedelta(hours=24)
STAFF_INVITATION_LIFETIME = timedelta(days=7)


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


class StaffChangeRefused(Exception):
    """A change to a member of staff that can't be made; the message says why."""


def invite_staff(
    session: Session, *, invited_by: User, name: str, email: str, role: Role, locality_id: int
) -> tuple[User, str]:
    """A keyworker or manager account with no password yet, and its 7-day invitation token."""
    if contact_in_use(session, email=email, phone=None):
        raise DuplicateContact("email")
    member = create_user(session, role=role, name=name, email=email, locality_id=locality_id)
    token = issue_token(
        session,
        user=member,
        purpose=TokenPurpose.INVITE,
        lifetime=STAFF_INVITATION_LIFETIME,
        created_by=invited_by,
    )
    audit.record(session, "staff.invited", actor=invited_by, account=member.id, role=role.value)
    return member, token


def email_invitation(session: Session, *, member: User, inviter: User, link: str) -> bool:
    """Email a member of staff their invitation link; True only if the mail server took it."""
    mail = send_mail(
        session,
        to=member.email,
        user=member,
        subject="Your CoPlan account",
        body=render_template(
            "mail/staff_invitation.txt", member=member, inviter=inviter, link=link
        ),
    )
    return mail.sent_at is not None


def reissue_staff_invitation(session: Session, *, member: User, issued_by: User) -> str:
    """A fresh invitation for someone who hasn't set up yet; the old link stops working."""
    if member.password_hash is not None:
        raise StaffChangeRefused(f"{member.name} has already set up their account.")
    token = issue_token(
        session,
        user=member,
        purpose=TokenPurpose.INVITE,
        lifetime=STAFF_INVITATION_LIFETIME,
        created_by=issued_by,
    )
    audit.record(session, "staff.invited", actor=issued_by, account=member.id, again=True)
    return token


def place_staff(
    session: Session, *, member: User, changed_by: User, role: Role, locality_id: int
) -> bool:
    """Give a member of staff a new role or locality; True when anything changed."""
    if member.id == changed_by.id:
        raise StaffChangeRefused("You can't change your own role or locality. Ask an admin.")
    if (member.role, member.locality_id) == (role, locality_id):
        return False
    audit.record(
        session,
        "role.changed",
        actor=changed_by,
        account=member.id,
        role=[member.role.value, role.value],
        locality=[member.locality_id, locality_id],
    )
    member.role, member.locality_id = role, locality_id
    # A new role or place is a new set of records to see: sessions begun under the old end.
    member.session_token = new_session_token()
    session.flush()
    return True


def deactivate_staff(session: Session, *, member: User, changed_by: User) -> None:
    """They can't sign in, every session of theirs ends now, and they leave staff choices.

    Their caseload and booked sessions stay theirs, listed on their page for handing on:
    nothing is dropped silently."""
    if member.id == changed_by.id:
        raise StaffChangeRefused("You can't deactivate your own account.")
    if not member.is_active:
        return
    member.is_active = False
    member.session_token = new_session_token()
    audit.record(session, "staff.deactivated", actor=changed_by, account=member.id)
    session.flush()


def reactivate_staff(session: Session, *, member: User, changed_by: User) -> None:
    """They can sign in again with their own password and two-step sign-in."""
    if member.is_active:
        return
    member.is_active = True
    audit.record(session, "staff.reactivated", actor=changed_by, account=member.id)
    session.flush()


def reset_two_step(session: Session, *, member: User, changed_by: User) -> None:
    """For a lost phone: their authenticator and recovery codes stop working, their sessions
    end, and they must set up two-step sign-in again when they next sign in."""
    session.execute(delete(TwoFactorCredential).where(TwoFactorCredential.user_id == member.id))
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == member.id))
    member.session_token = new_session_token()
    audit.record(session, "staff.two_step_reset", actor=changed_by, account=member.id)
    session.flush()
