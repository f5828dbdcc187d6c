"""Sending mail. With SMTP configured, messages go out; without it they are written to the
log. Either way each message is kept in the outbox table, so a keyworker can read a link to a
parent who has no email."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy.orm import Session

from webapp.models import OutboxMail, User, utcnow


class MailNotSent(Exception):
    """The mail server did not take a message. ``reason`` names no one (an SMTP code)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def failure_reason(error: Exception) -> str:
    """A short account of an SMTP failure without its text, which can quote addresses."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return f"SMTPRecipientsRefused {','.join(map(str, codes))}"
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__


def send_mail(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    user: User | None = None,
    dedupe_key: str | None = None,
    raise_on_failure: bool = False,
) -> OutboxMail:
    """Record a message in the outbox and send it by SMTP when the app has a mail server.

    If the server does not take it, the message stays in the outbox unsent; with
    ``raise_on_failure`` the caller also hears so, as ``MailNotSent``, to try again later."""
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
    except (OSError, smtplib.SMTPException) as error:
        # The message stays in the outbox unsent, where staff can see it. The log gets the
        # reason only: the server's own words can quote the address.
        reason = failure_reason(error)
        current_app.logger.error("Could not send mail %s: %s", mail.id, reason)
        if raise_on_failure:
            raise MailNotSent(reason) from None
        return mail
    mail.sent_at = utcnow()
    return mail
