"""What the text provider tells CoPlan: replies from parents (STOP), and delivery receipts.

GOV.UK Notify posts each received text, and each text's delivery status, to a callback URL with
the bearer token the service set in Notify's settings (NOTIFY_CALLBACK_TOKEN here; the same
token for both callbacks). The token, not a session, is the authority,
so these views take no CSRF token and no sign-in."""

from __future__ import annotations

import hmac
import re
from datetime import datetime

from flask import Blueprint, current_app, jsonify, request

from webapp.clock import as_utc, utcnow
from webapp.contact.choices import stop_texts_to
from webapp.sessions.reminder_texts import record_receipt
from webapp.web.extensions import csrf, db
from webapp.web.htmx import committed
from webapp.web.policy import public

bp = Blueprint("text_callbacks", __name__, url_prefix="/callbacks/text")
csrf.exempt(bp)

# Words a parent might reply with to stop texts, as mobile networks and Notify treat them.
STOP_WORDS = re.compile(r"^\s*(stop|stopall|unsubscribe|cancel|end|quit)\W*$", re.IGNORECASE)


def trusted() -> bool:
    expected = current_app.config.get("NOTIFY_CALLBACK_TOKEN")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@bp.post("/received")
@public
def received():
    """A text a parent sent to the service's number; STOP ends every text to them at once."""
    if not trusted():
        return jsonify(error="unauthorised"), 401
    payload = request.get_json(silent=True) or {}
    sender, words = payload.get("source_number"), payload.get("content")
    if not isinstance(sender, str) or not isinstance(words, str):
        return jsonify(error="bad_request"), 400
    if STOP_WORDS.match(words):
        with committed():
            stop_texts_to(db.session, sender)
    # Whoever sent it and whatever it said, the answer is the same: it says nothing of who is known.
    return jsonify(status="received"), 200


@bp.post("/status")
@public
def delivery_status():
    """A delivery receipt for a text CoPlan sent: kept on the reminder it was (if it was one)."""
    if not trusted():
        return jsonify(error="unauthorised"), 401
    payload = request.get_json(silent=True) or {}
    notification_id, status = payload.get("id"), payload.get("status")
    if not isinstance(notification_id, str) or not isinstance(status, str):
        return jsonify(error="bad_request"), 400
    with committed():
        record_receipt(
            db.session, provider_id=notification_id, status=status, at=receipt_time(payload)
        )
    return jsonify(status="received"), 200


def receipt_time(payload: dict) -> datetime:
    """When the status last changed, as Notify says (``completed_at``), else now."""
    completed = payload.get("completed_at")
    try:
        moment = as_utc(datetime.fromisoformat(completed)) if isinstance(completed, str) else None
    except ValueError:
        moment = None
    return moment or utcnow()
