"""A parent's own notes: what their keyworker shared, asking to be contacted, and a break."""

from __future__ import annotations

from flask import (
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from webapp.caseload import operations
from webapp.caseload.blueprint import bp
from webapp.caseload.forms import (
    ContactRequestForm,
    PauseForm,
)
from webapp.caseload.record_views import wants_json
from webapp.models import (
    PauseReason,
    Role,
)
from webapp.sessions import queries as session_queries
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import allow

# --- The participant's own view ------------------------------------------------------------


def my_notes_context(forms: dict | None = None) -> dict:
    forms = forms or {}
    return {
        "notes": operations.shared_notes(db.session, current_user.id),
        "profile": current_user.profile,
        "ask_form": forms.get("ask") or ContactRequestForm(formdata=None),
        "form": EmptyForm(),
    }


@bp.route("/me/notes")
@allow(Role.PARTICIPANT)
def my_notes():
    notes = operations.shared_notes(db.session, current_user.id)
    if wants_json():
        response = jsonify(
            notes=[
                {"id": n.id, "written_at": n.created_at.isoformat(), "body": n.body} for n in notes
            ]
        )
    elif request.headers.get("HX-Request"):
        response = make_response(render_template("caseload/_my_notes_list.html", notes=notes))
    else:
        response = make_response(render_template("caseload/my_notes.html", **my_notes_context()))
    response.vary.add("HX-Request")
    response.vary.add("Accept")
    return response


@bp.route("/me/ask", methods=["POST"])
@allow(Role.PARTICIPANT)
def ask_for_contact():
    form = ContactRequestForm()
    if not form.validate_on_submit():
        return render_template("caseload/my_notes.html", **my_notes_context({"ask": form})), 422
    operations.add_note(
        db.session,
        participant=current_user,
        author=current_user,
        body=form.body.data,
        asks_for_contact=True,
    )
    db.session.commit()
    flash("Sent. Your keyworker will get in touch.", "success")
    return redirect(url_for("caseload.my_notes"))


@bp.route("/me/break")
@allow(Role.PARTICIPANT)
def my_break(form: PauseForm | None = None, status: int = 200):
    """Taking a break: what happens to booked sessions and reminders, and the choice to cancel."""
    sessions, places = session_queries.upcoming_bookings(db.session, current_user.id)
    return render_template(
        "caseload/my_break.html",
        profile=current_user.profile,
        pause_form=form or PauseForm(formdata=None),
        sessions=sessions,
        places=places,
    ), status


@bp.route("/me/pause", methods=["POST"])
@allow(Role.PARTICIPANT)
def my_pause():
    form = PauseForm()
    if not form.validate_on_submit():
        return my_break(form, 422)
    with committed(operations.NotAllowedNow) as paused:
        cancelled = operations.take_a_break(
            db.session,
            participant=current_user,
            reason=PauseReason(form.reason.data),
            cancel_bookings=form.cancel_bookings.data,
        )
    if paused.refusal:
        flash(str(paused.refusal), "warning")
    else:
        done = f" We've cancelled {plural(cancelled, 'booking')}." if cancelled else ""
        flash(f"You're taking a break.{done} Come back whenever you're ready.", "success")
    return redirect(url_for("caseload.my_break"))


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@bp.route("/me/resume", methods=["POST"])
@allow(Role.PARTICIPANT)
def my_resume():
    if EmptyForm().validate_on_submit():
        with committed(operations.NotAllowedNow) as resumed:
            operations.resume(db.session, participant=current_user, by=current_user)
        if resumed.refusal:
            flash(str(resumed.refusal), "warning")
        else:
            flash("Welcome back. Your keyworker will see you're taking part again.", "success")
    return redirect(url_for("caseload.my_break"))
