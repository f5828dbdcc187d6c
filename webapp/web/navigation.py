"""The navigation each role sees: the links every area declares in its ``area.py``."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from webapp import areas


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"navigation": navigation_items()})


def navigation_items() -> list[dict]:
    """The links for the signed-in person, marking the one for the current page."""
    if not current_user.is_authenticated:
        return []
    return [
        {
            "endpoint": link.endpoint,
            "label": link.label,
            "current": request.endpoint == link.endpoint,
        }
        for link in areas.current().navigation.get(current_user.role, ())
    ]
