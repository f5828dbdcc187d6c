"""Closing a participant's record, from a confirmation page of its own, and reopening it."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from webapp.caseload import lifecycle, queries
from webapp.caseload.blueprint import bp
from webapp.caseload.entry_views import back_to_record, refused
from webapp.caseload.forms import CloseRecordForm
from webapp.caseload.operations import NotAllowedNow
from webapp.caseload.record_views import record
from webapp.models import ClosureReason, User
from webapp.services.records import ERASED
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import participant_or_404, staff_only


def already_closed(participant: User) -> str:
    return ERASED if participant.is_erased else f"{participant.name}'s record is already closed."


def close_page(participant: User, form: CloseRecordForm):
    sessions, places = (len(booked) for booked in queries.still_booked(db.session, participant))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "caseload/close.html", participant=participant, form=form, sessions=sessions, places=places
    ), status


@bp.route("/<int:participant_id>/close", methods=["GET", "POST"])
@staff_only
def close(participant_id: int):
    participant = participant_or_404(participant_id)
    if participant.profile.is_closed:
        return refused(participant, NotAllowedNow(already_closed(participant)))
    form = CloseRecordForm()
    if not form.validate_on_submit():
        return close_page(participant, form)
    with committed(NotAllowedNow) as saved:
        closing = lifecycle.close_record(
            db.session,
            participant=participant,
            by=current_user,
            reason=ClosureReason(form.reason.data),
            no_contact_months=form.no_contact_months.data,
            detail=form.detail.data,
            hours_per_week=form.hours_per_week.data,
            contract_type=form.contract(),
        )
    if saved.refusal:
        return refused(participant, saved.refusal)
    return back_to_record(participant, closed_message(participant, closing), "involvement")


def closed_message(participant: User, closing: lifecycle.Closing) -> str:
    message = f"{participant.name}'s record is closed."
    if closing.cancelled:
        things = "booking" if closing.cancelled == 1 else "bookings"
        told = "We emailed them to say so." if closing.emailed else "Tell them yourself."
        message += f" We cancelled {closing.cancelled} {things} still to come. {told}"
    return message


@bp.route("/<int:participant_id>/reopen", methods=["POST"])
@staff_only
def reopen(participant_id: int):
    participant = participant_or_404(participant_id)
    if not EmptyForm().validate_on_submit():
        return record(participant_id, status=422)
    with committed(NotAllowedNow) as saved:
        lifecycle.reopen_record(db.session, participant=participant, by=current_user)
    if saved.refusal:
        return refused(participant, saved.refusal)
    return back_to_record(participant, f"{participant.name}'s record is open again.", "involvement")
