"""Pages for one-to-one sessions booked around school hours: the parent's sessions and free
times, the keyworker's diary and availability, booking for a parent, and calendar files."""

from __future__ import annotations

from datetime import timedelta

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

from webapp import clock
from webapp.groups import queries as group_queries
from webapp.locality import queries as locality_queries
from webapp.models import (
    BookedSession,
    FreeWindow,
    Role,
    SessionMode,
    SessionStatus,
    User,
    utcnow,
)
from webapp.services.push import push_enabled
from webapp.sessions import operations, queries
from webapp.sessions.calendars import feed_ics, session_ics
from webapp.sessions.forms import (
    WEEKDAYS,
    CancelForm,
    FreeWindowForm,
    SlotForm,
    StaffCancelForm,
)
from webapp.sessions.free_windows import WindowRefused
from webapp.sessions.gone import session_gone
from webapp.sessions.guard import AlreadyBooked, BookingProblem, SlotNotOffered
from webapp.sessions.limits import service_limits
from webapp.sessions.pages import answer_problem, render_slots
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import allow, participant_or_404, public, signed_in

bp = Blueprint("sessions", __name__)

FEED_PAST = timedelta(days=30)  # how far back a calendar feed reaches


def booking_or_404(booking_id: int, *, booked_only: bool = False) -> BookedSession:
    """A session the current person may see: their own, or one in a staff member's scope."""
    booked = queries.booked_session(db.session, booking_id)
    if booked is None:
        abort(404)
    if current_user.role == Role.PARTICIPANT:
        if booked.participant_id != current_user.id:
            abort(404)
    else:
        participant_or_404(booked.participant_id)
    if booked_only and booked.status != SessionStatus.BOOKED:
        abort(session_gone(booked))
    return booked


NOT_OFFERED = "Choose a time from the list."


def book_slot(form: SlotForm, participant: User, keyworker: User | None, *, agreed=False, **values):
    """Book the slot the form names for the parent with the keyworker; None when booked,
    otherwise the refusal's answer (the session is in ``form.booked``). ``agreed``: staff
    agreed the time with the parent (outside their usual times or notice)."""
    if not form.validate_on_submit() or keyworker is None:
        return answer_problem(SlotNotOffered(NOT_OFFERED), participant, agreed=agreed, **values)
    with committed(BookingProblem) as saved:
        form.booked = operations.book_session(
            db.session,
            participant=participant,
            keyworker=keyworker,
            starts_at=form.moment,
            mode=SessionMode(form.mode.data),
            venue_id=form.venue,
            booked_by=current_user,
            limits=service_limits(participant.locality),
            agreed=agreed,
        )
    if isinstance(saved.refusal, AlreadyBooked):
        return already_booked(saved.refusal.booking)
    if saved.refusal:
        return answer_problem(saved.refusal, participant, agreed=agreed, **values)
    return None


def already_booked(booked: BookedSession):
    """The session asked for is already booked (another tab, a second tap): say so, show it."""
    if current_user.id == booked.participant_id:
        flash(f"You've already booked this: {when(booked)}.", "info")
        return redirect(url_for("sessions.my_sessions", _anchor=f"session-{booked.id}"))
    name = booked.participant.name
    flash(f"{name} is already booked for this: {when(booked)}.", "info")
    return redirect(
        url_for("caseload.record", participant_id=booked.participant_id, _anchor="sessions")
    )


def data_of(form, *names: str) -> dict:
    """The named fields' values, to hand to an operation as keywords."""
    return {name: form[name].data for name in names}


def when(booked: BookedSession) -> str:
    return clock.day_and_time(booked.starts_at, "long_day", " at ")


def after_change() -> str:
    if current_user.role == Role.PARTICIPANT:
        return url_for("sessions.my_sessions")
    return url_for("sessions.diary")


# The parent's pages -----------------------------------------------------------------------


@bp.route("/sessions")
@allow(Role.PARTICIPANT)
def my_sessions():
    now = utcnow()
    coming_up, past, others = queries.parent_sessions(db.session, current_user, now)
    return render_template(
        "sessions/my_sessions.html",
        coming_up=coming_up,
        past=past,
        just_booked=just_booked(coming_up, now),
        reviewed=queries.sessions_with_feedback(db.session, current_user.id),
        groups=others,
        now=now,
        form=EmptyForm(),
        push_key=current_app.config["VAPID_PUBLIC_KEY"] if push_enabled() else None,
        **queries.reminder_ways(db.session, current_user),
    )


@bp.route("/sessions/notices/dismiss", methods=["POST"])
@allow(Role.PARTICIPANT)
def dismiss_notices():
    if EmptyForm().validate_on_submit():
        with committed():
            operations.dismiss_session_notices(db.session, current_user)
    return redirect(url_for("home.today"))


def just_booked(coming_up: list, now) -> BookedSession | None:
    """The session the parent booked a moment ago (``?booked=``), while it can be undone."""
    booked_id = request.args.get("booked", type=int)
    for kind, item in coming_up:
        if kind == "session" and item.id == booked_id and item.can_undo(current_user, now):
            return item
    return None


@bp.route("/sessions/find")
@allow(Role.PARTICIPANT)
def find_time():
    profile = current_user.profile
    return render_slots(
        current_user,
        profile.keyworker_id if profile else None,
        action="sessions.book",
        title="Find a time",
    )


@bp.route("/sessions/book", methods=["POST"])
@allow(Role.PARTICIPANT)
def book():
    form = SlotForm()
    profile = current_user.profile
    keyworker = profile.keyworker if profile else None
    refused = book_slot(form, current_user, keyworker, action="sessions.book")
    if refused:
        return refused
    flash(f"Booked: {when(form.booked)}.", "success")
    return redirect(url_for("sessions.my_sessions", booked=form.booked.id))


@bp.route("/sessions/<int:session_id>/move", methods=["GET", "POST"])
@signed_in
def reschedule(session_id: int):
    booked = booking_or_404(session_id, booked_only=True)
    participant, here = booked.participant, {"session_id": booked.id}
    if request.method == "GET":
        own = current_user.id == participant.id
        title = "Move your session" if own else f"Move {participant.name}'s session"
        return render_slots(
            participant,
            booked.keyworker_id,
            action="sessions.reschedule",
            title=title,
            moving=booked,
            **here,
        )
    problem = move_to_slot(booked, SlotForm())
    if problem:
        return answer_problem(problem, participant, action="sessions.reschedule", **here)
    flash(f"Moved to {when(booked)}.", "success")
    return redirect(after_change())


def move_to_slot(booked: BookedSession, form: SlotForm) -> BookingProblem | None:
    """Move the session to the slot the form names; the refusal, or None once moved."""
    if not form.validate_on_submit():
        return SlotNotOffered(NOT_OFFERED)
    with committed(BookingProblem) as saved:
        operations.reschedule_session(
            db.session,
            booking=booked,
            starts_at=form.moment,
            mode=SessionMode(form.mode.data),
            venue_id=form.venue,
            limits=service_limits(booked.participant.locality),
            by=current_user,
        )
    return saved.refusal


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel(session_id: int):
    booked = booking_or_404(session_id, booked_only=True)
    form = CancelForm() if current_user.id == booked.participant_id else StaffCancelForm()
    if form.validate_on_submit():
        with committed():
            operations.cancel_session(
                db.session, booking=booked, reason=form.reason.data, by=current_user
            )
        whose = "your" if current_user.id == booked.participant_id else "the"
        flash(f"Cancelled {whose} session on {when(booked)}.", "success")
        return redirect(after_change())
    status = 422 if form.is_submitted() else 200
    return render_template("sessions/cancel.html", booking=booked, form=form), status


@bp.route("/sessions/<int:session_id>/calendar.ics")
@signed_in
def session_calendar(session_id: int):
    booked = booking_or_404(session_id)
    body = session_ics(booked, for_staff=current_user.is_staff, stamp=utcnow())
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="coplan-session-{booked.id}.ics"'},
    )


@bp.route("/sessions/calendar-feed", methods=["POST"])
@signed_in
def calendar_feed():
    action = request.form.get("action")
    if not EmptyForm().validate_on_submit() or action not in ("new", "stop"):
        abort(400)
    with committed():
        if action == "stop":
            operations.revoke_feed_tokens(db.session, current_user)
        else:
            token = operations.issue_feed_token(db.session, current_user)
    if action == "stop":
        flash("Your calendar link no longer works. Make a new one whenever you like.", "success")
        return redirect(request.referrer or url_for("home.index"))
    feed_url = url_for("sessions.feed", token=token, _external=True)
    return render_template("sessions/feed_link.html", url=feed_url)


@bp.route("/calendar/<token>.ics")
@public
def feed(token: str):
    user = queries.user_for_feed_token(db.session, token)
    if user is None or not user.is_active:
        abort(404)
    return Response(
        feed_body(user), mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"}
    )


def feed_body(user: User) -> bytes:
    """The person's calendar feed: their sessions and group sessions from a month ago on."""
    since = utcnow() - FEED_PAST
    return feed_ics(
        queries.feed_sessions(db.session, user, since),
        for_staff=user.is_staff,
        stamp=utcnow(),
        name="CoPlan sessions",
        groups=group_queries.feed_groups(db.session, user, since=since),
    )


@bp.route("/sessions/when-im-free", methods=["GET", "POST"])
@allow(Role.PARTICIPANT)
def free_windows():
    form = FreeWindowForm()
    if form.validate_on_submit():
        with committed(WindowRefused) as added:
            operations.add_free_window(
                db.session,
                participant=current_user,
                **data_of(form, "weekday", "starts_at", "ends_at"),
            )
        if not added.refusal:
            flash("Added. We'll only offer times that fit.", "success")
            return redirect(url_for("sessions.free_windows"))
        form[added.refusal.field].errors.append(added.refusal.message)
    status = 422 if form.is_submitted() else 200
    return render_free_windows(form), status


def render_free_windows(form: FreeWindowForm):
    return render_template(
        "sessions/free_windows.html",
        form=form,
        windows=queries.free_windows(db.session, current_user.id),
        terms=locality_queries.school_terms(db.session, current_user.locality_id),
        weekdays=WEEKDAYS,
        remove_form=EmptyForm(),
    )


@bp.route("/sessions/when-im-free/<int:window_id>/remove", methods=["POST"])
@allow(Role.PARTICIPANT)
def remove_window(window_id: int):
    return remove_own(FreeWindow, window_id, "participant_id", "Removed.", "sessions.free_windows")


def remove_own(model, row_id: int, owner: str, done: str | None, back: str):
    """Delete one of the signed-in person's own rows (someone else's answers 404), then go back."""
    row = queries.own_row(db.session, model, row_id, owner, current_user.id)
    if row is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        with committed():
            operations.remove_set_up(db.session, row)
        if done:
            flash(done, "success")
    return redirect(url_for(back))
