"""Fetching a document, and adding one to a goal (a document on a message is sent with the
message, on the conversation page). Plain form posts: no JavaScript needed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template
from flask_login import current_user

from webapp.documents import operations as ops
from webapp.documents import queries
from webapp.documents.forms import DocumentForm
from webapp.models import Document
from webapp.plans import queries as plan_queries
from webapp.plans.pages import plan_url
from webapp.services import audit
from webapp.web.extensions import db
from webapp.web.htmx import committed
from webapp.web.policy import signed_in

bp = Blueprint("documents", __name__)

# A file someone uploaded is never run as a page on CoPlan's address: it is only ever saved.
SANDBOX = "sandbox; default-src 'none'"


@bp.route("/documents/<int:document_id>")
@signed_in
def download(document_id: int):
    document = queries.document_or_404(db.session, document_id, viewer=current_user)
    answer = attachment(document)
    audit.staff_viewed(
        db.session, "document.downloaded", document.participant, document_id=document.id
    )
    return audit.kept_with(db.session, answer)


@bp.route("/plans/goals/<int:goal_id>/documents", methods=["GET", "POST"])
@signed_in
def add_to_goal(goal_id: int):
    goal = plan_queries.goal_or_404(db.session, goal_id, viewer=current_user)
    if goal.removed_at is not None:
        abort(404)
    participant = goal.plan.participant
    form = DocumentForm()
    if not form.validate_on_submit():
        page = render_template(
            "documents/add_to_goal.html",
            form=form,
            goal=goal,
            participant=participant,
            back=plan_url(participant, f"goal-{goal_id}"),
        )
        return page, 422 if form.errors else 200
    with committed():
        ops.add_document(
            db.session,
            participant=participant,
            uploader=current_user,
            prepared=form.document.prepared,
            goal=goal,
        )
    flash("Document added to the goal.", "success")
    return redirect(plan_url(participant, f"goal-{goal_id}"))


def attachment(document: Document) -> Response:
    """The file, to be saved rather than shown: its own type, a safe name, no sniffing."""
    response = Response(document.content, mimetype=document.content_type)
    headers = response.headers
    headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = SANDBOX
    headers["Cache-Control"] = "no-store"
    return response
