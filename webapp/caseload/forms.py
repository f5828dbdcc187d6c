from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    Form,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
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

from webapp.models import (
    CLOSURE_REASON_LABELS,
    OUTCOME_KIND_LABELS,
    PAUSE_REASON_LABELS,
    PIPELINE_STAGES,
    REFERRAL_KIND_LABELS,
    SCHOOL_STAGE_LABELS,
    ClosureReason,
    ContractType,
    OutcomeKind,
    ReferralStatus,
)
from webapp.web.forms import BaseForm, DateWindow, mobile_field, optional_email_field

IN_USE = "Someone in CoPlan already uses this. Check it, or find them in the caseload."


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class InviteParticipantForm(BaseForm):
    name = StringField(
        "Full name",
        validators=[DataRequired("Enter the parent's name."), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    email = optional_email_field("Email address (optional)")
    phone = mobile_field(
        "Mobile number (optional)", "We need an email or a mobile number so they can sign in."
    )
    children_stages = CheckboxesField(
        "Children's ages (tick all that apply)",
        choices=[SelectChoice(stage.value, label) for stage, label in SCHOOL_STAGE_LABELS.items()],
        validators=[Optional()],
    )
    keyworker_id = SelectField("Keyworker", coerce=int)

    def invitation(self) -> dict:
        """Who is being invited, as invite_participant takes it."""
        return {
            "name": self.name.data,
            "email": self.email.data or None,
            "phone": self.phone.data or None,
            "children_stages": self.children_stages.data,
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:
            self.email.errors = [*self.email.errors, "Enter an email address or a mobile number."]
            return False
        return valid


class ParticipantDetailsForm(BaseForm):
    """A parent's details as staff keep them: name, how to reach them, children. (Their
    keyworker changes through handover, which also settles their booked sessions.)"""

    name = StringField(
        "Full name",
        validators=[DataRequired("Enter the parent's name."), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    email = optional_email_field("Email address (optional)")
    phone = mobile_field("Mobile number (optional)", "A UK mobile, for texts if they want them.")
    children_stages = CheckboxesField(
        "Children's ages (tick all that apply)",
        choices=[SelectChoice(stage.value, label) for stage, label in SCHOOL_STAGE_LABELS.items()],
        validators=[Optional()],
    )

    def details(self) -> dict:
        """The details as update_participant_details takes them."""
        return {
            "name": self.name.data.strip(),
            "email": self.email.data or None,
            "phone": self.phone.data or None,
            "children_stages": list(self.children_stages.data or []),
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:
            self.email.errors = [*self.email.errors, "Enter an email address or a mobile number."]
            return False
        return valid


class DateInputField(DateField):
    """A date picker whose error reads plainly."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a real date, like 28 November 2026.") from error


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


class NoteForm(BaseForm):
    note = TextAreaField(
        "Note",
        validators=[DataRequired("Write the note."), Length(max=5000)],
    )
    staff_only = BooleanField(
        "Staff only",
        description="Leave unticked to share the note with the parent: they see it in their app.",
    )


class ReferralForm(BaseForm):
    referral_kind = SelectField(
        "Kind of help",
        choices=_choices(REFERRAL_KIND_LABELS),
        validators=[DataRequired("Choose the kind of help.")],
    )
    organisation = StringField(
        "Organisation",
        validators=[DataRequired("Enter the organisation's name."), Length(max=120)],
    )
    made_on = DateInputField(
        "Date of the referral",
        validators=[
            InputRequired("Enter the date."),
            DateWindow(
                "The date of a referral",
                days_back=2 * 365,
                days_ahead=0,
                window="today or in the last two years",
            ),
        ],
        default=date.today,
    )


class ReferralStatusForm(BaseForm):
    status = SelectField(
        "Status",
        choices=[SelectChoice(s.value, s.label) for s in ReferralStatus],
        validators=[DataRequired("Choose a status.")],
    )


def contract_choices() -> list[SelectChoice]:
    return [SelectChoice("", "Not given"), *(SelectChoice(c.value, c.label) for c in ContractType)]


class ContractChoice:
    """A form with an optional ``contract_type`` field: the contract chosen, if one was."""

    def contract(self) -> ContractType | None:
        return ContractType(self.contract_type.data) if self.contract_type.data else None


class OutcomeForm(ContractChoice, BaseForm):
    outcome_kind = SelectField(
        "Outcome",
        choices=_choices(OUTCOME_KIND_LABELS),
        validators=[DataRequired("Choose the outcome.")],
    )
    achieved_on = DateInputField(
        "When",
        validators=[
            InputRequired("Enter the date."),
            # Later than today is refused below, saying so.
            DateWindow(
                "An outcome's date",
                days_back=5 * 365,
                days_ahead=366,
                window="in the last five years",
            ),
        ],
        default=date.today,
    )
    hours_per_week = IntegerField(
        "Hours a week (for work)",
        validators=[
            Optional(),
            NumberRange(min=1, max=80, message="Enter hours between 1 and 80."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    contract_type = SelectField(
        "Contract (for work)", choices=contract_choices(), validators=[Optional()]
    )
    detail = StringField(
        "Detail (optional)",
        description="For example the course, qualification or employer.",
        validators=[Optional(), Length(max=200)],
    )

    def validate_achieved_on(self, field):
        if field.data and field.data > date.today():
            raise ValidationError("The date can't be in the future.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() stops the field's own checks when it is empty, so this one lives here.
        entered_work = self.outcome_kind.data == OutcomeKind.ENTERED_WORK.value
        if entered_work and not self.hours_per_week.data and not self.hours_per_week.errors:
            self.hours_per_week.errors = ["Enter the hours a week for a job."]
            return False
        return valid


class StageForm(BaseForm):
    stage = SelectField(
        "Pipeline stage",
        coerce=int,
        choices=[SelectChoice(n, f"{n}. {label}") for n, label in PIPELINE_STAGES.items()],
    )


class PauseForm(BaseForm):
    reason = RadioField(
        "Why take a break?",
        choices=_choices(PAUSE_REASON_LABELS),
        validators=[InputRequired("Choose a reason.")],
    )
    cancel_bookings = BooleanField("Cancel the sessions and group places I've booked")


class CloseRecordForm(ContractChoice, BaseForm):
    reason = RadioField(
        "Why is the record closing?",
        choices=_choices(CLOSURE_REASON_LABELS),
        validators=[InputRequired("Choose a reason.")],
    )
    no_contact_months = IntegerField(
        "How many months without contact?",
        description="Only for no contact.",
        validators=[
            Optional(),
            NumberRange(min=1, max=36, message="Enter a number of months from 1 to 36."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    detail = StringField(
        "In a few words, why?",
        description="Only for something else.",
        validators=[Optional(), Length(max=200)],
    )
    hours_per_week = IntegerField(
        "Hours a week in the job (if you know)",
        description="Only for entered work. It is recorded as their job outcome, unless you "
        "recorded one in the last three months.",
        validators=[
            Optional(),
            NumberRange(min=1, max=80, message="Enter hours between 1 and 80."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    contract_type = SelectField(
        "Contract (if you know)", choices=contract_choices(), validators=[Optional()]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        reason = self.reason.data
        if reason == ClosureReason.NO_CONTACT.value and self.no_contact_months.data is None:
            if not self.no_contact_months.errors:
                self.no_contact_months.errors = ["Enter how many months there's been no contact."]
            valid = False
        if reason == ClosureReason.OTHER.value and not (self.detail.data or "").strip():
            self.detail.errors = ["Say in a few words why the record is closing."]
            valid = False
        return valid


class ContactRequestForm(BaseForm):
    body = TextAreaField(
        "Your message",
        description="Your keyworker will get back to you.",
        validators=[DataRequired("Write a short message."), Length(max=2000)],
    )


class CaseloadFilterForm(Form):
    """The caseload's sort and filters, read from the query string (no CSRF: it changes nothing)."""

    show = SelectField(
        "Show",
        choices=[SelectChoice("mine", "My caseload"), SelectChoice("all", "Everyone I can see")],
        validators=[Optional()],
    )
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("", "Any open record"),
            SelectChoice("active", "Taking part"),
            SelectChoice("paused", "On a break"),
            SelectChoice("invited", "Invited"),
            SelectChoice("referred", "Referred"),
            SelectChoice("closed", "Closed"),
        ],
        validators=[Optional()],
    )
    q = StringField("Name", validators=[Optional(), Length(max=120)])
    attention = BooleanField("Only people who need a look")
    sort = SelectField("Sort by", validators=[Optional()])
