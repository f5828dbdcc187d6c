"""Error pages in plain words, or JSON for the API."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.services.records import RecordErased
from webapp.web.extensions import db

MESSAGES = {
    400: ("Something went wrong with that request", "Go back and try again."),
    403: ("You can't see this page", "If you think you should, ask your manager."),
    404: ("Page not found", "Check the address, or go back to your home page."),
    405: ("That didn't work", "Go back and try again."),
    410: ("This link no longer works", "Ask for a new one."),
    413: ("That file is bigger than 5 MB", "Go back and choose a smaller one."),
    429: ("Too many tries", "Wait a few minutes, then try again."),
    500: (
        "Sorry, something went wrong on our side",
        "Your work has not been lost. Try again in a minute.",
    ),
}


def wants_json() -> bool:
    # The path counts too: a wrong method or address under /api/ has no blueprint.
    return (
        request.blueprint == "api"
        or request.path.startswith("/api/")
        or request.accept_mimetypes.best == "application/json"
    )


# What someone signed in can do about a page that isn't theirs, in words for their role.
FORBIDDEN = {
    "participant": "This page is for staff. Your own pages are in the menu.",
    "keyworker": "It isn't part of a keyworker's work in CoPlan. If you think it should be, "
    "ask your manager.",
    "manager": "It is for another role in CoPlan. Your pages are in the menu; if you need "
    "this one, ask your service's CoPlan admin.",
    "admin": "It is for another role in CoPlan. Your pages are in the menu.",
}


def forbidden_detail() -> str:
    role = getattr(getattr(current_user, "role", None), "value", None)
    return FORBIDDEN.get(role, MESSAGES[403][1])


def render_error(status: int, title: str | None = None, detail: str | None = None):
    default_title, default_detail = MESSAGES.get(status, MESSAGES[400])
    if status == 403 and detail is None:
        default_detail = forbidden_detail()
    title, detail = title or default_title, detail or default_detail
    if wants_json():
        return jsonify(error=status, message=f"{title}. {detail}"), status
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


EXPIRED = ("The form had expired", "Go back, reload the page and try again. Nothing was saved.")


def gone(title: str, lines: list[str], links: list[tuple[str, str]]):
    """410: what became of something the person had open (cancelled, removed), with where to
    go next. Only for someone who may see it: anyone else still gets 404."""
    return make_response(
        render_template("errors/gone.html", title=title, lines=lines, links=links), 410
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, *EXPIRED)

    @app.errorhandler(429)
    def too_many(error):
        if request.endpoint == "auth.sign_in":
            from webapp.auth.forms import SignInForm

            form = SignInForm()
            return render_template(
                "auth/sign_in.html",
                form=form,
                throttled="Too many tries. Wait 5 minutes and try again, or reset your password.",
            ), 429
        return render_error(429)

    @app.errorhandler(RecordErased)
    def record_erased(error: RecordErased):
        # Reached only where a view has no answer of its own for the refusal; nothing is kept.
        db.session.rollback()
        return render_error(409, "This record is closed for good", error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is not None and error.code < 400:
            return error  # routing redirects, such as a missing trailing slash
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error")
        return render_error(500)
