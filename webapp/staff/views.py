"""The staff pages: who works in a locality, inviting them, moving them, and their leaving.

Admins manage everyone; a manager manages the keyworkers and managers of their own locality."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.auth.operations import DuplicateContact
from webapp.clock import utcnow
from webapp.models import Role
from webapp.staff import operations as ops
from webapp.staff import queries
from webapp.staff.forms import InviteStaffForm, StaffPlaceForm
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import allow

bp = Blueprint("staff", __name__, url_prefix="/staff")

managers = allow(Role.MANAGER, Role.ADMIN)


@bp.get("/")
@managers
def index():
    rows = queries.staff_list(db.session, current_user, utcnow())
    return render_template("staff/index.html", rows=rows)


@bp.route("/invite", methods=["GET", "POST"])
@managers
def invite():
    form = place_form(InviteStaffForm)
    if form.validate_on_submit():
        with committed(DuplicateContact) as invited:
            member, token = ops.invite_staff(
                db.session,
                invited_by=current_user,
                name=form.name.data,
                email=form.email.data,
                role=Role(form.role.data),
                locality_id=form.locality_id.data,
            )
            link, emailed = send_invitation(member, token)
        if not invited.refusal:
            return render_template(
                "staff/link_ready.html", member=member, link=link, emailed=emailed
            )
        form.email.errors.append("Someone in CoPlan already uses this email address.")
    return render_template("staff/invite.html", form=form), 422 if form.errors else 200


@bp.get("/<int:staff_id>")
@managers
def member(staff_id: int):
    member = queries.staff_member_or_404(db.session, current_user, staff_id)
    form = place_form(StaffPlaceForm, obj=member)
    form.role.data = member.role.value
    return render_member(member, form)


@bp.post("/<int:staff_id>/place")
@managers
def change_place(staff_id: int):
    member = queries.staff_member_or_404(db.session, current_user, staff_id)
    form = place_form(StaffPlaceForm)
    if not form.validate_on_submit():
        return render_member(member, form, 422)
    with committed(ops.StaffChangeRefused) as placed:
        changed = ops.place_staff(
            db.session,
            member=member,
            changed_by=current_user,
            role=Role(form.role.data),
            locality_id=form.locality_id.data,
        )
    if placed.refusal:
        flash(str(placed.refusal), "error")
        return redirect(url_for("staff.member", staff_id=member.id))
    flash(f"{member.name}'s role and locality saved." if changed else "Nothing changed.", "success")
    return redirect(url_for("staff.member", staff_id=member.id))


@bp.post("/<int:staff_id>/deactivate")
@managers
def deactivate(staff_id: int):
    return staff_action(staff_id, ops.deactivate_staff, "{} can no longer sign in.")


@bp.post("/<int:staff_id>/reactivate")
@managers
def reactivate(staff_id: int):
    return staff_action(staff_id, ops.reactivate_staff, "{} can sign in again.")


@bp.post("/<int:staff_id>/reset-two-step")
@managers
def reset_two_step(staff_id: int):
    return staff_action(
        staff_id,
        ops.reset_two_step,
        "{}'s two-step sign-in is reset: they set it up again when they next sign in.",
    )


@bp.post("/<int:staff_id>/invite-again")
@managers
def invite_again(staff_id: int):
    member = queries.staff_member_or_404(db.session, current_user, staff_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("staff.member", staff_id=member.id))
    with committed(ops.StaffChangeRefused) as invited:
        token = ops.reissue_staff_invitation(db.session, member=member, issued_by=current_user)
        link, emailed = send_invitation(member, token)
    if invited.refusal:
        flash(str(invited.refusal), "error")
        return redirect(url_for("staff.member", staff_id=member.id))
    return render_template("staff/link_ready.html", member=member, link=link, emailed=emailed)


def staff_action(staff_id: int, action, done: str):
    """Run one of the staff operations on a button's post, and say what happened."""
    member = queries.staff_member_or_404(db.session, current_user, staff_id)
    if EmptyForm().validate_on_submit():
        with committed(ops.StaffChangeRefused) as acted:
            action(db.session, member=member, changed_by=current_user)
        if acted.refusal:
            flash(str(acted.refusal), "error")
        else:
            flash(done.format(member.name), "success")
    return redirect(url_for("staff.member", staff_id=member.id))


def place_form(form_class, **kwargs):
    form = form_class(**kwargs)
    form.locality_id.choices = queries.locality_choices(db.session, current_user)
    if current_user.role != Role.ADMIN and not form.is_submitted():
        form.locality_id.data = current_user.locality_id
    return form


def render_member(member, form, status: int = 200):
    now = utcnow()
    return render_template(
        "staff/member.html",
        member=member,
        form=form,
        can_place=member.role != Role.ADMIN and member.id != current_user.id,
        two_step=queries.is_enrolled(db.session, member),
        caseload=queries.caseload_of(db.session, member),
        sessions=queries.future_sessions_of(db.session, member, now),
    ), status


def send_invitation(member, token: str) -> tuple[str, bool]:
    """The invitation link, and whether the mail server took the email carrying it."""
    link = url_for("auth.accept_invitation", token=token, _external=True)
    return link, ops.email_invitation(db.session, member=member, inviter=current_user, link=link)
