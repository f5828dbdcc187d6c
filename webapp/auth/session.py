"""How Flask-Login finds the signed-in person."""

from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, request, url_for

from webapp.extensions import db, login_manager
from webapp.models import User


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    # "basic" marks a remembered session as not fresh; "strong" would sign parents out every
    # time their phone moves between wifi and mobile data.
    login_manager.session_protection = "basic"


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
