"""The subject access download, as JSON, a zip of CSV files, or a readable page."""

from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user

from webapp.models import User, utcnow
from webapp.privacy.export import as_csv_zip, as_json, collect, withhold_from_participant
from webapp.services import audit
from webapp.web.extensions import db

TABLE_TITLES = {
    "users": "Your account",
    "participant_profiles": "Your profile",
    "access_tokens": "Sign-in links",
    "outbox_mail": "Messages we sent you",
    "audit_events": "Who did what with your record",
    "erasure_requests": "Requests to delete your information",
    "sessions": "Your sessions",
    "reminders": "Session reminders",
    "free_windows": "When you're free",
    "calendar_feed_tokens": "Calendar links",
    "group_attendees": "Group sessions you booked",
    "notes": "Notes on your record",
    "referrals": "Referrals to other organisations",
    "outcomes": "What you achieved",
    "pipeline_stage_changes": "Your steps towards work",
    "engagement_pauses": "Breaks you took",
    "session_feedback": "What you said about sessions",
    "ideas": "Your ideas for the service",
    "messages": "Messages with your keyworker",
    "documents": "Documents you or your keyworker added",
}


def export_response(participant: User, kind: str, *, complete: bool = False) -> Response:
    """What is held about ``participant``, recorded in the audit log.

    The parent's own download leaves out notes staff keep for themselves, which the app never
    shows them. A subject access request is answered by a manager with ``complete``: everything,
    staff-only notes included, as the law requires, after the manager has checked it."""
    data = collect(db.session, participant.id)
    if not complete:
        data = withhold_from_participant(data)
    audit.record(
        db.session,
        "export.downloaded",
        actor=current_user,
        participant=participant,
        format=kind,
        complete=complete,
    )
    db.session.commit()
    stamp = utcnow().strftime("%Y-%m-%d")
    filename = f"coplan-data-{participant.id}-{stamp}"
    if kind == "json":
        return _attachment(as_json(data), "application/json", f"{filename}.json")
    if kind == "zip":
        return _attachment(as_csv_zip(data), "application/zip", f"{filename}.zip")
    return Response(
        render_template(
            "privacy/export.html",
            data=data,
            participant=participant,
            titles=TABLE_TITLES,
            complete=complete,
        ),
        mimetype="text/html",
    )


def _attachment(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
