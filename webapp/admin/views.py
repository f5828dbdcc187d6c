"""Managers' data protection duties: the audit log, requests to be forgotten, and copies of
what is held for requests received on paper."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from webapp.admin.forms import AuditSearchForm
from webapp.clock import LONDON
from webapp.models import AuditEvent, ErasureRequest, ErasureStatus, Role, User, utcnow
from webapp.privacy.downloads import export_response
from webapp.privacy.erasure import anonymise
from webapp.services import audit
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.policy import allow, participant_or_404

bp = Blueprint("admin", __name__, url_prefix="/admin")
managers = allow(Role.MANAGER, Role.ADMIN)
PAGE_SIZE = 100


def _in_locality(query, *users):
    """Managers see events about their own locality's people; admins see everything."""
    if current_user.role == Role.ADMIN:
        return query
    return query.where(or_(*(u.locality_id == current_user.locality_id for u in users)))


@bp.route("/audit")
@managers
def audit_log():
    form = AuditSearchForm(request.args)
    actor, participant = aliased(User), aliased(User)
    query = (
        select(AuditEvent, actor, participant)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(participant, participant.id == AuditEvent.participant_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    query = _in_locality(query, actor, participant)
    if form.validate():
        if form.person.data:
            like = f"%{form.person.data.lower()}%"
            query = query.where(or_(participant.name.ilike(like), participant.email.ilike(like)))
        if form.staff.data:
            like = f"%{form.staff.data.lower()}%"
            query = query.where(or_(actor.name.ilike(like), actor.email.ilike(like)))
        if form.date_from.data:
            start = datetime.combine(form.date_from.data, time(), LONDON)
            query = query.where(AuditEvent.at >= start)
        if form.date_to.data:
            end = datetime.combine(form.date_to.data + timedelta(days=1), time(), LONDON)
            query = query.where(AuditEvent.at < end)
    rows = db.session.execute(query.limit(PAGE_SIZE)).all()
    return render_template(
        "admin/audit.html", form=form, rows=rows, actions=audit.ACTIONS, page_size=PAGE_SIZE
    )


@bp.route("/erasure-requests")
@managers
def erasure_requests():
    query = (
        select(ErasureRequest)
        .join(User, User.id == ErasureRequest.participant_id)
        .where(ErasureRequest.status == ErasureStatus.PENDING)
        .order_by(ErasureRequest.requested_at)
    )
    query = _in_locality(query, User)
    return render_template(
        "admin/erasure_requests.html",
        requests=db.session.scalars(query).all(),
        form=EmptyForm(),
    )


@bp.route("/erasure-requests/<int:request_id>/<any(approve, refuse):decision>", methods=["POST"])
@managers
def decide_erasure(request_id: int, decision: str):
    erasure = db.session.get(ErasureRequest, request_id)
    if erasure is None or erasure.status != ErasureStatus.PENDING:
        abort(404)
    participant = participant_or_404(erasure.participant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    erasure.decided_by_id = current_user.id
    erasure.decided_at = utcnow()
    if decision == "approve":
        erasure.status = ErasureStatus.APPROVED
        anonymise(db.session, participant)
        audit.record(db.session, "erasure.approved", actor=current_user, participant=participant)
        flash("Their information has been erased. Anonymous counts in reports are kept.", "success")
    else:
        erasure.status = ErasureStatus.REFUSED
        flash("The request is marked as refused. Tell them why, in writing.", "info")
    db.session.commit()
    return redirect(url_for("admin.erasure_requests"))


@bp.route("/people/<int:participant_id>/data.<any(json, zip, html):kind>")
@managers
def participant_export(participant_id: int, kind: str):
    """For a subject access request: everything, staff-only notes included."""
    return export_response(participant_or_404(participant_id), kind, complete=True)
