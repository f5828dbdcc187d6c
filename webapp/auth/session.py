"""How Flask-Login finds the signed-in person."""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, jsonify, redirect, request, session, url_for
from flask_login import current_user, logout_user

from webapp.models import User
from webapp.web.extensions import db, login_manager
from webapp.web.security import is_fetched_by_the_browser


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    # "basic" marks a remembered session as not fresh; "strong" would sign parents out every
    # time their phone moves between wifi and mobile data.
    login_manager.session_protection = "basic"
    app.before_request(end_stale_staff_sessions)
    app.before_request(require_staff_two_step)


# Pages a member of staff can reach before setting up two-step sign-in.
BEFORE_TWO_STEP = {
    "auth.two_step_setup",
    "auth.sign_out",
    "static",
    "pwa.service_worker",
    "pwa.manifest",
    "pwa.offline",
    "auth.privacy",
}


def require_staff_two_step():
    """Where the service requires it, staff set up two-step sign-in before anything else."""
    if not current_app.config["STAFF_TWO_FACTOR_REQUIRED"]:
        return None
    if request.endpoint in BEFORE_TWO_STEP or request.endpoint is None:
        return None
    if not current_user.is_authenticated or not current_user.is_staff:
        return None
    if session.get("two_step"):
        return None
    if request.blueprint == "api":
        return jsonify(error="two_step_required", message="Set up two-step sign-in first."), 403
    return redirect(url_for("auth.two_step_setup"))


def start_session_clock() -> None:
    """Note when this sign-in began; called at every sign-in."""
    now = int(time.time())
    session["signed_in_at"] = now
    session["seen_at"] = now


def end_stale_staff_sessions():
    """Staff are signed out after a spell without activity, and after a working day in all,
    since their screens show many people's records. Parents choose for themselves."""
    if request.endpoint is None or is_fetched_by_the_browser(current_app, request.endpoint):
        return None
    if not current_user.is_authenticated or not current_user.is_staff:
        return None
    config = current_app.config
    now = int(time.time())
    idle = now - session.get("seen_at", 0) > config["STAFF_IDLE_MINUTES"] * 60
    too_long = now - session.get("signed_in_at", 0) > config["STAFF_SESSION_HOURS"] * 3600
    if idle or too_long:
        logout_user()
        session.clear()
        if idle:
            message = (
                f"You were signed out after {config['STAFF_IDLE_MINUTES']} minutes without "
                "activity, to keep people's records safe. Sign in again to carry on."
            )
        else:
            message = "You were signed out at the end of a long session. Sign in again to carry on."
        flash(message, "info")
        if request.blueprint == "api":
            return jsonify(error="unauthorised", message="Sign in again."), 401
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    session["seen_at"] = now
    return None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Find the user from the session's id; a changed password invalidates old sessions."""
    id_part, _, token = user_id.partition(":")
    if not id_part.isdigit():
        return None
    user = db.session.get(User, int(id_part))
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if request.blueprint == "api" or request.accept_mimetypes.best == "application/json":
        return jsonify(error="unauthorised", message="Sign in again to send this."), 401
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for(login_manager.login_view, next=request.full_path.rstrip("?")))
