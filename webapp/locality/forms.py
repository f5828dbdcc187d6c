"""The locality set-up forms (venues, school calendar), with messages in plain English."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    ValidationError,
)

from webapp.models import CalendarEntryKind
from webapp.sessions.forms import end_after_start
from webapp.web.forms import BaseForm, PlainDateField, PlainTimeField


class VenueForm(BaseForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired("Enter the venue's name."),
            Length(max=120, message="Keep the name under 120 characters."),
        ],
    )
    address = TextAreaField(
        "Address",
        validators=[
            DataRequired("Enter the address."),
            Length(max=500, message="Keep the address under 500 characters."),
        ],
    )
    accessibility_notes = TextAreaField(
        "Getting in and around",
        description="Step-free access, lifts, toilets, parking, buses.",
        validators=[Length(max=1000, message="Keep it under 1000 characters.")],
    )
    has_creche = BooleanField("A crèche runs here")


class VenueEditForm(VenueForm):
    has_creche = BooleanField(
        "A crèche runs here",
        description=(
            "In school holidays and on in-service days, parents are offered times only at "
            "venues with a crèche. Untick this and those times here stop being offered. "
            "Sessions already booked are kept."
        ),
    )


class SchoolDayForm(BaseForm):
    starts_at = PlainTimeField("School day starts", validators=[InputRequired("Enter a time.")])
    ends_at = PlainTimeField(
        "School day ends", validators=[InputRequired("Enter a time."), end_after_start]
    )


class CalendarEntryForm(BaseForm):
    kind = SelectField("What", choices=[SelectChoice(k.value, k.label) for k in CalendarEntryKind])
    name = StringField(
        "Name", validators=[DataRequired("Enter a name, like Spring term."), Length(max=120)]
    )
    starts_on = PlainDateField("First day", validators=[InputRequired("Enter the first day.")])
    ends_on = PlainDateField("Last day", validators=[InputRequired("Enter the last day.")])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The last day must be on or after the first day.")


class CalendarImportForm(BaseForm):
    file = FileField(
        "CSV or iCalendar file",
        description="CSV columns: kind,name,starts_on,ends_on. Up to 200 KB.",
        validators=[FileRequired("Choose a file to import.")],
    )
    replace = BooleanField("Replace the terms and holidays already here", default=True)
