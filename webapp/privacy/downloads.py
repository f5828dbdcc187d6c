"""The subject access download, as JSON, a zip of CSV files, or a readable page."""

from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user

from webapp import audit
from webapp.extensions import db
from webapp.models import User, utcnow
from webapp.privacy.export import as_csv_zip, as_json, collect, withhold_from_participant

TABLE_TITLES = {
    "users": "Your account",
    "participant_profiles": "Your profile",
    "access_tokens": "Sign-in links",
    "outbox_mail": "Messages we sent you",
    "audit_events": "Who did what with your record",
    "erasure_requests": "Requests to delete your information",
    "notes": "Notes on your record",
    "referrals": "Referrals to other organisations",
    "outcomes": "What you achieved",
    "pipeline_stage_changes": "Your steps towards work",
    "engagement_pauses": "Breaks you took",
    "session_feedback": "What you said about sessions",
    "ideas": "Your ideas for the service",
}


def export_response(participant: User, kind: str) -> Response:
    """Everything held about ``participant``, recorded in the audit log."""
    data = withhold_from_participant(collect(db.session, participant.id))
    audit.record(
        db.session, "export.downloaded", actor=current_user, participant=participant, format=kind
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
            "privacy/export.html", data=data, participant=participant, titles=TABLE_TITLES
        ),
        mimetype="text/html",
    )


def _attachment(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
