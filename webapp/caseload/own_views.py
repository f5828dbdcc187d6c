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
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.policy import allow

# --- The participant's own view ------------------------------------------------------------


def my_notes_context(forms: dict | None = None) -> dict:
    forms = forms or {}
    return {
        "notes": operations.shared_notes(db.session, current_user.id),
        "profile": current_user.profile,
        "ask_form": forms.get("ask") or ContactRequestForm(formdata=None),
        "pause_form": forms.get("pause") or PauseForm(formdata=None),
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


@bp.route("/me/pause", methods=["POST"])
@allow(Role.PARTICIPANT)
def my_pause():
    form = PauseForm()
    if not form.validate_on_submit():
        return render_template("caseload/my_notes.html", **my_notes_context({"pause": form})), 422
    try:
        operations.pause(
            db.session,
            participant=current_user,
            by=current_user,
            reason=PauseReason(form.reason.data),
        )
    except operations.NotAllowedNow as problem:
        flash(str(problem), "warning")
    else:
        db.session.commit()
        flash(
            "You're taking a break. Nothing is closed: come back whenever you're ready.", "success"
        )
    return redirect(url_for("caseload.my_notes"))


@bp.route("/me/resume", methods=["POST"])
@allow(Role.PARTICIPANT)
def my_resume():
    if EmptyForm().validate_on_submit():
        try:
            operations.resume(db.session, participant=current_user, by=current_user)
        except operations.NotAllowedNow as problem:
            flash(str(problem), "warning")
        else:
            db.session.commit()
            flash("Welcome back. Your keyworker will see you're taking part again.", "success")
    return redirect(url_for("caseload.my_notes"))
