"""Changing a parent's keyworker, moving a whole caseload, and cover while a keyworker is away.

Staff of the locality change one parent's keyworker from the record; managers move a
caseload from the staff page (when someone leaves, nothing is dropped); any of the locality's
staff arrange cover."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp.clock import london_today, utcnow
from webapp.handover import operations as ops
from webapp.handover import queries
from webapp.handover.forms import ChangeKeyworkerForm, CoverForm, MoveCaseloadForm
from webapp.models import Role
from webapp.sessions.handing import sessions_ahead
from webapp.staff.queries import caseload_of, staff_member_or_404
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import allow, participant_or_404, staff_only

bp = Blueprint("handover", __name__)

CHOOSE = SelectChoice("", "Choose a keyworker")
# A caseload moved at once is shown on one page; more than this is not a caseload.
MOST_SHOWN = 500


def keyworker_choices(locality_id: int | None, leave_out: int | None = None) -> list:
    keyworkers = queries.keyworkers_in(db.session, locality_id)
    return [CHOOSE, *(SelectChoice(k.id, k.name) for k in keyworkers if k.id != leave_out)]


def handing_on(participants, keyworker, form: ChangeKeyworkerForm) -> list[ops.Transfer]:
    return ops.change_keyworkers(
        db.session,
        participants=participants,
        keyworker=keyworker,
        by=current_user,
        rule=form.rule,
        now=utcnow(),
    )


def arrange_cover(form: CoverForm):
    return ops.arrange_cover(
        db.session,
        absent=queries.keyworker_or_none(db.session, form.absent_id.data),
        cover=queries.keyworker_or_none(db.session, form.cover_id.data),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        by=current_user,
        today=london_today(),
    )


@bp.route("/people/<int:participant_id>/keyworker", methods=["GET", "POST"])
@staff_only
def change_keyworker(participant_id: int):
    participant = participant_or_404(participant_id)
    form = ChangeKeyworkerForm()
    form.keyworker_id.choices = keyworker_choices(
        participant.locality_id, participant.profile.keyworker_id
    )
    if form.validate_on_submit():
        keyworker = queries.keyworker_or_none(db.session, form.keyworker_id.data)
        with committed(ops.HandoverRefused) as changed:
            transfers = handing_on([participant], keyworker, form)
        if not changed.refusal:
            return redirect(changes_page(transfers))
        form.keyworker_id.errors.append(changed.refusal.message)
    sessions = sessions_ahead(db.session, utcnow(), participant=participant)
    return render_template(
        "handover/change_keyworker.html", form=form, participant=participant, sessions=sessions
    ), 422 if form.errors else 200


@bp.route("/staff/<int:staff_id>/move-caseload", methods=["GET", "POST"])
@allow(Role.MANAGER, Role.ADMIN)
def move_caseload(staff_id: int):
    member = staff_member_or_404(db.session, current_user, staff_id)
    parents = caseload_of(db.session, member)
    form = MoveCaseloadForm()
    form.keyworker_id.choices = keyworker_choices(member.locality_id, member.id)
    form.participant_ids.choices = [SelectChoice(p.id, p.name) for p in parents]
    if not form.is_submitted():
        form.participant_ids.data = [p.id for p in parents]
    if form.validate_on_submit():
        keyworker = queries.keyworker_or_none(db.session, form.keyworker_id.data)
        chosen = [p for p in parents if p.id in form.participant_ids.data]
        with committed(ops.HandoverRefused) as moved:
            transfers = handing_on(chosen, keyworker, form)
        if not moved.refusal:
            return redirect(changes_page(transfers))
        getattr(form, moved.refusal.field or "keyworker_id").errors.append(moved.refusal.message)
    return render_template(
        "handover/move_caseload.html", form=form, member=member, parents=parents
    ), 422 if form.errors else 200


def changes_page(transfers: list[ops.Transfer]) -> str:
    return url_for("handover.changed", ids=",".join(str(t.change.id) for t in transfers))


@bp.get("/keyworker-changes")
@staff_only
def changed():
    """What a change of keyworker did, after the post: who, their sessions now, who was told."""
    ids = [int(i) for i in request.args.get("ids", "").split(",") if i.isdigit()][:MOST_SHOWN]
    changes = queries.changes_for_viewer(db.session, current_user, ids, utcnow())
    return render_template("handover/changed.html", changes=changes)


@bp.route("/cover", methods=["GET", "POST"])
@staff_only
def cover():
    form = CoverForm()
    choices = keyworker_choices(current_user.locality_id)
    form.absent_id.choices = form.cover_id.choices = choices
    if not form.is_submitted() and current_user.role == Role.KEYWORKER:
        form.cover_id.data = current_user.id
    if form.validate_on_submit():
        with committed(ops.HandoverRefused) as arranged:
            made = arrange_cover(form)
        if not arranged.refusal:
            flash(f"{made.cover.name} covers for {made.absent.name}.", "success")
            return redirect(url_for("handover.cover"))
        getattr(form, arranged.refusal.field or "absent_id").errors.append(arranged.refusal.message)
    covers = queries.covers_ahead(db.session, current_user, london_today())
    return render_template(
        "handover/cover.html", form=form, covers=covers, end_form=EmptyForm()
    ), 422 if form.errors else 200


@bp.post("/cover/<int:cover_id>/end")
@staff_only
def end_cover(cover_id: int):
    cover = queries.cover_or_404(db.session, current_user, cover_id)
    if EmptyForm().validate_on_submit():
        with committed():
            ops.end_cover(db.session, cover=cover, by=current_user, now=utcnow())
        flash(f"Cover for {cover.absent.name} has ended.", "success")
    return redirect(url_for("handover.cover"))
