from __future__ import annotations

from wtforms import DateField, StringField
from wtforms.validators import Length, Optional, ValidationError

from webapp.web.forms import BaseForm


class AuditSearchForm(BaseForm):
    class Meta:
        csrf = False  # a search only reads, and its address can be bookmarked

    person = StringField("Participant's name or email", validators=[Optional(), Length(max=120)])
    staff = StringField("Staff member's name or email", validators=[Optional(), Length(max=120)])
    date_from = DateField(
        "From",
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )
    date_to = DateField(
        "To", validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"}
    )

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The 'to' date must be the same as or after the 'from' date.")

    def filters(self) -> dict:
        """What to narrow the audit log by, as queries.audit_events takes it."""
        return {
            "person": self.person.data,
            "staff": self.staff.data,
            "date_from": self.date_from.data,
            "date_to": self.date_to.data,
        }
