"""Importing a caseload: upload, see what each line would do, then import all of it or none."""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_login import current_user

from webapp.imports import operations as ops
from webapp.imports.forms import CaseloadFileForm, ConfirmImportForm
from webapp.joining.queries import locality_choices
from webapp.models import Role
from webapp.web.extensions import db
from webapp.web.htmx import committed
from webapp.web.policy import allow

bp = Blueprint("imports", __name__, url_prefix="/caseload/import")

managers = allow(Role.MANAGER, Role.ADMIN)


@bp.route("/", methods=["GET", "POST"])
@managers
def upload():
    form = CaseloadFileForm()
    form.locality_id.choices = localities()
    if not form.validate_on_submit():
        return render_template("imports/upload.html", form=form), 422 if form.errors else 200
    raw = form.file.data.read()
    checked = ops.check_caseload_file(db.session, raw, locality_id=form.locality_id.data)
    confirm = ConfirmImportForm(
        formdata=None, locality_id=form.locality_id.data, content=base64.b64encode(raw).decode()
    )
    return render_template("imports/check.html", checked=checked, confirm=confirm)


@bp.post("/confirm")
@managers
def confirm():
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    locality_id = allowed_locality(form.locality_id.data)
    raw = decoded(form.content.data)
    days = current_app.config["INVITE_DAYS"]
    with committed(ops.ImportRefused) as done:
        imported = ops.import_caseload(
            db.session,
            raw,
            locality_id=locality_id,
            imported_by=current_user,
            lifetime=timedelta(days=days),
        )
        emailed = ops.email_invitations(db.session, imported, link_for=invitation_link, days=days)
    if done.refusal:
        # Someone else added one of these people meanwhile: show the lines again, as they are now.
        return render_template(
            "imports/check.html", checked=done.refusal.checked, confirm=form
        ), 409
    return render_template(
        "imports/done.html", imported=imported, emailed=emailed, link_for=invitation_link, days=days
    )


def invitation_link(token: str) -> str:
    return url_for("auth.accept_invitation", token=token, _external=True)


def localities() -> list[tuple[int, str]]:
    if current_user.role == Role.ADMIN:
        return locality_choices(db.session)
    return [
        (id_, name) for id_, name in locality_choices(db.session) if id_ == current_user.locality_id
    ]


def allowed_locality(value: str) -> int:
    """The posted locality, if it is one the person may import into."""
    allowed = {id_ for id_, _ in localities()}
    if not value.isdigit() or int(value) not in allowed:
        abort(404)
    return int(value)


def decoded(content: str) -> bytes:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        abort(400)
