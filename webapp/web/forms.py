"""Form bases shared by every area."""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import Email, Length, Optional, ValidationError

from webapp.clock import london_today
from webapp.services.sms import UK_MOBILE, normalise_phone


def _strip(value):
    # NUL can't be stored in PostgreSQL text and is never meant: drop it with the stray spaces.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """A form whose text fields arrive without stray spaces from a phone keyboard, or NULs."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, FieldList | FormField):
                # A list or a subform takes no filters: its own fields are stripped instead.
                return unbound_field.bind(form=form, **options)
            filters = unbound_field.kwargs.get("filters", [])
            if _strip not in filters:
                filters = [_strip, *filters]
            return unbound_field.bind(form=form, filters=filters, **options)


class EmptyForm(BaseForm):
    """Gives CSRF protection to a button that only posts."""


class _PlainWhenUnreadable:
    """A field whose message for input it cannot read is plain English, not WTForms' own.

    ``not_understood=`` gives a field its own wording."""

    not_understood = "Check what you entered here."

    def __init__(self, *args, not_understood: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if not_understood:
            self.not_understood = not_understood

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.not_understood) from error


class PlainDateField(_PlainWhenUnreadable, DateField):
    not_understood = "Enter a real date, like 28 November 2026."


class PlainTimeField(_PlainWhenUnreadable, TimeField):
    not_understood = "Enter a time on the 24-hour clock, like 09:30."


def id_or_none(value) -> int | None:
    """A drop-down's id, or None for its "Choose ..." placeholder (a required field says so)."""
    return None if value in ("", None) else int(value)


class PlainSelectField(_PlainWhenUnreadable, SelectField):
    """A drop-down whose answer for a choice not on its list is plain, not WTForms' own."""

    not_understood = "Choose one of the options on the list."

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError as error:
            raise ValidationError(self.not_understood) from error


class WholeNumberField(_PlainWhenUnreadable, IntegerField):
    not_understood = "Enter a whole number, like 8."


def uk_mobile(form, field) -> None:
    """A validator: the number, however it was typed, is a UK mobile (07…)."""
    if field.data and not UK_MOBILE.match(normalise_phone(field.data)):
        raise ValidationError("Enter a UK mobile number, like 07700 900123.")


def mobile_field(label: str, description: str, autocomplete: str = "off") -> StringField:
    """An optional UK mobile number, checked and explained in plain English."""
    return StringField(
        label,
        description=description,
        validators=[Optional(), Length(max=20), uk_mobile],
        render_kw={"autocomplete": autocomplete, "inputmode": "tel"},
    )


def optional_email_field(label: str, autocomplete: str = "off") -> EmailField:
    """An optional email address, checked for its form only (no look-up of the domain)."""
    return EmailField(
        label,
        validators=[
            Optional(),
            Length(max=254),
            Email("Enter an email address like name@example.com.", check_deliverability=False),
        ],
        render_kw={"autocomplete": autocomplete, "spellcheck": "false"},
    )


class DateWindow:
    """A validator: the date falls in a window that makes sense for what it is, from
    ``days_back`` before today to ``days_ahead`` after it; the message says which window."""

    def __init__(self, what: str, *, days_back: int, days_ahead: int, window: str):
        self.what, self.days_back, self.days_ahead, self.window = (
            what,
            days_back,
            days_ahead,
            window,
        )

    def __call__(self, form, field) -> None:
        if field.data is None:
            return
        today = london_today()
        earliest = today - timedelta(days=self.days_back)
        latest = today + timedelta(days=self.days_ahead)
        if not earliest <= field.data <= latest:
            raise ValidationError(f"{self.what} must be {self.window}.")


def within_a_year_of(first, last, what: str) -> None:
    """A stretch of days from ``first`` to ``last`` is at most a year long."""
    if first and last and (last - first).days > 366:
        raise ValidationError(f"{what} can be a year at most. Add a longer stretch in parts.")
