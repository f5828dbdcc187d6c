from __future__ import annotations

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from webapp.auth.passwords import password_problem
from webapp.web.forms import BaseForm


class SignInForm(BaseForm):
    identifier = StringField(
        "Email or mobile number",
        validators=[DataRequired("Enter your email or mobile number."), Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this phone")


class NewPasswordMixin:
    """A new password checked against the NCSC-style rules."""

    password = PasswordField(
        "Choose a password",
        description=(
            "At least 8 characters. Three random words are easy to remember and hard to guess."
        ),
        validators=[InputRequired("Choose a password.")],
        render_kw={"autocomplete": "new-password"},
    )
    personal_details: tuple[str | None, ...] = ()

    def validate_password(self, field):
        problem = password_problem(field.data or "", personal=self.personal_details)
        if problem:
            raise ValidationError(problem)


class AcceptInvitationForm(NewPasswordMixin, BaseForm):
    agree = BooleanField(
        "I have read how CoPlan uses my information and I agree",
        validators=[
            DataRequired("Tick the box to say you agree, or talk to your keyworker first.")
        ],
    )


class ResetPasswordForm(NewPasswordMixin, BaseForm):
    pass


class ForgotPasswordForm(BaseForm):
    identifier = StringField(
        "Email address",
        validators=[DataRequired("Enter the email address you use for CoPlan."), Length(max=254)],
        render_kw={"autocomplete": "email", "type": "email"},
    )


class AppCodeForm(BaseForm):
    code = StringField(
        "Code from your authenticator app",
        description="The 6-digit code the app shows now.",
        validators=[DataRequired("Enter the code from your authenticator app."), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class SecondStepForm(BaseForm):
    code = StringField(
        "Code",
        description="The 6-digit code from your authenticator app, or one of your recovery codes.",
        validators=[DataRequired("Enter the code from your authenticator app."), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )
