"""The manager's pages for their locality's set-up: its venues and its school calendar."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.locality import operations, queries
from webapp.locality.forms import (
    CalendarEntryForm,
    CalendarImportForm,
    ConfirmCalendarForm,
    LocalityForm,
    LocalityRulesForm,
    SchoolDayForm,
    VenueEditForm,
    VenueForm,
)
from webapp.locality.school_calendar import MAX_IMPORT_BYTES, parse_upload
from webapp.models import Role, Venue
from webapp.sessions.limits import service_limits
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import allow

bp = Blueprint("locality", __name__)

CRECHE_REMOVED = (
    " Holiday and in-service day times there are no longer offered; sessions already booked"
    " are kept."
)


def venue_or_404(venue_id: int) -> Venue:
    """A venue of the manager's own locality; any other answers 404."""
    venue = queries.venue_in(db.session, venue_id, current_user.locality_id)
    if venue is None:
        abort(404)
    return venue


def venue_details(form: VenueForm) -> dict:
    return {
        "name": form.name.data,
        "address": form.address.data,
        "accessibility_notes": form.accessibility_notes.data or "",
        "has_creche": form.has_creche.data,
    }


@bp.route("/locality/venues", methods=["GET", "POST"])
@allow(Role.MANAGER)
def venues():
    form = VenueForm()
    if form.validate_on_submit():
        with committed(operations.VenueTaken) as added:
            operations.add_venue(
                db.session, locality_id=current_user.locality_id, **venue_details(form)
            )
        if not added.refusal:
            flash(f"Added {form.name.data}.", "success")
            return redirect(url_for("locality.venues"))
        form.name.errors.append(added.refusal.message)
    status = 422 if form.is_submitted() else 200
    return render_venues(form), status


def render_venues(form: VenueForm):
    every_venue = queries.venues_of(db.session, current_user.locality_id)
    return render_template(
        "locality/venues.html",
        form=form,
        venues=[v for v in every_venue if v.is_active],
        stopped=[v for v in every_venue if not v.is_active],
    )


@bp.route("/locality/venues/<int:venue_id>", methods=["GET", "POST"])
@allow(Role.MANAGER)
def edit_venue(venue_id: int):
    venue = venue_or_404(venue_id)
    form = VenueEditForm(obj=venue)
    if form.validate_on_submit():
        with committed(operations.VenueTaken) as saved:
            creche_removed = operations.edit_venue(db.session, venue, **venue_details(form))
        if not saved.refusal:
            flash(f"Saved {venue.name}.{CRECHE_REMOVED if creche_removed else ''}", "success")
            return redirect(url_for("locality.venues"))
        form.name.errors.append(saved.refusal.message)
    status = 422 if form.is_submitted() else 200
    return render_template("locality/venue_edit.html", venue=venue, form=form), status


@bp.route("/locality/venues/<int:venue_id>/stop", methods=["GET", "POST"])
@allow(Role.MANAGER)
def stop_venue(venue_id: int):
    venue = venue_or_404(venue_id)
    if not venue.is_active:
        return redirect(url_for("locality.venues"))
    form = EmptyForm()
    use = queries.venue_use(db.session, venue)
    if form.validate_on_submit():
        with committed():
            operations.set_venue_in_use(db.session, venue, False)
        flash(stopped_message(venue, use), "success")
        return redirect(url_for("locality.venues"))
    return render_template("locality/venue_stop.html", venue=venue, use=use, form=form)


def stopped_message(venue: Venue, use: queries.VenueUse) -> str:
    kept = len(use.sessions) + len(use.groups)
    return (
        f"Stopped using {venue.name}. No new times are offered there; "
        f"{kept} {'session' if kept == 1 else 'sessions'} already booked there "
        f"{'is' if kept == 1 else 'are'} kept."
    )


@bp.route("/locality/venues/<int:venue_id>/use-again", methods=["POST"])
@allow(Role.MANAGER)
def use_venue_again(venue_id: int):
    venue = venue_or_404(venue_id)
    if EmptyForm().validate_on_submit():
        with committed():
            operations.set_venue_in_use(db.session, venue, True)
        flash(f"Using {venue.name} again. Availability there offers times again.", "success")
    return redirect(url_for("locality.venues"))


def saved_day_form(**kwargs) -> SchoolDayForm:
    """The school day form showing what is saved (or the usual day, never written by looking)."""
    calendar = queries.school_calendar_or_default(db.session, current_user.locality_id)
    form = SchoolDayForm(prefix="day", **kwargs)
    form.starts_at.data, form.ends_at.data = calendar.day_starts, calendar.day_ends
    return form


@bp.route("/locality/school-calendar", methods=["GET", "POST"])
@allow(Role.MANAGER)
def school_calendar():
    if request.method == "GET":
        return render_calendar_page(day_form=saved_day_form())
    if "day-starts_at" in request.form:
        return save_school_day()
    entry_form = CalendarEntryForm(prefix="entry")
    if not entry_form.validate_on_submit():
        return render_calendar_page(
            day_form=SchoolDayForm(prefix="day"), entry_form=entry_form
        ), 422
    with committed():
        operations.add_calendar_entry(
            db.session,
            locality_id=current_user.locality_id,
            kind=entry_form.kind.data,
            name=entry_form.name.data,
            starts_on=entry_form.starts_on.data,
            ends_on=entry_form.ends_on.data,
        )
    flash(f"Added {entry_form.name.data}.", "success")
    return redirect(url_for("locality.school_calendar"))


def save_school_day():
    """The school day part of the calendar page; a refused post stores nothing."""
    day_form = SchoolDayForm(prefix="day")
    if not day_form.validate_on_submit():
        return render_calendar_page(day_form=day_form), 422
    with committed():
        operations.set_school_day(
            db.session,
            current_user.locality_id,
            starts=day_form.starts_at.data,
            ends=day_form.ends_at.data,
        )
    flash("School day saved.", "success")
    return redirect(url_for("locality.school_calendar"))


def render_calendar_page(*, day_form, entry_form=None, import_form=None, import_errors=()):
    return render_template(
        "locality/school_calendar.html",
        day_form=day_form,
        entry_form=entry_form or CalendarEntryForm(prefix="entry"),
        import_form=import_form or CalendarImportForm(formdata=None),
        import_errors=import_errors,
        entries=queries.calendar_entries(db.session, current_user.locality_id),
        remove_form=EmptyForm(),
    )


@bp.route("/locality/school-calendar/import", methods=["POST"])
@allow(Role.MANAGER)
def import_school_calendar():
    form = CalendarImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        result = parse_upload(upload.filename or "", upload.read(MAX_IMPORT_BYTES + 1))
        if result.ok:
            rows = [{**vars(e), "kind": e.kind.value} for e in result.entries]
            return confirm_page(ConfirmCalendarForm(formdata=None, data={"entries": rows}))
        errors = result.errors
    return render_calendar_page(
        day_form=saved_day_form(formdata=None),
        entry_form=CalendarEntryForm(prefix="entry", formdata=None),
        import_form=form,
        import_errors=errors,
    ), 422


def confirm_page(form: ConfirmCalendarForm):
    """What was read from the file, each entry's kind to confirm, and what replacing deletes."""
    return render_template(
        "locality/calendar_confirm.html",
        form=form,
        here=queries.calendar_entries(db.session, current_user.locality_id),
    ), 422 if form.errors else 200


@bp.route("/locality/school-calendar/import/confirm", methods=["POST"])
@allow(Role.MANAGER)
def confirm_school_calendar():
    form = ConfirmCalendarForm()
    if not form.validate_on_submit() or not form.entries.entries:
        form.entries.errors = [*form.entries.errors, "Nothing to import: choose the file again."]
        return confirm_page(form)
    with committed():
        operations.import_calendar(
            db.session,
            locality_id=current_user.locality_id,
            entries=form.parsed(),
            replace=form.replace.data,
        )
    done = "Replaced with" if form.replace.data else "Added"
    flash(f"{done} {len(form.entries)} terms, holidays and in-service days.", "success")
    return redirect(url_for("locality.school_calendar"))


@bp.route("/locality/school-calendar/<int:entry_id>/remove", methods=["POST"])
@allow(Role.MANAGER)
def remove_calendar_entry(entry_id: int):
    entry = queries.calendar_entry_in(db.session, entry_id, current_user.locality_id)
    if entry is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        with committed():
            operations.remove_calendar_entry(db.session, entry)
    return redirect(url_for("locality.school_calendar"))


# Localities and their rules -----------------------------------------------------------------


@bp.route("/localities", methods=["GET", "POST"])
@allow(Role.ADMIN)
def localities():
    form = LocalityForm()
    if form.validate_on_submit():
        with committed(operations.NameTaken) as made:
            locality = operations.create_locality(db.session, name=form.name.data)
        if not made.refusal:
            flash(f"{locality.name} added. Set its rules now.", "success")
            return redirect(url_for("locality.rules", locality_id=locality.id))
        form.name.errors.append("There is a locality with this name already.")
    return render_template(
        "locality/localities.html", form=form, localities=queries.all_localities(db.session)
    ), 422 if form.errors else 200


@bp.route("/localities/<int:locality_id>", methods=["GET", "POST"])
@allow(Role.MANAGER, Role.ADMIN)
def rules(locality_id: int):
    locality = queries.locality_or_404(db.session, current_user, locality_id)
    form = LocalityRulesForm(obj=None if request.method == "POST" else rules_shown(locality))
    if form.validate_on_submit():
        with committed(operations.NameTaken) as saved:
            operations.save_rules(db.session, locality=locality, **form.rules())
        if not saved.refusal:
            flash(f"{locality.name}'s rules are saved.", "success")
            return redirect(url_for("locality.rules", locality_id=locality.id))
        form.name.errors.append("There is a locality with this name already.")
    return render_template(
        "locality/rules.html", form=form, locality=locality
    ), 422 if form.errors else 200


def rules_shown(locality):
    """The locality's rules for the form: its own, or the service's defaults where unset."""
    limits = service_limits(locality)
    return SimpleNamespace(
        name=locality.name,
        min_notice_hours=int(limits.min_notice.total_seconds() // 3600),
        horizon_days=limits.horizon.days,
        travel_minutes=int(limits.travel.total_seconds() // 60),
        phone=locality.phone,
        opening_hours=locality.opening_hours,
    )
