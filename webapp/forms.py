"""Form bases shared by every area."""

from __future__ import annotations

from flask_wtf import FlaskForm


def _strip(value):
    # NUL can't be stored in PostgreSQL text and is never meant: drop it with the stray spaces.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """A form whose text fields arrive without stray spaces from a phone keyboard, or NULs."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if _strip not in filters:
                filters = [_strip, *filters]
            return unbound_field.bind(form=form, filters=filters, **options)


class EmptyForm(BaseForm):
    """Gives CSRF protection to a button that only posts."""
