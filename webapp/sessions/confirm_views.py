"""Checking a booking or a move before it is made, and undoing a booking just made.

The slot buttons lead here with a plain GET: a page that says what, when, where and with
whom, and a real form that books or moves it. With JavaScript, the sessions page then offers
an undo for a few seconds, a real cancel of the booking just made."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.models import BookedSession, Role, User
from webapp.sessions import operations, queries
from webapp.sessions.forms import SlotForm
from webapp.sessions.guard import BookingProblem, SlotNotOffered
from webapp.sessions.views import (
    NOT_OFFERED,
    answer_problem,
    booking_or_404,
    bp,
    when,
)
from webapp.web.extensions import db
from webapp.web.htmx import committed
from webapp.web.policy import allow, signed_in


def asked_slot() -> SlotForm:
    """The slot a slot button asked about, read from the address (nothing is changed yet)."""
    return SlotForm(formdata=request.args, meta={"csrf": False})


def confirm_page(
    form: SlotForm,
    participant: User,
    keyworker_id: int | None,
    *,
    action: str,
    moving: BookedSession | None = None,
    **values,
):
    """The check before booking or moving: the proposed session, or the refusal."""
    if keyworker_id is None or not form.validate():
        return answer_problem(SlotNotOffered(NOT_OFFERED), participant, action=action, **values)
    proposal = queries.proposed_session(
        db.session,
        keyworker_id=keyworker_id,
        starts_at=form.moment,
        mode=form.mode.data,
        venue_id=form.venue,
    )
    return render_template(
        "sessions/confirm.html",
        proposal=proposal,
        form=form,
        action=url_for(action, **values),
        participant=participant,
        moving=moving,
    )


@bp.route("/sessions/book/check")
@allow(Role.PARTICIPANT)
def confirm_booking():
    profile = current_user.profile
    keyworker_id = profile.keyworker_id if profile else None
    return confirm_page(asked_slot(), current_user, keyworker_id, action="sessions.book")


@bp.route("/sessions/<int:session_id>/move/check")
@signed_in
def confirm_move(session_id: int):
    booked = booking_or_404(session_id, booked_only=True)
    return confirm_page(
        asked_slot(),
        booked.participant,
        booked.keyworker_id,
        action="sessions.reschedule",
        session_id=booked.id,
        moving=booked,
    )


@bp.route("/sessions/<int:session_id>/undo", methods=["POST"])
@allow(Role.PARTICIPANT)
def undo_booking(session_id: int):
    booked = booking_or_404(session_id, booked_only=True)
    with committed(BookingProblem) as undone:
        operations.undo_booking(db.session, booking=booked, by=current_user)
    if undone.refusal:
        flash(str(undone.refusal), "warning")
        return redirect(url_for("sessions.cancel", session_id=booked.id))
    flash(f"Undone: you're not booked for {when(booked)}.", "success")
    return redirect(url_for("sessions.my_sessions"))
