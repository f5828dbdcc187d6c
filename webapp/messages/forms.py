"""The message form."""

from __future__ import annotations

import uuid

from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.documents.forms import DocumentField
from webapp.web.forms import BaseForm

MESSAGE_MAX_LENGTH = 2000


class MessageForm(BaseForm):
    body = TextAreaField(
        "Your message",
        validators=[
            DataRequired("Write your message first."),
            Length(
                max=MESSAGE_MAX_LENGTH,
                message=f"Keep a message to {MESSAGE_MAX_LENGTH} characters or fewer.",
            ),
        ],
    )
    document = DocumentField("Add a document (if you want to)")
    # Made when the form is shown, so a double tap or a resend stores the message once.
    uuid = HiddenField(default=lambda: str(uuid.uuid4()))

    def validate_uuid(self, field):
        try:
            uuid.UUID(field.data or "")
        except ValueError as error:
            raise ValidationError("Reload the page and send the message again.") from error
