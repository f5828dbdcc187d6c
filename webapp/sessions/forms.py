"""The sessions area's forms, with messages in plain English."""

from __future__ import annotations

from datetime import datetime

from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from webapp.models import SessionMode, as_utc
from webapp.sessions.slots import SESSION_GAPS, SESSION_LENGTHS
from webapp.web.forms import (
    BaseForm,
    DateWindow,
    PlainDateField,
    PlainTimeField,
    within_a_year_of,
)

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


WEEKDAY_CHOICES = [SelectChoice(n, day) for n, day in enumerate(WEEKDAYS)]


MODE_CHOICES = [SelectChoice(mode.value, mode.label) for mode in SessionMode]


def end_after_start(form, field):
    if form.starts_at.data and field.data and field.data <= form.starts_at.data:
        raise ValidationError("The end time must be after the start time.")


class SlotForm(BaseForm):
    """The slot a parent picked. Hidden fields: the server checks every value again."""

    starts_at = HiddenField(validators=[DataRequired("Choose a time.")])
    mode = HiddenField(validators=[DataRequired("Choose a time.")])
    venue_id = HiddenField()

    def validate_starts_at(self, field):
        try:
            moment = datetime.fromisoformat(field.data)
        except ValueError:
            raise ValidationError("Choose a time from the list.") from None
        self.moment = as_utc(moment)
        if self.moment is None:
            raise ValidationError("Choose a time from the list.")

    def validate_mode(self, field):
        if field.data not in {mode.value for mode in SessionMode}:
            raise ValidationError("Choose a time from the list.")

    def validate_venue_id(self, field):
        if field.data and not field.data.isdigit():
            raise ValidationError("Choose a time from the list.")

    @property
    def venue(self) -> int | None:
        return int(self.venue_id.data) if self.venue_id.data else None


class CancelForm(BaseForm):
    reason = TextAreaField(
        "Why are you cancelling?",
        description="Your keyworker will see this. A few words is fine.",
        validators=[
            DataRequired("Tell us why you are cancelling."),
            Length(max=500, message="Keep it under 500 characters."),
        ],
    )


class StaffCancelForm(BaseForm):
    reason = TextAreaField(
        "Why is it cancelled?",
        description="The parent is told the session is cancelled, with this reason.",
        validators=[
            DataRequired("Say why the session is cancelled."),
            Length(max=500, message="Keep it under 500 characters."),
        ],
    )


class FreeWindowForm(BaseForm):
    weekday = SelectField("Day", choices=WEEKDAY_CHOICES[:5], coerce=int)
    starts_at = PlainTimeField(
        "From", validators=[InputRequired("Enter the time you are free from.")]
    )
    ends_at = PlainTimeField(
        "Until",
        validators=[InputRequired("Enter the time you are free until."), end_after_start],
    )


class AvailabilityRuleForm(BaseForm):
    weekday = SelectField("Day", choices=WEEKDAY_CHOICES[:5], coerce=int)
    starts_at = PlainTimeField("From", validators=[InputRequired("Enter the start time.")])
    ends_at = PlainTimeField(
        "Until", validators=[InputRequired("Enter the end time."), end_after_start]
    )
    mode = SelectField("How", choices=MODE_CHOICES)
    venue_id = SelectField("Where", coerce=int, choices=[])
    valid_from = PlainDateField(
        "From date",
        validators=[
            InputRequired("Enter the first date."),
            DateWindow(
                "The first date",
                days_back=365,
                days_ahead=365,
                window="within a year either side of today",
            ),
        ],
    )
    valid_until = PlainDateField(
        "Until date",
        description="Leave empty if it carries on.",
        validators=[
            Optional(),
            DateWindow(
                "The last date",
                days_back=0,
                days_ahead=2 * 365,
                window="today or within the next two years",
            ),
        ],
    )

    def validate_venue_id(self, field):
        needs_venue = self.mode.data in (
            SessionMode.OFFICE.value,
            SessionMode.COMMUNITY_VENUE.value,
        )
        if needs_venue and not field.data:
            raise ValidationError("Choose where you meet people for office or venue sessions.")

    def validate_valid_until(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError("The last date must be on or after the first date.")


def _minutes_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SessionTimingForm(BaseForm):
    """How long a keyworker's sessions are, and the gap they keep between them."""

    # Choices are checked by the validators below, so a forged value gets a plain message.
    session_minutes = RadioField(
        "How long are your sessions?",
        description="Parents are offered times this long. Booked sessions stay as they are.",
        choices=[SelectChoice(n, f"{n} minutes") for n in SESSION_LENGTHS],
        coerce=_minutes_or_none,
        validate_choice=False,
    )
    buffer_minutes = RadioField(
        "Gap between sessions",
        description="Time to write notes and travel between sessions.",
        choices=[SelectChoice(n, f"{n} minutes" if n else "No gap") for n in SESSION_GAPS],
        coerce=_minutes_or_none,
        validate_choice=False,
    )

    def validate_session_minutes(self, field):
        if field.data not in SESSION_LENGTHS:
            raise ValidationError("Choose how long your sessions are.")

    def validate_buffer_minutes(self, field):
        if field.data not in SESSION_GAPS:
            raise ValidationError("Choose the gap you need between sessions.")


class TimeOffForm(BaseForm):
    starts_on = PlainDateField(
        "First day",
        validators=[
            InputRequired("Enter the first day."),
            DateWindow(
                "Time off", days_back=0, days_ahead=2 * 365, window="today or in the next two years"
            ),
        ],
    )
    ends_on = PlainDateField("Last day", validators=[InputRequired("Enter the last day.")])
    reason = StringField(
        "Reason (optional)", validators=[Length(max=200, message="Keep it under 200 characters.")]
    )

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The last day must be on or after the first day.")
        within_a_year_of(self.starts_on.data, field.data, "Time off")
