"""Pages for group sessions: staff plan, change, cancel and run the group sessions of their
locality; a parent books a place, adds it to their calendar and gives it up."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp import clock
from webapp.groups import operations, queries
from webapp.groups.forms import (
    ATTENDED,
    DID_NOT_ATTEND,
    GroupCancelForm,
    GroupPlaceForm,
    GroupSessionForm,
    attendance_form,
)
from webapp.groups.operations import GroupDetails, GroupProblem
from webapp.models import GroupSession, Role, SessionStatus, utcnow
from webapp.sessions.calendars import group_ics
from webapp.sessions.guard import BookingProblem
from webapp.sessions.slots import LONDON, local_moment
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import allow, can_see_participant, signed_in

bp = Blueprint("groups", __name__)

STAFF = (Role.KEYWORKER, Role.MANAGER)


def when(group: GroupSession) -> str:
    return clock.day_and_time(group.starts_at, "long_day", " at ")


def managed_group_or_404(group_id: int) -> GroupSession:
    """A group session of the signed-in member of staff's own locality; any other is 404."""
    group = queries.group_session(db.session, group_id)
    if group is None or not queries.can_manage(current_user, group):
        abort(404)
    return group


# Staff: the locality's group sessions -------------------------------------------------------


@bp.route("/groups")
@allow(*STAFF)
def index():
    upcoming, recent = queries.groups_for_staff(db.session, current_user.locality_id)
    return render_template("groups/groups.html", upcoming=upcoming, recent=recent)


def group_form(group: GroupSession | None) -> GroupSessionForm:
    """The form with the locality's venues and staff; filled from the group when editing."""
    data = {"creche_places": 0, "led_by_id": current_user.id}
    if group is not None:
        starts, ends = group.starts_at.astimezone(LONDON), group.ends_at.astimezone(LONDON)
        data = {
            "title": group.title,
            "description": group.description,
            "venue_id": group.venue_id or 0,
            "day": starts.date(),
            "starts_at": starts.time(),
            "ends_at": ends.time(),
            "capacity": group.capacity,
            "creche_places": group.creche_places,
            "led_by_id": group.led_by_id or 0,
        }
    form = GroupSessionForm(data=data)
    locality_id = current_user.locality_id
    venues = queries.venue_choices(db.session, locality_id, keep=group.venue_id if group else None)
    form.venue_id.choices = [SelectChoice(0, "No venue: it's online")] + [
        SelectChoice(v.id, f"{v.name} (crèche)" if v.has_creche else v.name) for v in venues
    ]
    leaders = queries.leader_choices(
        db.session, locality_id, keep=group.led_by_id if group else None
    )
    form.led_by_id.choices = [SelectChoice(0, "Nobody yet")] + [
        SelectChoice(u.id, u.name) for u in leaders
    ]
    return form


def details_from(form: GroupSessionForm) -> GroupDetails:
    day = form.day.data
    return GroupDetails(
        title=form.title.data,
        description=form.description.data or "",
        venue_id=form.venue_id.data or None,
        led_by_id=form.led_by_id.data or None,
        starts_at=local_moment(day, form.starts_at.data),
        ends_at=local_moment(day, form.ends_at.data),
        capacity=form.capacity.data,
        creche_places=form.creche_places.data,
    )


def show_problem(form: GroupSessionForm, problem: GroupProblem) -> None:
    """A refusal from the domain, shown by the field it is about (or at the top)."""
    if problem.field:
        form[problem.field].errors.append(problem.message)
    else:
        flash(problem.message, "error")


@bp.route("/groups/new", methods=["GET", "POST"])
@allow(*STAFF)
def new():
    if current_user.locality_id is None:
        abort(404)
    form = group_form(None)
    if form.validate_on_submit():
        with committed(GroupProblem) as saved:
            group = operations.create_group(
                db.session, locality_id=current_user.locality_id, details=details_from(form)
            )
        if not saved.refusal:
            flash(f"Added {group.title} on {when(group)}.", "success")
            return redirect(url_for(".detail", group_id=group.id))
        show_problem(form, saved.refusal)
    status = 422 if form.is_submitted() else 200
    return render_template("groups/group_form.html", form=form, group=None), status


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@allow(*STAFF)
def edit(group_id: int):
    group = managed_group_or_404(group_id)
    if group.is_cancelled:
        flash("This group session was cancelled, so it can't be changed.", "error")
        return redirect(url_for(".detail", group_id=group.id))
    form = group_form(group)
    if form.validate_on_submit():
        was = when(group)
        # Committed before mailing: sending must not hold the group's lock.
        with committed(GroupProblem) as saved:
            moved = operations.update_group(db.session, group=group, details=details_from(form))
        if not saved.refusal:
            told_them = tell_moved(group, was) if moved else ""
            flash(f"Saved {group.title}.{told_them}", "success")
            return redirect(url_for(".detail", group_id=group.id))
        show_problem(form, saved.refusal)
    status = 422 if form.is_submitted() else 200
    return render_template("groups/group_form.html", form=form, group=group), status


def tell_moved(group: GroupSession, was: str) -> str:
    """Email the parents with a place the new time; the end of the flash message."""
    with committed():
        not_told = operations.tell_attendees(
            db.session,
            queries.booked_attendees(db.session, group.id),
            group=group,
            subject=f"New time: {group.title} is now on {when(group)}",
            template="mail/group_moved.txt",
            was=was,
        )
    return told(not_told, "the new time")


def told(not_emailed, what: str) -> str:
    """The end of a flash message: who still needs telling, since they have no email."""
    if not not_emailed:
        return ""
    names = ", ".join(parent.name for parent in not_emailed)
    return f" These parents have no email address, so please tell them {what}: {names}."


@bp.route("/groups/<int:group_id>")
@allow(*STAFF)
def detail(group_id: int):
    group = managed_group_or_404(group_id)
    return render_group(group)


def render_group(group: GroupSession, attendees=None, form=None):
    """The group's page: its places, who's coming and, once it has started, who came."""
    if attendees is None:
        attendees = queries.booked_attendees(db.session, group.id)
    form = form or attendance_form(attendees, formdata=None)
    return render_template(
        "groups/group.html",
        group=group,
        attendees=attendees,
        places=queries.GroupPlaces(
            group, len(attendees), sum(a.creche_children for a in attendees)
        ),
        on_record={a.id for a in attendees if can_see_participant(current_user, a.participant)},
        started=group.starts_at <= utcnow(),
        form=form,
        fields={a.id: form[f"attendee_{a.id}"] for a in attendees},
    )


@bp.route("/groups/<int:group_id>/attendance", methods=["POST"])
@allow(*STAFF)
def attendance(group_id: int):
    group = managed_group_or_404(group_id)
    attendees = queries.booked_attendees(db.session, group.id)
    form = attendance_form(attendees)
    if not form.validate_on_submit():
        return render_group(group, attendees, form), 422
    with committed(GroupProblem) as saved:
        marked = operations.mark_group_attendance(
            db.session, group=group, marks=attendance_marks(form, attendees)
        )
    if saved.refusal:
        flash(saved.refusal.message, "error")
    elif marked:
        flash(f"Attendance saved for {marked} of {len(attendees)} parents.", "success")
    else:
        flash("Nothing saved: choose attended or did not attend for each parent.", "error")
    return redirect(url_for(".detail", group_id=group.id))


def attendance_marks(form, attendees) -> dict[int, bool]:
    """{place id: attended} for each parent answered; the unanswered are left as they are."""
    answers = {a.id: form[f"attendee_{a.id}"].data for a in attendees}
    return {
        place_id: answer == ATTENDED
        for place_id, answer in answers.items()
        if answer in (ATTENDED, DID_NOT_ATTEND)
    }


@bp.route("/groups/<int:group_id>/cancel", methods=["GET", "POST"])
@allow(*STAFF)
def cancel(group_id: int):
    group = managed_group_or_404(group_id)
    refusal = operations.why_not_cancel(group)
    if refusal:
        flash(refusal, "error")
        return redirect(url_for(".detail", group_id=group.id))
    form = GroupCancelForm()
    if form.validate_on_submit():
        # Committed before mailing: sending must not hold the group's lock.
        with committed(GroupProblem) as saved:
            operations.cancel_group(db.session, group=group, reason=form.reason.data)
        if saved.refusal:
            flash(saved.refusal.message, "error")
            return redirect(url_for(".detail", group_id=group.id))
        flash(tell_cancelled(group, form.reason.data), "success")
        return redirect(url_for(".index"))
    status = 422 if form.is_submitted() else 200
    places = len(queries.booked_attendees(db.session, group.id))
    return render_template(
        "groups/group_cancel.html", group=group, form=form, places=places
    ), status


def tell_cancelled(group: GroupSession, reason: str) -> str:
    """Email the parents with a place that it's cancelled; the flash message saying so."""
    attendees = queries.booked_attendees(db.session, group.id)
    with committed():
        not_told = operations.tell_attendees(
            db.session,
            attendees,
            group=group,
            subject=f"Cancelled: {group.title} on {when(group)}",
            template="mail/group_cancelled.txt",
            reason=reason,
        )
    emailed = len(attendees) - len(not_told)
    return (
        f"Cancelled {group.title} on {when(group)}. We emailed {emailed} of "
        f"{len(attendees)} parents with a place." + told(not_told, "it's cancelled")
    )


# Parents: a place at a group session ----------------------------------------------------------


@bp.route("/sessions/groups/<int:group_id>/book", methods=["POST"])
@allow(Role.PARTICIPANT)
def book(group_id: int):
    form = GroupPlaceForm()
    if not form.validate_on_submit():
        errors = form.creche_children.errors
        flash(errors[0] if errors else "Try again.", "error")
        return redirect(url_for("sessions.my_sessions"))
    with committed(BookingProblem) as saved:
        operations.book_group_place(
            db.session,
            group_id=group_id,
            participant=current_user,
            creche_children=form.creche_children.data,
        )
    if saved.refusal:
        flash(saved.refusal.message, "error")
    else:
        flash("Your place is booked.", "success")
    return redirect(url_for("sessions.my_sessions"))


@bp.route("/sessions/groups/<int:group_id>/cancel", methods=["GET", "POST"])
@allow(Role.PARTICIPANT)
def cancel_place(group_id: int):
    place = queries.place_for(db.session, group_id=group_id, participant_id=current_user.id)
    if place is None or place.status != SessionStatus.BOOKED or place.group_session.is_cancelled:
        abort(404)
    group = place.group_session
    form = EmptyForm()
    if form.validate_on_submit():
        with committed(BookingProblem) as saved:
            operations.cancel_group_place(db.session, attendee=place)
        if saved.refusal:
            flash(saved.refusal.message, "error")
        else:
            flash(f"You've given up your place at {group.title}. Thanks for telling us.", "success")
        return redirect(url_for("sessions.my_sessions"))
    return render_template("groups/group_place_cancel.html", place=place, group=group, form=form)


@bp.route("/sessions/groups/<int:group_id>/calendar.ics")
@signed_in
def calendar(group_id: int):
    """The group session as a calendar file: a parent's own place, or for staff running it."""
    group = queries.group_session(db.session, group_id)
    if group is None:
        abort(404)
    cancelled = cancelled_for_viewer(group)
    return Response(
        group_ics(group, cancelled=cancelled, stamp=utcnow()),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="coplan-group-{group.id}.ics"'},
    )


def cancelled_for_viewer(group: GroupSession) -> bool:
    """Whether the group is off for whoever asks: a parent's own place (given up or not), or
    staff who run it or an admin; anyone else answers 404."""
    if current_user.role == Role.PARTICIPANT:
        place = queries.place_for(db.session, group_id=group.id, participant_id=current_user.id)
        if place is None:
            abort(404)
        return group.is_cancelled or place.status == SessionStatus.CANCELLED
    if current_user.role != Role.ADMIN and not queries.can_manage(current_user, group):
        abort(404)
    return group.is_cancelled
