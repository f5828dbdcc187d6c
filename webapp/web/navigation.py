"""The navigation each role sees. Areas add their pages here; links to pages the app does
not have are left out, so this list can run ahead of the code."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user

from webapp.models import Role

NAVIGATION: dict[Role, list[tuple[str, str]]] = {
    Role.PARTICIPANT: [
        ("home.today", "Today"),
        ("plans.my_plan", "My plan"),
        ("bookings.my_sessions", "Sessions"),
        ("checkins.new", "Check in"),
        ("checkins.journey", "My journey"),
        ("messages.conversation", "Messages"),
        ("caseload.my_notes", "Notes"),
        ("voice.ideas", "Ideas"),
        ("contact.choose", "How we contact you"),
        ("privacy.index", "My information"),
    ],
    Role.KEYWORKER: [
        ("caseload.index", "Caseload"),
        ("plans.due_this_week", "Steps due"),
        ("bookings.diary", "Diary"),
        ("caseload.invite", "Invite a parent"),
        ("joining.queue", "Requests to join"),
    ],
    Role.MANAGER: [
        ("home.manager", "Locality"),
        ("caseload.index", "Participants"),
        ("joining.queue", "Requests to join"),
        ("reports.index", "Reports"),
        ("bookings.venues", "Venues"),
        ("voice.overview", "Parents' voice"),
        ("staff.index", "Staff"),
        ("imports.upload", "Import a caseload"),
        ("admin.audit_log", "Audit log"),
        ("admin.erasure_requests", "Deletion requests"),
    ],
    Role.ADMIN: [
        ("home.manager", "Overview"),
        ("caseload.index", "Participants"),
        ("staff.index", "Staff"),
        ("imports.upload", "Import a caseload"),
        ("admin.audit_log", "Audit log"),
        ("admin.erasure_requests", "Deletion requests"),
    ],
}


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"navigation": navigation_items()})


def navigation_items() -> list[dict]:
    """The links for the signed-in person, marking the one for the current page."""
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label in NAVIGATION.get(current_user.role, []):
        if endpoint not in current_app.view_functions:
            continue
        items.append(
            {"endpoint": endpoint, "label": label, "current": request.endpoint == endpoint}
        )
    return items
