"""Telling a parent something by the channels they chose for it: an email, and a text outside
their quiet hours (a text then would wake a house; the news waits in CoPlan)."""

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
    *,
    participant: User,
    purpose: str,
    subject: str,
    body: str,
    text: str,
    reference: str,
) -> list[str]:
    """Send ``body`` by email and ``text`` by text, as far as the parent chose them for
    ``purpose`` ("reminders", "messages"); the channels it went by (or was queued for)."""
    channels = channels_for(session, participant, purpose)
    used = []
    if "email" in channels:
        send_mail(session, to=participant.email, user=participant, subject=subject, body=body)
        used.append("email")
    if "text" in channels and not is_quiet(choice_for(session, participant), utcnow()):
        try:
            send_text(participant.phone, text, reference=reference)
            used.append("text")
        except (TextNotSent, NotAMobile) as error:
            logger.warning("Could not text a parent: %s", getattr(error, "reason", error))
    return used
