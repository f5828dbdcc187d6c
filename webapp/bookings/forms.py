"""The bookings area's forms, with messages in plain English."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from webapp.bookings.slots import SESSION_GAPS, SESSION_LENGTHS
from webapp.models import CalendarEntryKind, SessionMode, as_utc
from webapp.web.forms import BaseForm, PlainDateField, PlainTimeField, WholeNumberField

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAY_CHOICES = [SelectChoice(n, day) for n, day in enumerate(WEEKDAYS)]
MODE_CHOICES = [SelectChoice(mode.value, mode.label) for mode in SessionMode]


def _end_after_start(form, field):
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


class FreeWindowForm(BaseForm):
    weekday = SelectField("Day", choices=WEEKDAY_CHOICES[:5], coerce=int)
    starts_at = PlainTimeField(
        "From", validators=[InputRequired("Enter the time you are free from.")]
    )
    ends_at = PlainTimeField(
        "Until",
        validators=[InputRequired("Enter the time you are free until."), _end_after_start],
    )


class AvailabilityRuleForm(BaseForm):
    weekday = SelectField("Day", choices=WEEKDAY_CHOICES[:5], coerce=int)
    starts_at = PlainTimeField("From", validators=[InputRequired("Enter the start time.")])
    ends_at = PlainTimeField(
        "Until", validators=[InputRequired("Enter the end time."), _end_after_start]
    )
    mode = SelectField("How", choices=MODE_CHOICES)
    venue_id = SelectField("Where", coerce=int, choices=[])
    valid_from = PlainDateField("From date", validators=[InputRequired("Enter the first date.")])
    valid_until = PlainDateField(
        "Until date", description="Leave empty if it carries on.", validators=[Optional()]
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
    starts_on = PlainDateField("First day", validators=[InputRequired("Enter the first day.")])
    ends_on = PlainDateField("Last day", validators=[InputRequired("Enter the last day.")])
    reason = StringField(
        "Reason (optional)", validators=[Length(max=200, message="Keep it under 200 characters.")]
    )

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The last day must be on or after the first day.")


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
        "School day ends", validators=[InputRequired("Enter a time."), _end_after_start]
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


class GroupPlaceForm(BaseForm):
    creche_children = SelectField(
        "Crèche places you need",
        choices=[SelectChoice(n, str(n)) for n in range(4)],
        coerce=int,
        default=0,
    )


# Far enough ahead for a year's programme, near enough to catch a mistyped year.
GROUP_PLANNING_HORIZON = timedelta(days=2 * 365)


class GroupSessionForm(BaseForm):
    """A group session as staff plan it: times are Europe/London wall times."""

    title = StringField(
        "Title",
        description="Parents see this, so say what it is: for example Coffee and confidence.",
        validators=[
            DataRequired("Enter a title."),
            Length(max=120, message="Keep the title under 120 characters."),
        ],
    )
    description = TextAreaField(
        "What happens (optional)",
        description="What parents can expect, and anything to bring.",
        validators=[Length(max=2000, message="Keep it under 2,000 characters.")],
    )
    venue_id = SelectField("Where", coerce=int, choices=[])
    day = PlainDateField("Date", validators=[InputRequired("Enter the date.")])
    starts_at = PlainTimeField("Starts", validators=[InputRequired("Enter the start time.")])
    ends_at = PlainTimeField(
        "Ends", validators=[InputRequired("Enter the end time."), _end_after_start]
    )
    capacity = WholeNumberField(
        "Places",
        description="How many parents can come.",
        validators=[
            InputRequired("Enter how many parents can come."),
            NumberRange(min=1, max=200, message="Enter a number of places from 1 to 200."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    creche_places = WholeNumberField(
        "Crèche places",
        description="How many children the crèche can take. 0 if there is no crèche.",
        default=0,
        validators=[
            InputRequired("Enter the crèche places, or 0 if there is no crèche."),
            NumberRange(min=0, max=100, message="Enter a number of crèche places from 0 to 100."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    led_by_id = SelectField("Led by", coerce=int, choices=[])

    def validate_day(self, field):
        if field.data and field.data > date.today() + GROUP_PLANNING_HORIZON:
            raise ValidationError("Choose a date within the next two years.")


class GroupCancelForm(BaseForm):
    reason = TextAreaField(
        "Why is it cancelled?",
        description="We'll email this to every parent who has a place.",
        validators=[
            DataRequired("Say why the session is cancelled."),
            Length(max=500, message="Keep it under 500 characters."),
        ],
    )


ATTENDED, DID_NOT_ATTEND = "attended", "did-not-attend"


def attendance_form(attendees, **kwargs) -> BaseForm:
    """One "did they come?" question per parent with a place; unanswered ones stay as they are."""

    class AttendanceForm(BaseForm):
        pass

    for attendee in attendees:
        field = RadioField(
            f"Did {attendee.participant.name} come?",
            choices=[
                SelectChoice(ATTENDED, "Attended"),
                SelectChoice(DID_NOT_ATTEND, "Did not attend"),
            ],
            # Leaving someone unanswered is fine, so the choice is checked by AnyOf instead.
            validate_choice=False,
            validators=[
                Optional(),
                AnyOf([ATTENDED, DID_NOT_ATTEND], message="Choose attended or did not attend."),
            ],
            default=attendee.status.value
            if attendee.status.value in (ATTENDED, DID_NOT_ATTEND)
            else None,
        )
        setattr(AttendanceForm, f"attendee_{attendee.id}", field)
    return AttendanceForm(**kwargs)
