"""The JSON API the phone talks to: the check-in outbox, and subscribing the phone to
reminders by Web Push. Every answer is JSON, errors included."""

from __future__ import annotations

import random
import time

from flask import Blueprint, current_app, jsonify, request, session
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, OperationalError

from webapp.checkins.sync import MAX_BATCH, merge_checkins
from webapp.messages.operations import MAX_BATCH as MAX_MESSAGES
from webapp.messages.operations import send_messages
from webapp.models import Role, utcnow
from webapp.services import push
from webapp.web.extensions import csrf, db, limiter
from webapp.web.policy import allow, public

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# CSRF is checked here, after the policy, so that a lapsed session answers 401 (sign in
# again) rather than a CSRF error: the outbox keeps its entries and tries after sign-in.
csrf.exempt(bp)


# Views whose authority is a secret in the request itself, never the session cookie: a forged
# request from another site can do nothing with them that it couldn't do without the cookie.
NO_CSRF = {"api.push_renew"}


@bp.before_request
def check_csrf():
    if current_app.config.get("WTF_CSRF_ENABLED", True) and request.endpoint not in NO_CSRF:
        csrf.protect()


def problem(status: int, error: str, message: str):
    return jsonify(error=error, message=message), status


def _merge_with_retries(batch: list, attempts: int = 3):
    """Merge and commit, trying again if the database gave up on a lock (deadlock, busy)."""
    for attempt in range(1, attempts + 1):
        try:
            outcomes = merge_checkins(db.session, current_user.id, batch)
            db.session.commit()
            return outcomes
        except OperationalError:
            db.session.rollback()
            if attempt == attempts:
                raise
            time.sleep(random.uniform(0.05, 0.2) * attempt)
    raise AssertionError("unreachable")


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def outbox_batch(key: str, what: str, most: int):
    """The entries a phone's outbox sent under ``key``, or the problem answer saying why not."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get(key), list):
        return problem(
            400, "bad_request", f'Send a JSON object like {{"{key}": [ … ]}}. Nothing was stored.'
        )
    # The outbox says whose entries these are, so a shared phone never files one person's
    # entries under another's sign-in.
    owner = payload.get("user")
    if owner is not None and str(owner) != str(current_user.id):
        return problem(
            409, "wrong_user", f"These {what} belong to someone else. Nothing was stored."
        )
    if len(payload[key]) > most:
        return problem(
            413, "too_many", f"Send at most {most} {what} at a time. Nothing was stored."
        )
    return payload[key]


def _signed_in_person() -> str:
    return f"api:{current_user.get_id()}" if current_user.is_authenticated else "api:anonymous"


@bp.route("/checkins", methods=["POST"])
@allow(Role.PARTICIPANT)
@limiter.limit(_api_limit, key_func=_signed_in_person)
def checkins():
    batch = outbox_batch("checkins", "check-ins", MAX_BATCH)
    if not isinstance(batch, list):
        return batch  # what was wrong with it
    return outcomes_answer(_merge_with_retries(batch))


# Reminders by Web Push. Only parents get reminders, so only parents subscribe; whatever the
# phone sends, the subscription is the signed-in person's own.


def _push_endpoint() -> str | None:
    payload = request.get_json(silent=True)
    endpoint = payload.get("endpoint") if isinstance(payload, dict) else None
    return endpoint if push.plausible_endpoint(endpoint) else None


def _push_off():
    return problem(404, "push_off", "Reminders on this phone are not switched on here.")


@bp.route("/push/subscribe", methods=["POST"])
@allow(Role.PARTICIPANT)
@limiter.limit(_api_limit, key_func=_signed_in_person)
def push_subscribe():
    if not push.push_enabled():
        return _push_off()
    try:
        endpoint, p256dh, auth = push.parse_subscription(request.get_json(silent=True))
    except push.SubscriptionRefused as refused:
        return problem(400, "bad_subscription", str(refused))
    details = {"user": current_user, "endpoint": endpoint, "p256dh": p256dh, "auth": auth}
    try:
        saved = push.save_subscription(db.session, **details, now=utcnow())
        db.session.commit()
    except IntegrityError:
        # Two tabs subscribed the same phone at once: the other one's row is there now.
        db.session.rollback()
        saved = push.save_subscription(db.session, **details, now=utcnow())
        db.session.commit()
    session[push.SESSION_KEY] = saved.id
    return jsonify(subscribed=True)


@bp.route("/push/unsubscribe", methods=["POST"])
@allow(Role.PARTICIPANT)
@limiter.limit(_api_limit, key_func=_signed_in_person)
def push_unsubscribe():
    endpoint = _push_endpoint()
    if endpoint is None:
        return problem(400, "bad_request", 'Send {"endpoint": "…"}.')
    push.remove_subscription(db.session, user=current_user, endpoint=endpoint)
    db.session.commit()
    return jsonify(subscribed=False)


@bp.route("/push/check", methods=["POST"])
@allow(Role.PARTICIPANT)
@limiter.limit(_api_limit, key_func=_signed_in_person)
def push_check():
    """Whether this phone's subscription is the signed-in person's (a shared phone may have
    been subscribed by someone else). A POST, so the endpoint stays out of access logs."""
    endpoint = _push_endpoint()
    if endpoint is None:
        return problem(400, "bad_request", 'Send {"endpoint": "…"}.')
    if not push.push_enabled():
        return _push_off()
    mine = push.has_subscription(db.session, user=current_user, endpoint=endpoint)
    return jsonify(subscribed=mine)


@bp.route("/push/renew", methods=["POST"])
@public
@limiter.limit(_api_limit)
def push_renew():
    """The service worker's answer when the browser's push service replaces a subscription
    (``pushsubscriptionchange``): reminders carry on at the new one, with no visit needed.
    Signed in or not: the old subscription's auth secret is the proof."""
    if not push.push_enabled():
        return _push_off()
    renewal = _renewal_asked()
    if not isinstance(renewal, dict):
        return renewal  # the problem with what was sent
    try:
        renewed = push.renew_subscription(db.session, **renewal, now=utcnow())
        db.session.commit()
    except IntegrityError:
        # The same renewal sent twice at once: the other one has moved it.
        db.session.rollback()
        return problem(409, "conflict", "This subscription is being renewed already.")
    if renewed is None:
        message = "No subscription matches. Turn reminders on again on the sessions page."
        return problem(404, "not_found", message)
    return jsonify(renewed=True)


def _renewal_asked():
    """The old subscription and its new one, as renew_subscription takes them, or a problem."""
    payload = request.get_json(silent=True)
    payload = payload if isinstance(payload, dict) else {}
    old_endpoint, old_auth = payload.get("old_endpoint"), payload.get("old_auth")
    if not push.plausible_endpoint(old_endpoint) or not push.is_auth_secret(old_auth):
        return problem(
            400,
            "bad_request",
            'Send {"old_endpoint": "…", "old_auth": "…", "subscription": { … }}.',
        )
    try:
        endpoint, p256dh, auth = push.parse_subscription(payload.get("subscription"))
    except push.SubscriptionRefused as refused:
        return problem(400, "bad_subscription", str(refused))
    return {
        "old_endpoint": old_endpoint,
        "old_auth": old_auth,
        "endpoint": endpoint,
        "p256dh": p256dh,
        "auth": auth,
    }


@bp.route("/messages", methods=["POST"])
@allow(Role.PARTICIPANT)
@limiter.limit(_api_limit, key_func=_signed_in_person)
def messages():
    """Messages the parent wrote offline, from the phone's outbox: each stored once by UUID."""
    batch = outbox_batch("messages", "messages", MAX_MESSAGES)
    if not isinstance(batch, list):
        return batch  # what was wrong with it
    outcomes = send_messages(db.session, participant=current_user, author=current_user, batch=batch)
    db.session.commit()
    return outcomes_answer(outcomes)


def outcomes_answer(outcomes):
    """Each entry's outcome, in order, and how many had each."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    return jsonify(results=[o.as_json() for o in outcomes], counts=counts)
