"""The "Ask to join" form and the staff's answers to a request."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from webapp.caseload.forms import CheckboxesField
from webapp.models import REFERRED_BY_LABELS, SCHOOL_STAGE_LABELS, ReferredBy
from webapp.web.forms import BaseForm, mobile_field, optional_email_field


class AskToJoinForm(BaseForm):
    name = StringField(
        "The parent's full name",
        description="Yours, if you're asking for yourself.",
        validators=[DataRequired("Enter the parent's name."), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    phone = mobile_field(
        "The parent's mobile number",
        "We'll text them. Leave it empty if they'd rather we emailed.",
        "tel",
    )
    email = optional_email_field("The parent's email address (optional)", "email")
    locality_id = SelectField("Where you live", coerce=int)
    children_stages = CheckboxesField(
        "Your children's ages (tick all that apply)",
        choices=[SelectChoice(stage.value, label) for stage, label in SCHOOL_STAGE_LABELS.items()],
        validators=[Optional()],
    )
    best_times = TextAreaField(
        "When is best to get in touch? (optional)",
        description="For example: weekday mornings after the school run.",
        validators=[Optional(), Length(max=500)],
    )
    referred_by = RadioField(
        "Who is asking?",
        choices=[SelectChoice(kind.value, label) for kind, label in REFERRED_BY_LABELS.items()],
        default=ReferredBy.SELF.value,
        validators=[DataRequired("Say who is asking.")],
    )
    referrer_name = StringField(
        "Your name, if you're referring someone",
        validators=[Optional(), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    referrer_contact = StringField(
        "Your phone or email, if you're referring someone",
        validators=[Optional(), Length(max=254)],
        render_kw={"autocomplete": "off"},
    )
    consent = BooleanField(
        "The parent agrees that the team can contact them about joining",
        validators=[DataRequired("Tick the box so the team may get in touch.")],
    )
    # Left empty by people; filled in by the robots that fill in every field.
    website = StringField("Leave this empty", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checks across fields: an Optional() field stops its own validators when empty.
        missing = []
        if not self.email.data and not self.phone.data:
            missing.append((self.phone, "Enter a mobile number or an email address."))
        if self.referred_by.data not in (None, ReferredBy.SELF.value):
            if not self.referrer_name.data:
                missing.append(
                    (self.referrer_name, "Enter your name, so the team knows who referred them.")
                )
            if not self.referrer_contact.data:
                missing.append(
                    (self.referrer_contact, "Enter a phone number or email address for you.")
                )
        for field, message in missing:
            field.errors = [*field.errors, message]
        return valid and not missing


class AcceptRequestForm(BaseForm):
    keyworker_id = SelectField("Their keyworker", coerce=int)


class DeclineRequestForm(BaseForm):
    reason = TextAreaField(
        "Why can't the service take this request?",
        description="For example: lives outside the area; referred to another service.",
        validators=[DataRequired("Give a reason."), Length(max=1000)],
    )
