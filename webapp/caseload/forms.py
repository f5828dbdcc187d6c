from __future__ import annotations

import re

from wtforms import EmailField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from webapp.auth.operations import normalise_phone
from webapp.forms import BaseForm
from webapp.models import SCHOOL_STAGE_LABELS

UK_MOBILE = re.compile(r"^07\d{9}$")


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class InviteParticipantForm(BaseForm):
    name = StringField(
        "Full name",
        validators=[DataRequired("Enter the parent's name."), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        "Email address (optional)",
        validators=[
            Optional(),
            Length(max=254),
            Email("Enter an email address like name@example.com.", check_deliverability=False),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    phone = StringField(
        "Mobile number (optional)",
        description="We need an email or a mobile number so they can sign in.",
        validators=[Optional(), Length(max=20)],
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    children_stages = CheckboxesField(
        "Children's ages (tick all that apply)",
        choices=[SelectChoice(stage.value, label) for stage, label in SCHOOL_STAGE_LABELS.items()],
        validators=[Optional()],
    )
    keyworker_id = SelectField("Keyworker", coerce=int)

    def validate_phone(self, field):
        if field.data and not UK_MOBILE.match(normalise_phone(field.data)):
            raise ValidationError("Enter a UK mobile number, like 07700 900123.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:
            self.email.errors = [*self.email.errors, "Enter an email address or a mobile number."]
            return False
        return valid
