"""The locality set-up forms (venues, school calendar), with messages in plain English."""

from __future__ import annotations

from datetime import time

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from webapp.locality.school_calendar import ParsedEntry
from webapp.models import CalendarEntryKind
from webapp.sessions.forms import end_after_start
from webapp.web.forms import BaseForm, PlainDateField, PlainTimeField, WholeNumberField


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

    def validate_starts_at(self, field):
        # A school day of 00:00-23:59 would offer parents sessions in the middle of the night.
        if field.data and not time(7) <= field.data <= time(11):
            raise ValidationError("A school day starts between 07:00 and 11:00.")

    def validate_ends_at(self, field):
        if field.data and not time(12) <= field.data <= time(17):
            raise ValidationError("A school day ends between 12:00 and 17:00.")


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
        description="CSV columns: kind, name, starts_on, ends_on. Up to 200 KB. "
        "You'll see what was read, and confirm it, before anything is saved.",
        validators=[FileRequired("Choose a file to import.")],
    )


KIND_CHOICES = [SelectChoice(kind.value, kind.label) for kind in CalendarEntryKind]


class ImportedEntryForm(Form):
    """One event read from the file, its kind for the manager to confirm or change."""

    kind = SelectField("What it is", choices=KIND_CHOICES)
    name = StringField(validators=[DataRequired("An entry has no name."), Length(max=120)])
    starts_on = PlainDateField(validators=[InputRequired("An entry has no first day.")])
    ends_on = PlainDateField(validators=[InputRequired("An entry has no last day.")])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("An entry's last day is before its first day.")


class ConfirmCalendarForm(BaseForm):
    """What was read from the file, to confirm: each entry's kind, and whether to replace."""

    entries = FieldList(FormField(ImportedEntryForm), min_entries=0, max_entries=500)
    replace = BooleanField(
        "Replace what's here",
        description="Tick to delete the terms, holidays and in-service days listed here first.",
    )

    def problems(self) -> list[str]:
        """Every error, once each: the list's own, and each entry's."""
        found = [e for e in self.entries.errors if isinstance(e, str)]
        for entry in self.entries:
            found += [error for errors in entry.errors.values() for error in errors]
        return list(dict.fromkeys(found))

    def parsed(self) -> list[ParsedEntry]:
        rows = [entry.form for entry in self.entries]
        return [
            ParsedEntry(
                CalendarEntryKind(r.kind.data), r.name.data, r.starts_on.data, r.ends_on.data
            )
            for r in rows
        ]


RANGE = "Enter a whole number from %(min)s to %(max)s."
NUMBERS = ("min_notice_hours", "horizon_days", "travel_minutes")
RULES = ("name", "phone", "opening_hours")


class LocalityForm(BaseForm):
    name = StringField(
        "Name of the locality",
        description="For example: Inverclyde.",
        validators=[DataRequired("Enter the locality's name."), Length(max=120)],
    )


class LocalityRulesForm(LocalityForm):
    min_notice_hours = WholeNumberField(
        "Least notice for a booking, in hours",
        description="Parents can't book a session sooner than this. 0 to 168 (a week).",
        validators=[InputRequired("Enter a number of hours."), NumberRange(0, 168, RANGE)],
    )
    horizon_days = WholeNumberField(
        "How far ahead parents can book, in days",
        description="7 to 182 (about six months).",
        validators=[InputRequired("Enter a number of days."), NumberRange(7, 182, RANGE)],
    )
    travel_minutes = WholeNumberField(
        "Travel time kept free before and after a session away from home, in minutes",
        description="0 to 120.",
        validators=[InputRequired("Enter a number of minutes."), NumberRange(0, 120, RANGE)],
    )
    phone = StringField(
        "The team's phone number, for parents",
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "tel"},
    )
    opening_hours = StringField(
        "When the phone is answered",
        description="For example: Monday to Thursday, 9am to 3pm.",
        validators=[Optional(), Length(max=200)],
    )

    def rules(self) -> dict:
        """The locality's settings, as operations.save_rules takes them."""
        return {name: self[name].data or None for name in RULES} | {
            name: self[name].data for name in NUMBERS
        }
