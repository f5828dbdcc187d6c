"""The check-in form, for a phone with or without JavaScript."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from webapp.checkins.questions import (
    CONFIDENCE_RANGE,
    CONFIDENCE_SCALES,
    NOTE_MAX_LENGTH,
    SWEMWBS_ANSWERS,
    SWEMWBS_ITEMS,
)
from webapp.checkins.scoring import check_answers
from webapp.web.forms import BaseForm


def _whole_number_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CheckInForm(BaseForm):
    """Seven wellbeing statements, six confidence scales, a note and who may read it."""

    # Made when the form is shown, so pressing "Send" twice stores one check-in.
    uuid = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        answers = {name: field.data for name, field in self._fields.items()}
        _, errors = check_answers(answers)
        for name, message in errors.items():
            self[name].errors = [message]
        return valid and not errors

    @property
    def wellbeing_fields(self):
        return [self[item.name] for item in SWEMWBS_ITEMS]

    @property
    def confidence_fields(self):
        return [self[scale.name] for scale in CONFIDENCE_SCALES]


# Declared in the order they appear on the page, so the error summary follows the page.
for _item in SWEMWBS_ITEMS:
    setattr(
        CheckInForm,
        _item.name,
        RadioField(
            _item.text,
            choices=[SelectChoice(value, label) for value, label in SWEMWBS_ANSWERS],
            coerce=_whole_number_or_none,
            validate_choice=False,
        ),
    )
for _scale in CONFIDENCE_SCALES:
    setattr(
        CheckInForm,
        _scale.name,
        RadioField(
            _scale.text,
            choices=[SelectChoice(n, str(n)) for n in CONFIDENCE_RANGE],
            coerce=_whole_number_or_none,
            validate_choice=False,
        ),
    )
CheckInForm.note = TextAreaField(
    "Anything else on your mind? (optional)",
    validators=[
        Optional(),
        Length(
            max=NOTE_MAX_LENGTH,
            message=f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer.",
        ),
    ],
)
CheckInForm.note_shared = BooleanField("Share this note with my keyworker")
CheckInForm.contact_me = BooleanField("Please ask my keyworker to get in touch")
