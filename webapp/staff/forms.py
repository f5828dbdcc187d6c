"""Forms for the staff pages."""

from __future__ import annotations

from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from webapp.models import Role
from webapp.web.forms import BaseForm

ROLE_LABELS = {Role.KEYWORKER: "Keyworker", Role.MANAGER: "Service manager"}


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class StaffPlaceForm(BaseForm):
    """A member of staff's role and locality."""

    role = SelectField("Role", choices=role_choices(), validators=[DataRequired("Choose a role.")])
    locality_id = SelectField(
        "Locality", coerce=int, validators=[DataRequired("Choose a locality.")]
    )


class InviteStaffForm(StaffPlaceForm):
    name = StringField(
        "Full name",
        validators=[DataRequired("Enter their name."), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        "Work email address",
        description="We'll email the invitation here. They sign in with it.",
        validators=[
            DataRequired("Enter their work email address."),
            Length(max=254),
            Email("Enter an email address like name@example.org.", check_deliverability=False),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
