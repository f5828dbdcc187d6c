"""Joining: the public "Ask to join" page, and the queue of requests staff act on."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.auth.operations import DuplicateContact, email_invitation, text_invitation
from webapp.clock import utcnow
from webapp.joining import operations as ops
from webapp.joining import queries
from webapp.joining.forms import AcceptRequestForm, AskToJoinForm, DeclineRequestForm
from webapp.models import Role
from webapp.services.sms import normalise_phone
from webapp.web.extensions import db, limiter
from webapp.web.htmx import committed
from webapp.web.policy import allow, public

bp = Blueprint("joining", __name__)

staff_of_the_locality = allow(Role.KEYWORKER, Role.MANAGER, Role.ADMIN)


@bp.route("/ask-to-join", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def ask_to_join():
    form = AskToJoinForm()
    form.locality_id.choices = queries.locality_choices(db.session)
    if form.validate_on_submit():
        # A robot that filled in the hidden field is thanked like anyone, and nothing is kept.
        if not form.website.data:
            with committed():
                ops.record_request(db.session, **request_details(form))
        return redirect(url_for("joining.thanks"))
    return render_template("joining/ask.html", form=form), 422 if form.errors else 200


@bp.get("/ask-to-join/thanks")
@public
def thanks():
    return render_template("joining/thanks.html")


@bp.get("/requests-to-join")
@staff_of_the_locality
def queue():
    now = utcnow()
    return render_template(
        "joining/queue.html",
        requests=queries.waiting_requests(db.session, current_user),
        overdue_since=queries.overdue_since(now),
    )


@bp.route("/requests-to-join/<int:join_request_id>", methods=["GET", "POST"])
@staff_of_the_locality
def decide(join_request_id: int):
    join_request = queries.join_request_or_404(db.session, current_user, join_request_id)
    if not join_request.is_waiting:
        return already_answered(join_request)
    accept = AcceptRequestForm(prefix="accept")
    accept.keyworker_id.choices = queries.keyworker_choices(db.session, join_request.locality_id)
    if current_user.role == Role.KEYWORKER and not accept.is_submitted():
        accept.keyworker_id.data = current_user.id
    if accept.validate_on_submit():
        return accepted(join_request, accept)
    return render_decision(join_request, accept, DeclineRequestForm(prefix="decline"))


@bp.post("/requests-to-join/<int:join_request_id>/decline")
@staff_of_the_locality
def decline(join_request_id: int):
    join_request = queries.join_request_or_404(db.session, current_user, join_request_id)
    if not join_request.is_waiting:
        return already_answered(join_request)
    form = DeclineRequestForm(prefix="decline")
    if not form.validate_on_submit():
        accept = AcceptRequestForm(prefix="accept", formdata=None)
        accept.keyworker_id.choices = queries.keyworker_choices(
            db.session, join_request.locality_id
        )
        return render_decision(join_request, accept, form, 422)
    with committed():
        ops.decline_request(
            db.session, request=join_request, declined_by=current_user, reason=form.reason.data
        )
    flash(f"Request from {join_request.name} declined.", "success")
    return redirect(url_for("joining.queue"))


def accepted(join_request, form: AcceptRequestForm):
    """Turn the request into an invitation, and show the link to pass on."""
    keyworker = queries.keyworker_or_none(db.session, form.keyworker_id.data)
    days = current_app.config["INVITE_DAYS"]
    with committed(DuplicateContact) as invited:
        participant, token = ops.accept_request(
            db.session,
            request=join_request,
            keyworker=keyworker,
            accepted_by=current_user,
            lifetime=timedelta(days=days),
        )
        link = url_for("auth.accept_invitation", token=token, _external=True)
        emailed = email_invitation(
            db.session, participant=participant, keyworker=keyworker, link=link, days=days
        )
        texted = text_invitation(db.session, participant=participant, link=link, days=days)
    if invited.refusal:
        form.keyworker_id.errors.append(
            f"Someone in CoPlan already uses {join_request.name}'s email or mobile: find them "
            "in the caseload, then decline this request saying so."
        )
        return render_decision(join_request, form, DeclineRequestForm(prefix="decline"), 409)
    return render_template(
        "joining/invited.html",
        participant=participant,
        link=link,
        emailed=emailed,
        texted=texted,
        days=days,
    )


def already_answered(join_request):
    """A colleague got there first: say who, and change nothing."""
    status = 200 if request.method == "GET" else 409
    return render_template("joining/answered.html", join_request=join_request), status


def render_decision(join_request, accept, decline, status: int = 200):
    return render_template(
        "joining/decide.html", join_request=join_request, accept=accept, decline=decline
    ), status


def request_details(form: AskToJoinForm) -> dict:
    referred = form.referred_by.data != "self"
    return {
        "locality_id": form.locality_id.data,
        "name": form.name.data,
        "email": form.email.data.lower() if form.email.data else None,
        "phone": normalise_phone(form.phone.data) if form.phone.data else None,
        "children_stages": list(form.children_stages.data or []),
        "best_times": form.best_times.data or None,
        "referred_by": form.referred_by.data,
        "referrer_name": form.referrer_name.data if referred else None,
        "referrer_contact": form.referrer_contact.data if referred else None,
    }
