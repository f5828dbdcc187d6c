"""The keyworker's pages: their diary, marking attendance, their availability, session length
and time off, and booking a session for a parent. Routes of the sessions blueprint."""

from __future__ import annotations

from datetime import time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp.caseload import queries as caseload_queries
from webapp.locality import queries as locality_queries
from webapp.models import AvailabilityRule, Role, SessionMode, TimeOff, utcnow
from webapp.sessions import operations, queries
from webapp.sessions.forms import (
    WEEKDAYS,
    AvailabilityRuleForm,
    SessionTimingForm,
    SlotForm,
    TimeOffForm,
)
from webapp.sessions.guard import BookingProblem
from webapp.sessions.slots import LONDON
from webapp.sessions.views import (
    book_slot,
    booking_or_404,
    bp,
    data_of,
    remove_own,
    render_slots,
    when,
)
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import allow, participant_or_404, staff_only

# The keyworker's diary ----------------------------------------------------------------------


@bp.route("/diary")
@allow(Role.KEYWORKER)
def diary():
    to_mark, upcoming, marked = queries.diary(db.session, current_user.id, utcnow())
    return render_template(
        "sessions/diary.html", to_mark=to_mark, upcoming=upcoming, marked=marked, form=EmptyForm()
    )


@bp.route("/diaries")
@allow(Role.MANAGER, Role.ADMIN)
def diaries():
    """Any keyworker's diary in the manager's locality, to see who is free and who is not."""
    keyworkers = caseload_queries.active_keyworkers(db.session, current_user)
    chosen = request.args.get("keyworker", type=int)
    owner = next((k for k in keyworkers if k.id == chosen), keyworkers[0] if keyworkers else None)
    to_mark, upcoming, marked = (
        queries.diary(db.session, owner.id, utcnow()) if owner else ([], [], [])
    )
    return render_template(
        "sessions/diary.html",
        to_mark=to_mark,
        upcoming=upcoming,
        marked=marked,
        form=EmptyForm(),
        owner=owner,
        keyworkers=keyworkers,
    )


@bp.route("/sessions/<int:session_id>/attendance", methods=["POST"])
@staff_only
def attendance(session_id: int):
    booked = booking_or_404(session_id)
    if EmptyForm().validate_on_submit():
        attended = request.form.get("attended") == "yes"
        with committed(BookingProblem) as saved:
            operations.mark_attendance(
                db.session, booking=booked, attended=attended, by=current_user
            )
        if saved.refusal:
            flash(saved.refusal.message, "error")
        else:
            flash(f"{booked.participant.name}: {booked.status.label.lower()}.", "success")
    if request.form.get("back") == "record":
        return redirect(
            url_for("caseload.record", participant_id=booked.participant_id, _anchor="sessions")
        )
    return redirect(url_for("sessions.diary"))


def availability_rule_form(*, blank: bool) -> AvailabilityRuleForm:
    """The add-availability form with the locality's venues in use; a blank one is prefilled."""
    form = AvailabilityRuleForm(formdata=None) if blank else AvailabilityRuleForm()
    venues = locality_queries.venues_in_use(db.session, current_user.locality_id)
    form.venue_id.choices = [SelectChoice(0, "No venue (phone, video or home visit)")] + [
        SelectChoice(v.id, v.name) for v in venues
    ]
    if blank:
        form.valid_from.data = utcnow().astimezone(LONDON).date()
        form.starts_at.data, form.ends_at.data = time(9, 30), time(14, 30)
    return form


def saved_timing_form() -> SessionTimingForm:
    """The session length form showing what is saved (looking never writes the defaults)."""
    settings = queries.keyworker_settings_or_default(db.session, current_user.id)
    return SessionTimingForm(formdata=None, obj=settings)


@bp.route("/diary/availability", methods=["GET", "POST"])
@allow(Role.KEYWORKER)
def availability():
    form = availability_rule_form(blank=request.method == "GET")
    if form.validate_on_submit():
        with committed(operations.WindowRefused) as added:
            operations.add_availability_rule(
                db.session,
                keyworker=current_user,
                mode=SessionMode(form.mode.data),
                venue_id=form.venue_id.data or None,
                **data_of(form, "weekday", "starts_at", "ends_at", "valid_from", "valid_until"),
            )
        if not added.refusal:
            flash("Availability added.", "success")
            return redirect(url_for("sessions.availability"))
        form[added.refusal.field].errors.append(added.refusal.message)
    status = 422 if form.is_submitted() else 200
    return render_availability(form=form, timing_form=saved_timing_form()), status


def render_availability(*, form: AvailabilityRuleForm, timing_form: SessionTimingForm):
    return render_template(
        "sessions/availability.html",
        form=form,
        timing_form=timing_form,
        rules=queries.availability_rules(db.session, current_user.id),
        time_off=queries.time_off_ahead(db.session, current_user.id, utcnow()),
        time_off_form=TimeOffForm(formdata=None),
        remove_form=EmptyForm(),
        weekdays=WEEKDAYS,
    )


@bp.route("/diary/session-length", methods=["POST"])
@allow(Role.KEYWORKER)
def session_timing():
    form = SessionTimingForm()
    if not form.validate_on_submit():
        return render_availability(form=availability_rule_form(blank=True), timing_form=form), 422
    minutes, gap = form.session_minutes.data, form.buffer_minutes.data
    with committed():
        operations.set_session_timing(
            db.session, keyworker=current_user, session_minutes=minutes, buffer_minutes=gap
        )
    between = f"{gap} minutes" if gap else "no gap"
    flash(
        f"Saved: {minutes}-minute sessions with {between} between them. "
        "Sessions already booked stay as they are.",
        "success",
    )
    return redirect(url_for("sessions.availability"))


@bp.route("/diary/availability/<int:rule_id>/remove", methods=["POST"])
@allow(Role.KEYWORKER)
def remove_rule(rule_id: int):
    return remove_own(
        AvailabilityRule,
        rule_id,
        "keyworker_id",
        "Availability removed. Sessions already booked are kept.",
        "sessions.availability",
    )


@bp.route("/diary/time-off", methods=["POST"])
@allow(Role.KEYWORKER)
def time_off():
    form = TimeOffForm()
    if form.validate_on_submit():
        with committed(operations.WindowRefused) as added:
            off = operations.add_time_off(
                db.session,
                keyworker=current_user,
                first_day=form.starts_on.data,
                last_day=form.ends_on.data,
                reason=form.reason.data or "",
            )
        if added.refusal:
            flash(added.refusal.message, "error")
            return redirect(url_for("sessions.availability"))
        flash("Time off added. No new sessions will be offered then.", "success")
        if queries.booked_during(db.session, current_user.id, off):
            return redirect(url_for("sessions.time_off_clashes", time_off_id=off.id))
        return redirect(url_for("sessions.availability"))
    flash_errors(form)
    return redirect(url_for("sessions.availability"))


@bp.route("/diary/time-off/<int:time_off_id>")
@allow(Role.KEYWORKER)
def time_off_clashes(time_off_id: int):
    off = queries.own_row(db.session, TimeOff, time_off_id, "keyworker_id", current_user.id)
    if off is None:
        abort(404)
    booked = queries.booked_during(db.session, current_user.id, off)
    return render_template("sessions/time_off_clashes.html", off=off, booked=booked)


def flash_errors(form) -> None:
    """The form's errors as messages on the page it goes back to."""
    for field in form:
        for error in field.errors:
            flash(error, "error")


@bp.route("/diary/time-off/<int:time_off_id>/remove", methods=["POST"])
@allow(Role.KEYWORKER)
def remove_time_off(time_off_id: int):
    return remove_own(
        TimeOff, time_off_id, "keyworker_id", "Time off removed.", "sessions.availability"
    )


@bp.route("/people/<int:participant_id>/book", methods=["GET", "POST"])
@staff_only
def book_for(participant_id: int):
    participant = participant_or_404(participant_id)
    keyworker = participant.profile.keyworker if participant.profile else None
    if current_user.role == Role.KEYWORKER:
        keyworker = current_user
    here = {"action": "sessions.book_for", "participant_id": participant.id}
    agreed = (request.args if request.method == "GET" else request.form).get("agreed") == "y"
    if request.method == "GET":
        title = f"Book a session for {participant.name}"
        keyworker_id = keyworker.id if keyworker else None
        return render_slots(participant, keyworker_id, title=title, agreed=agreed, **here)
    form = SlotForm()
    refused = book_slot(form, participant, keyworker, agreed=agreed, **here)
    if refused:
        return refused
    flash(f"Booked {participant.name} for {when(form.booked)}.", "success")
    return redirect(url_for("caseload.record", participant_id=participant.id, _anchor="sessions"))
