"""Forms for changing keyworkers and arranging cover."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from webapp.caseload.forms import CheckboxesField
from webapp.models import SESSIONS_RULE_LABELS, SessionsRule
from webapp.web.forms import BaseForm, PlainDateField, PlainSelectField, id_or_none


def _keyworker_field(label: str, message: str) -> PlainSelectField:
    return PlainSelectField(label, coerce=id_or_none, validators=[InputRequired(message)])


class ChangeKeyworkerForm(BaseForm):
    keyworker_id = _keyworker_field("New keyworker", "Choose the new keyworker.")
    sessions = RadioField(
        "Their booked sessions",
        choices=[SelectChoice(rule.value, label) for rule, label in SESSIONS_RULE_LABELS.items()],
        default=SessionsRule.MOVE.value,
        validators=[InputRequired("Choose what happens to their booked sessions.")],
    )

    @property
    def rule(self) -> SessionsRule:
        return SessionsRule(self.sessions.data)


class MoveCaseloadForm(ChangeKeyworkerForm):
    participant_ids = CheckboxesField(
        "Parents to move",
        coerce=int,
        validators=[InputRequired("Choose at least one parent to move.")],
    )


class CoverForm(BaseForm):
    absent_id = _keyworker_field("Who is away", "Choose who is away.")
    cover_id = _keyworker_field("Who covers for them", "Choose who covers.")
    starts_on = PlainDateField(
        "First day", validators=[InputRequired("Enter the first day.")], render_kw={"type": "date"}
    )
    ends_on = PlainDateField(
        "Last day", validators=[InputRequired("Enter the last day.")], render_kw={"type": "date"}
    )
