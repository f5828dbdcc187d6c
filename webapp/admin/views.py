"""Managers' data protection duties: the audit log, requests to be forgotten, and copies of
what is held for requests received on paper."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.admin import log, operations, queries
from webapp.admin.forms import AuditSearchForm
from webapp.models import Role
from webapp.privacy.downloads import export_response
from webapp.reports.csv import csv_response
from webapp.services import audit
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import allow, participant_or_404

bp = Blueprint("admin", __name__, url_prefix="/admin")
managers = allow(Role.MANAGER, Role.ADMIN)


@bp.route("/audit")
@managers
def audit_log():
    form = AuditSearchForm(request.args)
    filters = form.filters() if form.validate() else {}
    page = max(0, request.args.get("page", 0, type=int))
    rows, older = queries.audit_page(db.session, current_user, page=page, **filters)
    return render_template(
        "admin/audit.html",
        form=form,
        rows=rows,
        describe=log.describe,
        page=page,
        older=older,
        search={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.route("/audit.csv")
@managers
def audit_csv():
    form = AuditSearchForm(request.args)
    filters = form.filters() if form.validate() else {}
    rows = queries.all_audit_events(db.session, current_user, **filters)
    body = csv_response("coplan-audit-log.csv", log.CSV_HEADER, log.csv_rows(rows))
    searched = {k: str(v) for k, v in filters.items() if v}
    audit.record(db.session, "audit.downloaded", actor=current_user, **searched)
    return audit.kept_with(db.session, body)


@bp.route("/erasure-requests")
@managers
def erasure_requests():
    return render_template(
        "admin/erasure_requests.html",
        requests=queries.pending_erasure_requests(db.session, current_user),
        form=EmptyForm(),
    )


@bp.route("/erasure-requests/<int:request_id>/<any(approve, refuse):decision>", methods=["POST"])
@managers
def decide_erasure(request_id: int, decision: str):
    erasure = queries.pending_erasure_or_404(db.session, request_id)
    participant = participant_or_404(erasure.participant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    approve = decision == "approve"
    with committed():
        operations.decide_erasure(
            db.session,
            erasure=erasure,
            participant=participant,
            decider=current_user,
            approve=approve,
        )
    if approve:
        flash("Their information has been erased. Anonymous counts in reports are kept.", "success")
    else:
        flash("The request is marked as refused. Tell them why, in writing.", "info")
    return redirect(url_for("admin.erasure_requests"))


@bp.route("/people/<int:participant_id>/data.<any(json, zip, html):kind>")
@managers
def participant_export(participant_id: int, kind: str):
    """For a subject access request: everything, staff-only notes included."""
    return export_response(participant_or_404(participant_id), kind, complete=True)
