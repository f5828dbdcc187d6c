"""Forms for goals, steps, comments and agreement. Every edit form carries the version
of the row the person was looking at, so a stale save can be caught and shown."""

from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.models import (
    AREA_LABELS,
    COMMENT_MAX,
    GOAL_TITLE_MAX,
    PARTNER_MAX,
    STEP_TEXT_MAX,
    WHY_MAX,
    GoalStatus,
    StepOwner,
    User,
)
from webapp.web.forms import BaseForm, PlainDateField


def posted_version(field) -> int | None:
    """The version a form was filled in against, or None when it did not say."""
    try:
        return int(field.data)
    except (TypeError, ValueError):
        return None


class VersionedForm(BaseForm):
    version = HiddenField()


class GoalForm(VersionedForm):
    title = StringField(
        "Your goal",
        description="In your own words, for example “Get my confidence back for interviews”.",
        validators=[
            DataRequired("Enter the goal, in your own words."),
            Length(
                max=GOAL_TITLE_MAX,
                message=f"Keep the goal to {GOAL_TITLE_MAX} characters or fewer.",
            ),
        ],
    )
    area = SelectField(
        "What is it about?",
        choices=[SelectChoice(area.value, label) for area, label in AREA_LABELS.items()],
        validators=[DataRequired("Choose what the goal is about.")],
    )
    why = TextAreaField(
        "Why it matters (optional)",
        validators=[
            Optional(),
            Length(max=WHY_MAX, message=f"Keep this to {WHY_MAX} characters or fewer."),
        ],
    )

    def values(self) -> dict:
        """What the goal says, as the goal operations take it."""
        return {"title": self.title.data, "area": self.area.data, "why": self.why.data}


def owner_choices(viewer: User, participant: User) -> list[SelectChoice]:
    """Who can do a step, worded for whoever is filling in the form."""
    if viewer.id == participant.id:
        labels = ["Me", "My keyworker", "Both of us together", "A partner organisation"]
    else:
        labels = [participant.first_name, "Keyworker", "Together", "A partner organisation"]
    return [
        SelectChoice(owner.value, label) for owner, label in zip(StepOwner, labels, strict=True)
    ]


NOT_A_DATE = "Enter the due date as a real date, for example 12/06/2027."


class StepForm(VersionedForm):
    text = StringField(
        "Step",
        validators=[
            DataRequired("Enter the step."),
            Length(
                max=STEP_TEXT_MAX, message=f"Keep the step to {STEP_TEXT_MAX} characters or fewer."
            ),
        ],
    )
    owner = SelectField("Who does it?", default=StepOwner.ME.value)
    partner_name = StringField(
        "Partner organisation",
        description="Only if a partner organisation does it, for example Citizens Advice.",
        validators=[
            Length(max=PARTNER_MAX, message=f"Keep the name to {PARTNER_MAX} characters or fewer.")
        ],
    )
    due_on = PlainDateField(
        "Due date (optional)",
        validators=[Optional()],
        format="%Y-%m-%d",
        not_understood=NOT_A_DATE,
    )

    def __init__(self, *args, viewer: User, participant: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner.choices = owner_choices(viewer, participant)

    def values(self) -> dict:
        """What the step says, as the step operations take it."""
        return {
            "text": self.text.data,
            "owner": StepOwner(self.owner.data),
            "partner_name": self.partner_name.data,
            "due_on": self.due_on.data,
        }

    def validate_partner_name(self, field):
        if self.owner.data == StepOwner.PARTNER.value and not field.data:
            raise ValidationError("Enter the name of the partner organisation.")


class StatusForm(VersionedForm):
    status = SelectField(choices=[SelectChoice(s.value, s.label) for s in GoalStatus])


class TickForm(VersionedForm):
    done = HiddenField(default="1")


class MoveForm(BaseForm):
    direction = SelectField(choices=[SelectChoice("up", "Up"), SelectChoice("down", "Down")])


class CommentForm(BaseForm):
    body = TextAreaField(
        "Add a comment",
        validators=[
            DataRequired("Write your comment."),
            Length(max=COMMENT_MAX, message=f"Keep comments to {COMMENT_MAX} characters or fewer."),
        ],
    )


class AgreeForm(BaseForm):
    revision = HiddenField()
