from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError

from webapp.auth.passwords import password_problem
from webapp.web.forms import BaseForm, mobile_field


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


def current_password_field() -> PasswordField:
    return PasswordField(
        "Your current password",
        validators=[InputRequired("Enter your current password."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    current_password = current_password_field()


class ChangeEmailForm(BaseForm):
    email = EmailField(
        "Your new email address",
        description="We'll send a link to it. It becomes your email once you open the link.",
        validators=[
            DataRequired("Enter your new email address."),
            Length(max=254),
            Email("Enter an email address like name@example.com.", check_deliverability=False),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    current_password = current_password_field()


class ChangeMobileForm(BaseForm):
    phone = mobile_field(
        "Your mobile number",
        "A UK mobile, like 07700 900123. Leave it empty to remove it.",
        autocomplete="tel",
    )
