"""Telling a parent something short by the channels they chose for it: the one path for a
notice that isn't a reminder (a new message, a new keyworker). Never more than the words given:
no plan or wellbeing content goes by email or text."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.contact.choices import channels_for, choice_for, is_quiet
from webapp.models import User
from webapp.services.mail import send_mail
from webapp.services.sms import NotAMobile, TextNotSent, send_text

logger = logging.getLogger(__name__)


def tell_parent(
    session: Session,
    parent: User,
    purpose: str,
    *,
    subject: str,
    words: str,
    link: str,
    reference: str,
) -> list[str]:
    """Email and text ``words`` (with ``link``) by the channels the parent chose for
    ``purpose``; the channels that took it. A text is not sent in their quiet hours: what it
    says is on their Today page and waits there."""
    told = []
    channels = channels_for(session, parent, purpose)
    if "email" in channels:
        mail = send_mail(
            session,
            to=parent.email,
            user=parent,
            subject=subject,
            body=f"Hello {parent.first_name},\n\n{words}\n\n{link}\n",
        )
        if mail.sent_at is not None:
            told.append("email")
    if "text" in channels and not is_quiet(choice_for(session, parent), utcnow()):
        try:
            send_text(parent.phone, f"{words} {link}", reference=reference)
            told.append("text")
        except (TextNotSent, NotAMobile) as error:
            logger.warning("Could not text %s: %s", reference, getattr(error, "reason", error))
    return told
