"""A participant's own data rights: download everything, see who looked, ask to be forgotten."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp.models import AuditEvent, ErasureRequest, ErasureStatus, Role, User
from webapp.privacy.downloads import export_response
from webapp.services import audit
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.policy import allow

bp = Blueprint("privacy", __name__, url_prefix="/my-data")

# What a staff view in the audit log means to a parent.
LOOKED_AT = {
    "record.viewed": "your record",
    "plan.viewed": "your plan",
    "checkins.viewed": "your check-ins",
    "journey.viewed": "your journey",
    "notes.viewed": "notes",
    "note.staff_only_viewed": "a staff note",
    "export.downloaded": "a copy of everything we hold",
}


@bp.route("/")
@allow(Role.PARTICIPANT)
def index():
    pending = db.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.participant_id == current_user.id,
            ErasureRequest.status == ErasureStatus.PENDING,
        )
    )
    return render_template("privacy/index.html", pending=pending, form=EmptyForm())


@bp.route("/who-has-looked")
@allow(Role.PARTICIPANT)
def who_has_looked():
    rows = db.session.execute(
        select(AuditEvent, User)
        .join(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.participant_id == current_user.id,
            AuditEvent.action.in_(LOOKED_AT),
            AuditEvent.actor_id != current_user.id,
        )
        .order_by(AuditEvent.at.desc())
        .limit(200)
    ).all()
    return render_template("privacy/who_has_looked.html", rows=rows, looked_at=LOOKED_AT)


@bp.route("/download.<any(json, zip, html):kind>")
@allow(Role.PARTICIPANT)
def download(kind: str):
    return export_response(current_user, kind)


@bp.route("/forget-me", methods=["POST"])
@allow(Role.PARTICIPANT)
def ask_erasure():
    form = EmptyForm()
    if form.validate_on_submit():
        already = db.session.scalar(
            select(ErasureRequest).where(
                ErasureRequest.participant_id == current_user.id,
                ErasureRequest.status == ErasureStatus.PENDING,
            )
        )
        if already is None:
            db.session.add(
                ErasureRequest(participant_id=current_user.id, requested_by_id=current_user.id)
            )
            audit.record(
                db.session, "erasure.requested", actor=current_user, participant=current_user
            )
            db.session.commit()
        flash(
            "We've got your request. A manager will check it and delete your information "
            "within one month. Your keyworker can talk it through with you.",
            "success",
        )
    return redirect(url_for("privacy.index"))
