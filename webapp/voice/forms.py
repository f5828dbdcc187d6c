from __future__ import annotations

from wtforms import HiddenField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from webapp.models import IdeaStatus
from webapp.web.forms import BaseForm


class FeedbackForm(BaseForm):
    helpful = SelectField(
        "Was this helpful?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired("Choose yes or no.")],
    )
    comment = TextAreaField(
        "Anything you'd like to tell us? (optional)",
        description="Managers read every comment. Your keyworker doesn't see your name with it.",
        validators=[Optional(), Length(max=2000, message="Keep it under 2,000 characters.")],
    )
    booking_id = IntegerField(validators=[Optional()], widget=HiddenField.widget)
    about = HiddenField(validators=[Optional(), Length(max=120)])


class IdeaForm(BaseForm):
    body = TextAreaField(
        "Your idea",
        description="What would make the service better for you and other parents?",
        validators=[DataRequired("Write your idea."), Length(max=2000)],
    )


class HideIdeaForm(BaseForm):
    reason = TextAreaField(
        "Why hide it?",
        description="The parent who wrote it sees this. Other parents no longer see the idea.",
        validators=[DataRequired("Say why the idea is hidden."), Length(max=500)],
    )


class AnswerForm(BaseForm):
    status = RadioField(
        "Where it stands",
        choices=[SelectChoice(s.value, s.label) for s in IdeaStatus if s != IdeaStatus.NEW],
        validators=[InputRequired("Choose where the idea stands.")],
    )
    answer = TextAreaField(
        "Your answer to parents",
        description="Say what you did, or why not yet. Every parent in the locality can read it.",
        validators=[DataRequired("Write an answer."), Length(max=2000)],
    )
