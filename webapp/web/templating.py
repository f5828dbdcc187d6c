"""Template filters: times are stored in UTC and shown in Scotland's time."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from webapp.clock import LONDON
from webapp.models import utcnow


def london(value: datetime | None, fmt: str = "%-d %B %Y, %H:%M") -> str:
    """A UTC moment as Scotland's local time."""
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime(fmt)


def aria_attributes(field) -> dict[str, str]:
    """aria-describedby and aria-invalid for a form field, only when they have something to say."""
    described_by = []
    if field.description:
        described_by.append(f"{field.id}-hint")
    if field.errors:
        described_by.append(f"{field.id}-error")
    attributes = {}
    if described_by:
        attributes["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attributes["aria-invalid"] = "true"
    return attributes


def init_app(app: Flask) -> None:
    app.jinja_env.filters["london"] = london
    app.jinja_env.globals["aria_attributes"] = aria_attributes
    app.jinja_env.globals["now"] = utcnow
