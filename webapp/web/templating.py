"""Template filters and globals: times are stored in UTC and shown in Scotland's time, in
the clock module's named formats."""

from __future__ import annotations

from flask import Flask

from webapp import clock
from webapp.services.sms import phone_hint


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
    # The four ways a template writes a time: {{ step.due_on | day }} "Fri 12 June",
    # {{ x | date("long_day") }} "Wednesday 2 December", {{ x | day_and_time }}
    # "Wed 2 December, 10:00" and {{ x | time }} "10:00" (names in clock.FORMATS).
    app.jinja_env.filters["day"] = clock.day
    app.jinja_env.filters["date"] = clock.show
    app.jinja_env.filters["day_and_time"] = clock.day_and_time
    app.jinja_env.filters["time"] = clock.clock_time
    app.jinja_env.filters["phone_hint"] = phone_hint
    app.jinja_env.globals["aria_attributes"] = aria_attributes
    app.jinja_env.globals["now"] = clock.utcnow
