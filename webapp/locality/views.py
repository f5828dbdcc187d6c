"""The manager's pages for their locality's set-up: venues and the school calendar."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import delete, select

from webapp.locality import operations, queries
from webapp.locality.forms import (
    CalendarEntryForm,
    CalendarImportForm,
    SchoolDayForm,
    VenueEditForm,
    VenueForm,
)
from webapp.locality.school_calendar import parse_upload
from webapp.models import (
    Role,
    SchoolCalendarEntry,
    Venue,
)
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.policy import allow

bp = Blueprint("locality", __name__)


# The manager's venues and school calendar -------------------------------------------------


def venue_or_404(venue_id: int) -> Venue:
    """A venue of the manager's own locality; any other answers 404."""
    venue = db.session.get(Venue, venue_id)
    if venue is None or venue.locality_id != current_user.locality_id:
        abort(404)
    return venue


@bp.route("/locality/venues", methods=["GET", "POST"])
@allow(Role.MANAGER)
def venues():
    form = VenueForm()
    if form.validate_on_submit():
        db.session.add(
            Venue(
                locality_id=current_user.locality_id,
                name=form.name.data,
                address=form.address.data,
                accessibility_notes=form.accessibility_notes.data or "",
                has_creche=form.has_creche.data,
            )
        )
        db.session.commit()
        flash(f"Added {form.name.data}.", "success")
        return redirect(url_for("locality.venues"))
    every_venue = db.session.scalars(
        select(Venue).where(Venue.locality_id == current_user.locality_id).order_by(Venue.name)
    ).all()
    status = 422 if form.is_submitted() else 200
    return render_template(
        "locality/venues.html",
        form=form,
        venues=[v for v in every_venue if v.is_active],
        stopped=[v for v in every_venue if not v.is_active],
    ), status


@bp.route("/locality/venues/<int:venue_id>", methods=["GET", "POST"])
@allow(Role.MANAGER)
def edit_venue(venue_id: int):
    venue = venue_or_404(venue_id)
    form = VenueEditForm(obj=venue)
    if form.validate_on_submit():
        creche_removed = venue.has_creche and not form.has_creche.data
        venue.name = form.name.data
        venue.address = form.address.data
        venue.accessibility_notes = form.accessibility_notes.data or ""
        venue.has_creche = form.has_creche.data
        db.session.commit()
        if creche_removed:
            flash(
                f"Saved {venue.name}. Holiday and in-service day times there are no longer "
                "offered; sessions already booked are kept.",
                "success",
            )
        else:
            flash(f"Saved {venue.name}.", "success")
        return redirect(url_for("locality.venues"))
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
        operations.set_venue_in_use(db.session, venue, False)
        db.session.commit()
        kept = len(use.sessions) + len(use.groups)
        flash(
            f"Stopped using {venue.name}. No new times are offered there; "
            f"{kept} {'session' if kept == 1 else 'sessions'} already booked there "
            f"{'is' if kept == 1 else 'are'} kept.",
            "success",
        )
        return redirect(url_for("locality.venues"))
    return render_template("locality/venue_stop.html", venue=venue, use=use, form=form)


@bp.route("/locality/venues/<int:venue_id>/use-again", methods=["POST"])
@allow(Role.MANAGER)
def use_venue_again(venue_id: int):
    venue = venue_or_404(venue_id)
    if EmptyForm().validate_on_submit():
        operations.set_venue_in_use(db.session, venue, True)
        db.session.commit()
        flash(f"Using {venue.name} again. Availability there offers times again.", "success")
    return redirect(url_for("locality.venues"))


@bp.route("/locality/school-calendar", methods=["GET", "POST"])
@allow(Role.MANAGER)
def school_calendar():
    locality_id = current_user.locality_id
    day_form = SchoolDayForm(prefix="day")
    entry_form = CalendarEntryForm(prefix="entry")
    status = 200
    if request.method == "GET":
        calendar = queries.school_calendar_or_default(db.session, locality_id)
        day_form.starts_at.data, day_form.ends_at.data = calendar.day_starts, calendar.day_ends
    elif "day-starts_at" in request.form:
        if day_form.validate_on_submit():
            # The calendar is saved only with a valid school day: a refused post stores nothing.
            calendar = operations.ensure_school_calendar(db.session, locality_id)
            calendar.day_starts, calendar.day_ends = day_form.starts_at.data, day_form.ends_at.data
            db.session.commit()
            flash("School day saved.", "success")
            return redirect(url_for("locality.school_calendar"))
        status = 422
    elif entry_form.validate_on_submit():
        db.session.add(
            SchoolCalendarEntry(
                locality_id=locality_id,
                kind=entry_form.kind.data,
                name=entry_form.name.data,
                starts_on=entry_form.starts_on.data,
                ends_on=entry_form.ends_on.data,
            )
        )
        db.session.commit()
        flash(f"Added {entry_form.name.data}.", "success")
        return redirect(url_for("locality.school_calendar"))
    else:
        status = 422
    return render_calendar_page(
        day_form=day_form, entry_form=entry_form, import_form=CalendarImportForm(formdata=None)
    ), status


def render_calendar_page(*, day_form, entry_form, import_form, import_errors=()):
    entries = db.session.scalars(
        select(SchoolCalendarEntry)
        .where(SchoolCalendarEntry.locality_id == current_user.locality_id)
        .order_by(SchoolCalendarEntry.starts_on)
    ).all()
    return render_template(
        "locality/school_calendar.html",
        day_form=day_form,
        entry_form=entry_form,
        import_form=import_form,
        import_errors=import_errors,
        entries=entries,
        remove_form=EmptyForm(),
    )


@bp.route("/locality/school-calendar/import", methods=["POST"])
@allow(Role.MANAGER)
def import_school_calendar():
    form = CalendarImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        result = parse_upload(upload.filename or "", upload.read(200_001))
        if result.ok:
            if form.replace.data:
                db.session.execute(
                    delete(SchoolCalendarEntry).where(
                        SchoolCalendarEntry.locality_id == current_user.locality_id
                    )
                )
            for entry in result.entries:
                db.session.add(
                    SchoolCalendarEntry(
                        locality_id=current_user.locality_id,
                        kind=entry.kind,
                        name=entry.name,
                        starts_on=entry.starts_on,
                        ends_on=entry.ends_on,
                    )
                )
            db.session.commit()
            flash(f"Imported {len(result.entries)} terms, holidays and in-service days.", "success")
            return redirect(url_for("locality.school_calendar"))
        errors = result.errors
    calendar = queries.school_calendar_or_default(db.session, current_user.locality_id)
    day_form = SchoolDayForm(prefix="day", formdata=None)
    day_form.starts_at.data, day_form.ends_at.data = calendar.day_starts, calendar.day_ends
    return render_calendar_page(
        day_form=day_form,
        entry_form=CalendarEntryForm(prefix="entry", formdata=None),
        import_form=form,
        import_errors=errors,
    ), 422


@bp.route("/locality/school-calendar/<int:entry_id>/remove", methods=["POST"])
@allow(Role.MANAGER)
def remove_calendar_entry(entry_id: int):
    entry = db.session.get(SchoolCalendarEntry, entry_id)
    if entry is None or entry.locality_id != current_user.locality_id:
        abort(404)
    if EmptyForm().validate_on_submit():
        db.session.delete(entry)
        db.session.commit()
    return redirect(url_for("locality.school_calendar"))
