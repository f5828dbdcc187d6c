"""Sending mail. With SMTP configured, messages go out; without it they are written to the
log. Either way each message is kept in the outbox table, so a keyworker can read a link to a
parent who has no email."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy.orm import Session

from webapp.models import OutboxMail, User, utcnow


def send_mail(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    user: User | None = None,
    dedupe_key: str | None = None,
) -> OutboxMail:
    """Record a message in the outbox and send it by SMTP when the app has a mail server."""
    config = current_app.config
    transport = "smtp" if config.get("MAIL_SERVER") else "log"
    mail = OutboxMail(
        user=user,
        to_address=to,
        subject=subject,
        body=body,
        transport=transport,
        dedupe_key=dedupe_key,
    )
    session.add(mail)
    session.flush()
    if transport == "log":
        current_app.logger.info("Mail (not sent, no MAIL_SERVER) to %s: %s\n%s", to, subject, body)
        return mail
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        # The message stays in the outbox unsent, where staff can see it.
        current_app.logger.exception("Could not send mail %s", mail.id)
        return mail
    mail.sent_at = utcnow()
    return mail
