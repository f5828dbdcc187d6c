"""The group session forms, with messages in plain English."""

from __future__ import annotations

from datetime import date, time, timedelta

from wtforms import (
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

from webapp.sessions.forms import end_after_start
from webapp.web.forms import BaseForm, PlainDateField, PlainTimeField, WholeNumberField


class GroupPlaceForm(BaseForm):
    creche_children = SelectField(
        "Crèche places you need",
        choices=[SelectChoice(n, str(n)) for n in range(4)],
        coerce=int,
        default=0,
    )


# Far enough ahead for a year's programme, near enough to catch a mistyped year.
GROUP_PLANNING_HORIZON = timedelta(days=2 * 365)


# When group sessions can be: weekdays, in the day, never on Christmas or New Year's Day.
GROUP_HOURS = (time(8), time(20))
GROUP_HOURS_MESSAGE = "Group sessions run between 08:00 and 20:00."
CLOSED_DAYS = {(12, 25), (12, 26), (1, 1), (1, 2)}


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
        "Ends", validators=[InputRequired("Enter the end time."), end_after_start]
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
        if field.data is None or field.data < date.today():
            return  # a day gone by: booking says it must be in the future
        if field.data.weekday() >= 5:
            raise ValidationError("Group sessions are on weekdays: choose a Monday to Friday.")
        if (field.data.month, field.data.day) in CLOSED_DAYS:
            raise ValidationError("That's a public holiday: choose another day.")

    def validate_starts_at(self, field):
        if field.data and not GROUP_HOURS[0] <= field.data < GROUP_HOURS[1]:
            raise ValidationError(GROUP_HOURS_MESSAGE)

    def validate_ends_at(self, field):
        if field.data and field.data > GROUP_HOURS[1]:
            raise ValidationError(GROUP_HOURS_MESSAGE)


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
