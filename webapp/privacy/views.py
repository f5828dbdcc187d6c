"""A participant's own data rights: download everything, see who looked, ask to be forgotten."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.models import Role
from webapp.privacy import operations, queries
from webapp.privacy.downloads import export_response
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import allow

bp = Blueprint("privacy", __name__, url_prefix="/my-data")

# What a staff view in the audit log means to a parent.
LOOKED_AT = {
    "record.viewed": "your record",
    "plan.viewed": "your plan",
    "checkins.viewed": "your check-ins",
    "journey.viewed": "your journey",
    "notes.viewed": "notes",
    "document.downloaded": "a document",
    "note.staff_only_viewed": "a staff note",
    "export.downloaded": "a copy of everything we hold",
}


@bp.route("/")
@allow(Role.PARTICIPANT)
def index():
    pending = queries.pending_erasure(db.session, current_user)
    return render_template(
        "privacy/index.html", pending=pending, profile=current_user.profile, form=EmptyForm()
    )


@bp.route("/who-has-looked")
@allow(Role.PARTICIPANT)
def who_has_looked():
    rows = queries.staff_looks(db.session, current_user, LOOKED_AT)
    return render_template("privacy/who_has_looked.html", rows=rows, looked_at=LOOKED_AT)


@bp.route("/summary")
@allow(Role.PARTICIPANT)
def summary():
    """ "Read it as a page": what we hold, grouped as the parent knows it."""
    return render_template(
        "privacy/summary.html", summary=queries.readable_summary(db.session, current_user)
    )


@bp.route("/download.<any(json, zip, html):kind>")
@allow(Role.PARTICIPANT)
def download(kind: str):
    return export_response(current_user, kind)


@bp.route("/forget-me", methods=["GET", "POST"])
@allow(Role.PARTICIPANT)
def ask_erasure():
    """ "Ask to delete my information": a page that asks first, then the request."""
    form = EmptyForm()
    if not form.validate_on_submit():
        if queries.pending_erasure(db.session, current_user) is not None:
            return redirect(url_for("privacy.index"))
        return render_template("privacy/forget_me.html", form=form)
    with committed():
        operations.ask_erasure(db.session, current_user)
    flash(
        "We've got your request. A manager will check it and delete your information "
        "within one month. You can take it back until then. Your keyworker can talk it "
        "through with you.",
        "success",
    )
    return redirect(url_for("privacy.index"))


@bp.route("/forget-me/withdraw", methods=["POST"])
@allow(Role.PARTICIPANT)
def withdraw_erasure():
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("privacy.index"))
    with committed(operations.NothingToWithdraw) as withdrawn:
        operations.withdraw_erasure(db.session, current_user)
    if withdrawn.refusal:
        flash(
            "There's no request waiting to take back: a manager has already dealt with it.",
            "warning",
        )
    else:
        flash("Your request is withdrawn. We'll keep your information as before.", "success")
    return redirect(url_for("privacy.index"))
