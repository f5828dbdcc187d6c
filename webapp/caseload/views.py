"""The keyworker's caseload and each participant's record."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from webapp import audit
from webapp.auth.operations import DuplicateContact, invite_participant, reissue_invitation
from webapp.auth.views import send_reset_link
from webapp.caseload.forms import InviteParticipantForm
from webapp.extensions import db
from webapp.forms import EmptyForm
from webapp.mail import send_mail
from webapp.models import (
    AccessToken,
    OutboxMail,
    ParticipantProfile,
    ParticipantStatus,
    Role,
    TokenPurpose,
    User,
)
from webapp.policy import participant_or_404, participants_in_scope, staff_only

bp = Blueprint("caseload", __name__, url_prefix="/people")


@bp.route("/")
@staff_only
def index():
    query = (
        participants_in_scope(current_user)
        .options(selectinload(User.profile).selectinload(ParticipantProfile.keyworker))
        .order_by(User.name)
    )
    participants = db.session.scalars(query).all()
    mine = [p for p in participants if p.profile.keyworker_id == current_user.id]
    others = [p for p in participants if p.profile.keyworker_id != current_user.id]
    return render_template("caseload/index.html", mine=mine, others=others)


def keyworker_choices() -> list[SelectChoice]:
    query = select(User).where(User.role == Role.KEYWORKER, User.is_active.is_(True))
    if current_user.role != Role.ADMIN:
        query = query.where(User.locality_id == current_user.locality_id)
    return [SelectChoice(k.id, k.name) for k in db.session.scalars(query.order_by(User.name))]


@bp.route("/invite", methods=["GET", "POST"])
@staff_only
def invite():
    form = InviteParticipantForm()
    form.keyworker_id.choices = keyworker_choices()
    if not form.is_submitted() and current_user.role == Role.KEYWORKER:
        form.keyworker_id.data = current_user.id
    if form.validate_on_submit():
        try:
            participant, token = invite_participant(
                db.session,
                invited_by=current_user,
                name=form.name.data,
                email=form.email.data or None,
                phone=form.phone.data or None,
                children_stages=form.children_stages.data,
                keyworker=db.session.get(User, form.keyworker_id.data),
                lifetime=timedelta(days=current_app.config["INVITE_DAYS"]),
            )
        except DuplicateContact as clash:
            field = form.email if clash.field == "email" else form.phone
            field.errors.append(
                "Someone in CoPlan already uses this. Check it, or find them in the caseload."
            )
        else:
            link = send_invitation(participant, token)
            db.session.commit()
            return render_template(
                "caseload/link_ready.html", participant=participant, link=link, kind="invite"
            )
    return render_template("caseload/invite.html", form=form)


def send_invitation(participant: User, token: str) -> str:
    audit.record(db.session, "invite.issued", actor=current_user, participant=participant)
    link = url_for("auth.accept_invitation", token=token, _external=True)
    if participant.email:
        send_mail(
            db.session,
            to=participant.email,
            user=participant,
            subject="Your invitation to CoPlan",
            body=render_template(
                "mail/invitation.txt",
                participant=participant,
                link=link,
                days=current_app.config["INVITE_DAYS"],
                keyworker=current_user,
            ),
        )
    return link


@bp.route("/<int:participant_id>")
@staff_only
def record(participant_id: int):
    participant = participant_or_404(participant_id)
    audit.staff_viewed(db.session, "record.viewed", participant)
    db.session.commit()
    invitation = db.session.scalar(
        select(AccessToken)
        .where(AccessToken.user_id == participant.id, AccessToken.purpose == TokenPurpose.INVITE)
        .order_by(AccessToken.created_at.desc())
        .limit(1)
    )
    mail = db.session.scalars(
        select(OutboxMail)
        .where(OutboxMail.user_id == participant.id)
        .order_by(OutboxMail.created_at.desc())
        .limit(10)
    ).all()
    return render_template(
        "caseload/record.html",
        participant=participant,
        profile=participant.profile,
        invitation=invitation,
        mail=mail,
        form=EmptyForm(),
    )


@bp.route("/<int:participant_id>/invitation", methods=["POST"])
@staff_only
def new_invitation(participant_id: int):
    participant = participant_or_404(participant_id)
    form = EmptyForm()
    if not form.validate_on_submit() or participant.profile.status != ParticipantStatus.INVITED:
        return record(participant_id)
    token = reissue_invitation(
        db.session,
        participant=participant,
        issued_by=current_user,
        lifetime=timedelta(days=current_app.config["INVITE_DAYS"]),
    )
    link = send_invitation(participant, token)
    db.session.commit()
    return render_template(
        "caseload/link_ready.html", participant=participant, link=link, kind="invite"
    )


@bp.route("/<int:participant_id>/reset-link", methods=["POST"])
@staff_only
def reset_link(participant_id: int):
    participant = participant_or_404(participant_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return record(participant_id)
    link = send_reset_link(participant, issued_by=current_user)
    db.session.commit()
    return render_template(
        "caseload/link_ready.html", participant=participant, link=link, kind="reset"
    )
