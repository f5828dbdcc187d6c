"""Pages for booking sessions around school hours: the parent's sessions, the keyworker's
diary, and the manager's venues and school calendar."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from webapp import clock
from webapp.bookings import groups, operations
from webapp.bookings.calendars import feed_ics, session_ics
from webapp.bookings.forms import (
    WEEKDAYS,
    AvailabilityRuleForm,
    CalendarEntryForm,
    CalendarImportForm,
    CancelForm,
    FreeWindowForm,
    SchoolDayForm,
    SessionTimingForm,
    SlotForm,
    TimeOffForm,
    VenueEditForm,
    VenueForm,
)
from webapp.bookings.group_views import bp as groups_bp
from webapp.bookings.operations import BookingProblem, SlotNotOffered, SlotTaken
from webapp.bookings.school_calendar import parse_upload
from webapp.bookings.slots import LONDON, SearchLimits, Slot, local_moment
from webapp.models import (
    AvailabilityRule,
    BookedSession,
    FreeWindow,
    Role,
    SchoolCalendarEntry,
    SessionMode,
    SessionStatus,
    TimeOff,
    User,
    Venue,
    utcnow,
)
from webapp.services.push import push_enabled
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.policy import allow, participant_or_404, public, signed_in, staff_only

bp = Blueprint("bookings", __name__)
bp.register_blueprint(groups_bp)


def search_limits() -> SearchLimits:
    """The notice, horizon and travel buffer, configurable per service."""
    config = current_app.config
    return SearchLimits(
        min_notice=timedelta(hours=config.get("BOOKING_MIN_NOTICE_HOURS", 24)),
        horizon=timedelta(days=config.get("BOOKING_HORIZON_DAYS", 42)),
        travel=timedelta(minutes=config.get("BOOKING_TRAVEL_MINUTES", 30)),
    )


def booking_or_404(session_id: int) -> BookedSession:
    """A session the current person may see: their own, or one in a staff member's scope."""
    booking = db.session.get(BookedSession, session_id)
    if booking is None:
        abort(404)
    if current_user.role == Role.PARTICIPANT:
        if booking.participant_id != current_user.id:
            abort(404)
    else:
        participant_or_404(booking.participant_id)
    return booking


def venues_by_id(slots) -> dict[int, Venue]:
    ids = {slot.venue_id for slot in slots if slot.venue_id}
    if not ids:
        return {}
    return {v.id: v for v in db.session.scalars(select(Venue).where(Venue.id.in_(ids)))}


def slots_by_day(slots: list[Slot]) -> list[tuple[date, list[Slot]]]:
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[slot.starts_at.astimezone(LONDON).date()].append(slot)
    return sorted(days.items())


def week_slots(participant: User, keyworker_id: int, week: int, ignore: int | None = None):
    """One week of offered slots (week 0 starts now) and whether later weeks exist."""
    now = utcnow()
    limits = search_limits()
    start = now + timedelta(weeks=week)
    weeks = max(1, -(-limits.horizon.days // 7))
    slots = operations.search_slots(
        db.session,
        participant=participant,
        keyworker_ids=[keyworker_id],
        now=now,
        limits=limits,
        on_or_after=start,
        before=start + timedelta(weeks=1),
        ignore_session_id=ignore,
    )
    return slots, week + 1 < weeks


def render_slots(
    participant: User,
    keyworker_id: int | None,
    *,
    action: str,
    title: str,
    moving: BookedSession | None = None,
    **action_values,
):
    week = max(0, min(request.args.get("week", 0, type=int), 6))
    slots, more = (
        week_slots(participant, keyworker_id, week, moving.id if moving else None)
        if keyworker_id
        else ([], False)
    )
    return render_template(
        "bookings/find_time.html",
        title=title,
        participant=participant,
        days=slots_by_day(slots),
        venues=venues_by_id(slots),
        week=week,
        more=more,
        action=url_for(action, **action_values),
        moving=moving,
        has_keyworker=keyworker_id is not None,
    )


def answer_problem(problem: BookingProblem, participant: User, *, action: str, **action_values):
    """A refused booking: 409 with the nearest free times, or 422 when the time isn't offered."""
    db.session.rollback()
    alternatives = problem.alternatives if isinstance(problem, SlotTaken) else []
    status = 409 if isinstance(problem, SlotTaken) else 422
    return render_template(
        "bookings/problem.html",
        message=problem.message,
        participant=participant,
        alternatives=alternatives,
        venues=venues_by_id(alternatives),
        action=url_for(action, **action_values),
        back=request.referrer if request.referrer else url_for("home.index"),
    ), status


# The parent's pages -----------------------------------------------------------------------


@bp.route("/sessions")
@allow(Role.PARTICIPANT)
def my_sessions():
    now = utcnow()
    bookings = db.session.scalars(
        select(BookedSession)
        .where(BookedSession.participant_id == current_user.id)
        .options(selectinload(BookedSession.venue), selectinload(BookedSession.keyworker))
        .order_by(BookedSession.starts_at)
    ).all()
    upcoming = [b for b in bookings if b.ends_at >= now and b.status == SessionStatus.BOOKED]
    past = [b for b in bookings if b not in upcoming][-10:]
    going, others = groups.groups_for_parent(db.session, current_user, now)
    # One list in time order: one-to-one sessions and the group sessions they have a place at.
    coming_up = sorted(
        [("session", b.starts_at, b) for b in upcoming]
        + [("group", g.group.starts_at, g) for g in going],
        key=lambda item: item[1],
    )
    # And what went before, both kinds together, latest first.
    before = sorted(
        [("session", b.starts_at, b) for b in past]
        + [
            ("group", p.group_session.starts_at, p)
            for p in groups.past_group_places(db.session, current_user, now)
        ],
        key=lambda item: item[1],
        reverse=True,
    )[:10]
    return render_template(
        "bookings/my_sessions.html",
        coming_up=[(kind, item) for kind, _, item in coming_up],
        past=[(kind, item) for kind, _, item in before],
        groups=others,
        now=now,
        form=EmptyForm(),
        push_key=current_app.config["VAPID_PUBLIC_KEY"] if push_enabled() else None,
    )


@bp.route("/sessions/find")
@allow(Role.PARTICIPANT)
def find_time():
    profile = current_user.profile
    return render_slots(
        current_user,
        profile.keyworker_id if profile else None,
        action="bookings.book",
        title="Find a time",
    )


@bp.route("/sessions/book", methods=["POST"])
@allow(Role.PARTICIPANT)
def book():
    form = SlotForm()
    profile = current_user.profile
    if not form.validate_on_submit() or profile is None or profile.keyworker_id is None:
        return answer_problem(
            SlotNotOffered("Choose a time from the list."), current_user, action="bookings.book"
        )
    try:
        booking = operations.book_session(
            db.session,
            participant=current_user,
            keyworker=db.session.get(User, profile.keyworker_id),
            starts_at=form.moment,
            mode=SessionMode(form.mode.data),
            venue_id=form.venue,
            booked_by=current_user,
            limits=search_limits(),
        )
    except BookingProblem as problem:
        return answer_problem(problem, current_user, action="bookings.book")
    db.session.commit()
    flash(f"Booked: {when(booking)}.", "success")
    return redirect(url_for("bookings.my_sessions"))


def when(booking: BookedSession) -> str:
    return clock.day_and_time(booking.starts_at, "long_day", " at ")


@bp.route("/sessions/<int:session_id>/move", methods=["GET", "POST"])
@signed_in
def reschedule(session_id: int):
    booking = booking_or_404(session_id)
    participant = booking.participant
    if booking.status != SessionStatus.BOOKED:
        abort(404)
    if request.method == "GET":
        return render_slots(
            participant,
            booking.keyworker_id,
            action="bookings.reschedule",
            title="Move your session" if current_user.id == participant.id else "Move session",
            moving=booking,
            session_id=booking.id,
        )
    form = SlotForm()
    if not form.validate_on_submit():
        return answer_problem(
            SlotNotOffered("Choose a time from the list."),
            participant,
            action="bookings.reschedule",
            session_id=booking.id,
        )
    try:
        operations.reschedule_session(
            db.session,
            booking=booking,
            starts_at=form.moment,
            mode=SessionMode(form.mode.data),
            venue_id=form.venue,
            limits=search_limits(),
        )
    except BookingProblem as problem:
        return answer_problem(
            problem, participant, action="bookings.reschedule", session_id=booking.id
        )
    db.session.commit()
    flash(f"Moved to {when(booking)}.", "success")
    return redirect(after_change(booking))


def after_change(booking: BookedSession) -> str:
    if current_user.role == Role.PARTICIPANT:
        return url_for("bookings.my_sessions")
    return url_for("bookings.diary")


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel(session_id: int):
    booking = booking_or_404(session_id)
    if booking.status != SessionStatus.BOOKED:
        abort(404)
    form = CancelForm()
    if form.validate_on_submit():
        operations.cancel_session(db.session, booking=booking, reason=form.reason.data)
        db.session.commit()
        whose = "your" if current_user.id == booking.participant_id else "the"
        flash(f"Cancelled {whose} session on {when(booking)}.", "success")
        return redirect(after_change(booking))
    status = 422 if form.is_submitted() else 200
    return render_template("bookings/cancel.html", booking=booking, form=form), status


@bp.route("/sessions/<int:session_id>/calendar.ics")
@signed_in
def session_calendar(session_id: int):
    booking = booking_or_404(session_id)
    body = session_ics(booking, for_staff=current_user.is_staff, stamp=utcnow())
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="coplan-session-{booking.id}.ics"'},
    )


@bp.route("/sessions/calendar-feed", methods=["POST"])
@signed_in
def calendar_feed():
    form = EmptyForm()
    action = request.form.get("action")
    if not form.validate_on_submit() or action not in ("new", "stop"):
        abort(400)
    if action == "stop":
        operations.revoke_feed_tokens(db.session, current_user)
        db.session.commit()
        flash("Your calendar link no longer works. Make a new one whenever you like.", "success")
        return redirect(request.referrer or url_for("home.index"))
    token = operations.issue_feed_token(db.session, current_user)
    db.session.commit()
    return render_template(
        "bookings/feed_link.html", url=url_for("bookings.feed", token=token, _external=True)
    )


@bp.route("/calendar/<token>.ics")
@public
def feed(token: str):
    user = operations.user_for_feed_token(db.session, token)
    if user is None or not user.is_active:
        abort(404)
    column = (
        BookedSession.participant_id
        if user.role == Role.PARTICIPANT
        else BookedSession.keyworker_id
    )
    bookings = db.session.scalars(
        select(BookedSession)
        .where(column == user.id, BookedSession.starts_at >= utcnow() - timedelta(days=30))
        .options(
            selectinload(BookedSession.venue),
            selectinload(BookedSession.keyworker),
            selectinload(BookedSession.participant),
        )
        .order_by(BookedSession.starts_at)
    ).all()
    body = feed_ics(
        bookings,
        for_staff=user.is_staff,
        stamp=utcnow(),
        name="CoPlan sessions",
        groups=groups.feed_groups(db.session, user, since=utcnow() - timedelta(days=30)),
    )
    return Response(
        body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"}
    )


@bp.route("/sessions/when-im-free", methods=["GET", "POST"])
@allow(Role.PARTICIPANT)
def free_windows():
    form = FreeWindowForm()
    if form.validate_on_submit():
        db.session.add(
            FreeWindow(
                participant_id=current_user.id,
                weekday=form.weekday.data,
                starts_at=form.starts_at.data,
                ends_at=form.ends_at.data,
            )
        )
        db.session.commit()
        flash("Added. We'll only offer times that fit.", "success")
        return redirect(url_for("bookings.free_windows"))
    windows = db.session.scalars(
        select(FreeWindow)
        .where(FreeWindow.participant_id == current_user.id)
        .order_by(FreeWindow.weekday, FreeWindow.starts_at)
    ).all()
    terms = operations.school_terms(db.session, current_user.locality_id)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "bookings/free_windows.html",
        form=form,
        windows=windows,
        terms=terms,
        weekdays=WEEKDAYS,
        remove_form=EmptyForm(),
    ), status


@bp.route("/sessions/when-im-free/<int:window_id>/remove", methods=["POST"])
@allow(Role.PARTICIPANT)
def remove_window(window_id: int):
    return remove_own(FreeWindow, window_id, "participant_id", "Removed.", "bookings.free_windows")


def remove_own(model, row_id: int, owner: str, done: str | None, back: str):
    """Delete one of the signed-in person's own rows (someone else's answers 404), then go back."""
    row = db.session.get(model, row_id)
    if row is None or getattr(row, owner) != current_user.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        db.session.delete(row)
        db.session.commit()
        if done:
            flash(done, "success")
    return redirect(url_for(back))


# The keyworker's diary ----------------------------------------------------------------------


@bp.route("/diary")
@allow(Role.KEYWORKER)
def diary():
    now = utcnow()
    bookings = db.session.scalars(
        select(BookedSession)
        .where(
            BookedSession.keyworker_id == current_user.id,
            BookedSession.starts_at >= now - timedelta(days=14),
            BookedSession.status != SessionStatus.CANCELLED,
        )
        .options(selectinload(BookedSession.participant), selectinload(BookedSession.venue))
        .order_by(BookedSession.starts_at)
    ).all()
    to_mark = [b for b in bookings if b.starts_at <= now and b.status == SessionStatus.BOOKED]
    upcoming = [b for b in bookings if b.starts_at > now]
    return render_template(
        "bookings/diary.html", to_mark=to_mark, upcoming=upcoming, form=EmptyForm()
    )


@bp.route("/sessions/<int:session_id>/attendance", methods=["POST"])
@staff_only
def attendance(session_id: int):
    booking = booking_or_404(session_id)
    if EmptyForm().validate_on_submit():
        try:
            operations.mark_attendance(
                db.session, booking=booking, attended=request.form.get("attended") == "yes"
            )
        except BookingProblem as problem:
            db.session.rollback()
            flash(problem.message, "error")
        else:
            db.session.commit()
            flash(f"{booking.participant.name}: {booking.status.label.lower()}.", "success")
    return redirect(url_for("bookings.diary"))


def availability_rule_form(*, blank: bool) -> AvailabilityRuleForm:
    """The add-availability form with the locality's venues in use; a blank one is prefilled."""
    form = AvailabilityRuleForm(formdata=None) if blank else AvailabilityRuleForm()
    venues = locality_venues(current_user.locality_id)
    form.venue_id.choices = [SelectChoice(0, "No venue (phone, video or home visit)")] + [
        SelectChoice(v.id, v.name) for v in venues
    ]
    if blank:
        form.valid_from.data = utcnow().astimezone(LONDON).date()
        form.starts_at.data, form.ends_at.data = time(9, 30), time(14, 30)
    return form


def saved_timing_form() -> SessionTimingForm:
    """The session length form showing what is saved (looking never writes the defaults)."""
    settings = operations.keyworker_settings_or_default(db.session, current_user.id)
    return SessionTimingForm(formdata=None, obj=settings)


@bp.route("/diary/availability", methods=["GET", "POST"])
@allow(Role.KEYWORKER)
def availability():
    form = availability_rule_form(blank=request.method == "GET")
    if form.validate_on_submit():
        db.session.add(
            AvailabilityRule(
                keyworker_id=current_user.id,
                weekday=form.weekday.data,
                starts_at=form.starts_at.data,
                ends_at=form.ends_at.data,
                mode=SessionMode(form.mode.data),
                venue_id=form.venue_id.data or None,
                valid_from=form.valid_from.data,
                valid_until=form.valid_until.data,
            )
        )
        db.session.commit()
        flash("Availability added.", "success")
        return redirect(url_for("bookings.availability"))
    status = 422 if form.is_submitted() else 200
    return render_availability(form=form, timing_form=saved_timing_form()), status


def render_availability(*, form: AvailabilityRuleForm, timing_form: SessionTimingForm):
    rules = db.session.scalars(
        select(AvailabilityRule)
        .where(AvailabilityRule.keyworker_id == current_user.id)
        .options(selectinload(AvailabilityRule.venue))
        .order_by(AvailabilityRule.weekday, AvailabilityRule.starts_at)
    ).all()
    time_off = db.session.scalars(
        select(TimeOff)
        .where(TimeOff.keyworker_id == current_user.id, TimeOff.ends_at >= utcnow())
        .order_by(TimeOff.starts_at)
    ).all()
    return render_template(
        "bookings/availability.html",
        form=form,
        timing_form=timing_form,
        rules=rules,
        time_off=time_off,
        time_off_form=TimeOffForm(formdata=None),
        remove_form=EmptyForm(),
        weekdays=WEEKDAYS,
    )


@bp.route("/diary/session-length", methods=["POST"])
@allow(Role.KEYWORKER)
def session_timing():
    form = SessionTimingForm()
    if form.validate_on_submit():
        operations.set_session_timing(
            db.session,
            keyworker=current_user,
            session_minutes=form.session_minutes.data,
            buffer_minutes=form.buffer_minutes.data,
        )
        db.session.commit()
        gap = f"{form.buffer_minutes.data} minutes" if form.buffer_minutes.data else "no gap"
        flash(
            f"Saved: {form.session_minutes.data}-minute sessions with {gap} between them. "
            "Sessions already booked stay as they are.",
            "success",
        )
        return redirect(url_for("bookings.availability"))
    return render_availability(form=availability_rule_form(blank=True), timing_form=form), 422


@bp.route("/diary/availability/<int:rule_id>/remove", methods=["POST"])
@allow(Role.KEYWORKER)
def remove_rule(rule_id: int):
    return remove_own(
        AvailabilityRule,
        rule_id,
        "keyworker_id",
        "Availability removed. Sessions already booked are kept.",
        "bookings.availability",
    )


@bp.route("/diary/time-off", methods=["POST"])
@allow(Role.KEYWORKER)
def time_off():
    form = TimeOffForm()
    if form.validate_on_submit():
        db.session.add(
            TimeOff(
                keyworker_id=current_user.id,
                starts_at=local_moment(form.starts_on.data, time(0)),
                ends_at=local_moment(form.ends_on.data + timedelta(days=1), time(0)),
                reason=form.reason.data or "",
            )
        )
        db.session.commit()
        flash("Time off added. No new sessions will be offered then.", "success")
        return redirect(url_for("bookings.availability"))
    for field in form:
        for error in field.errors:
            flash(error, "error")
    return redirect(url_for("bookings.availability"))


@bp.route("/diary/time-off/<int:time_off_id>/remove", methods=["POST"])
@allow(Role.KEYWORKER)
def remove_time_off(time_off_id: int):
    return remove_own(
        TimeOff, time_off_id, "keyworker_id", "Time off removed.", "bookings.availability"
    )


@bp.route("/people/<int:participant_id>/book", methods=["GET", "POST"])
@staff_only
def book_for(participant_id: int):
    participant = participant_or_404(participant_id)
    keyworker_id = participant.profile.keyworker_id if participant.profile else None
    if current_user.role == Role.KEYWORKER:
        keyworker_id = current_user.id
    if request.method == "GET":
        return render_slots(
            participant,
            keyworker_id,
            action="bookings.book_for",
            title=f"Book a session for {participant.name}",
            participant_id=participant.id,
        )
    form = SlotForm()
    if not form.validate_on_submit() or keyworker_id is None:
        return answer_problem(
            SlotNotOffered("Choose a time from the list."),
            participant,
            action="bookings.book_for",
            participant_id=participant.id,
        )
    try:
        booking = operations.book_session(
            db.session,
            participant=participant,
            keyworker=db.session.get(User, keyworker_id),
            starts_at=form.moment,
            mode=SessionMode(form.mode.data),
            venue_id=form.venue,
            booked_by=current_user,
            limits=search_limits(),
        )
    except BookingProblem as problem:
        return answer_problem(
            problem, participant, action="bookings.book_for", participant_id=participant.id
        )
    db.session.commit()
    flash(f"Booked {participant.name} for {when(booking)}.", "success")
    return redirect(url_for("bookings.diary"))


# The manager's venues and school calendar -------------------------------------------------


def locality_venues(locality_id: int | None) -> list[Venue]:
    return list(
        db.session.scalars(
            select(Venue)
            .where(Venue.locality_id == locality_id, Venue.is_active.is_(True))
            .order_by(Venue.name)
        )
    )


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
        return redirect(url_for("bookings.venues"))
    every_venue = db.session.scalars(
        select(Venue).where(Venue.locality_id == current_user.locality_id).order_by(Venue.name)
    ).all()
    status = 422 if form.is_submitted() else 200
    return render_template(
        "bookings/venues.html",
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
        return redirect(url_for("bookings.venues"))
    status = 422 if form.is_submitted() else 200
    return render_template("bookings/venue_edit.html", venue=venue, form=form), status


@bp.route("/locality/venues/<int:venue_id>/stop", methods=["GET", "POST"])
@allow(Role.MANAGER)
def stop_venue(venue_id: int):
    venue = venue_or_404(venue_id)
    if not venue.is_active:
        return redirect(url_for("bookings.venues"))
    form = EmptyForm()
    use = operations.venue_use(db.session, venue)
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
        return redirect(url_for("bookings.venues"))
    return render_template("bookings/venue_stop.html", venue=venue, use=use, form=form)


@bp.route("/locality/venues/<int:venue_id>/use-again", methods=["POST"])
@allow(Role.MANAGER)
def use_venue_again(venue_id: int):
    venue = venue_or_404(venue_id)
    if EmptyForm().validate_on_submit():
        operations.set_venue_in_use(db.session, venue, True)
        db.session.commit()
        flash(f"Using {venue.name} again. Availability there offers times again.", "success")
    return redirect(url_for("bookings.venues"))


@bp.route("/locality/school-calendar", methods=["GET", "POST"])
@allow(Role.MANAGER)
def school_calendar():
    locality_id = current_user.locality_id
    day_form = SchoolDayForm(prefix="day")
    entry_form = CalendarEntryForm(prefix="entry")
    status = 200
    if request.method == "GET":
        calendar = operations.school_calendar_or_default(db.session, locality_id)
        day_form.starts_at.data, day_form.ends_at.data = calendar.day_starts, calendar.day_ends
    elif "day-starts_at" in request.form:
        if day_form.validate_on_submit():
            # The calendar is saved only with a valid school day: a refused post stores nothing.
            calendar = operations.ensure_school_calendar(db.session, locality_id)
            calendar.day_starts, calendar.day_ends = day_form.starts_at.data, day_form.ends_at.data
            db.session.commit()
            flash("School day saved.", "success")
            return redirect(url_for("bookings.school_calendar"))
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
        return redirect(url_for("bookings.school_calendar"))
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
        "bookings/school_calendar.html",
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
            return redirect(url_for("bookings.school_calendar"))
        errors = result.errors
    calendar = operations.school_calendar_or_default(db.session, current_user.locality_id)
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
    return redirect(url_for("bookings.school_calendar"))
