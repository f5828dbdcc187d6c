"""Template filters: times are stored in UTC and shown in Scotland's time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask

from webapp.models import utcnow

LONDON = ZoneInfo("Europe/London")


def london(value: datetime | None, fmt: str = "%-d %B %Y, %H:%M") -> str:
    """A UTC moment as Scotland's local time."""
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime(fmt)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["london"] = london
    app.jinja_env.globals["now"] = utcnow
