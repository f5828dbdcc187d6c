"""The "How we contact you" form."""

from __future__ import annotations

from wtforms import BooleanField
from wtforms.validators import InputRequired

from webapp.models.contact import CHANNELS, PURPOSES
from webapp.web.forms import BaseForm, PlainTimeField

CHANNEL_LABELS = {"text": "Text message", "email": "Email", "push": "A notification on this phone"}
PURPOSE_LABELS = {
    "reminders": "Reminders the day before a session",
    "messages": "When your keyworker sends you a message",
    "plans": "When your keyworker changes your plan",
}


class ContactChoiceForm(BaseForm):
    quiet_from = PlainTimeField(
        "No texts from",
        description="For example 21:00.",
        validators=[InputRequired("Enter a time, like 21:00.")],
    )
    quiet_until = PlainTimeField(
        "until",
        description="For example 08:00. Texts due in these hours wait until then.",
        validators=[InputRequired("Enter a time, like 08:00.")],
    )


for _purpose in PURPOSES:
    for _channel in CHANNELS:
        setattr(
            ContactChoiceForm, f"{_purpose}_by_{_channel}", BooleanField(CHANNEL_LABELS[_channel])
        )
