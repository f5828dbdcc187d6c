"""The notice, horizon and travel buffer a booking keeps: the locality's own, where its manager
set them, else the service's (BOOKING_* settings)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from webapp.models import Locality
from webapp.sessions.slots import SearchLimits


def service_limits(locality: Locality | None) -> SearchLimits:
    """The limits slot search and booking keep for a parent of ``locality``."""
    config = current_app.config

    def rule(name: str, setting: str, default: int) -> int:
        own = getattr(locality, name, None) if locality is not None else None
        return own if own is not None else config.get(setting, default)

    return SearchLimits(
        min_notice=timedelta(hours=rule("min_notice_hours", "BOOKING_MIN_NOTICE_HOURS", 24)),
        horizon=timedelta(days=rule("horizon_days", "BOOKING_HORIZON_DAYS", 42)),
        travel=timedelta(minutes=rule("travel_minutes", "BOOKING_TRAVEL_MINUTES", 30)),
    )
