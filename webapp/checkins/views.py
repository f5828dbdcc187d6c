"""Check-ins: the form (online, offline shell), and the journey for a parent and their keyworker."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from webapp.checkins import journey as journeys
from webapp.checkins import sync
from webapp.checkins.charts import line_chart
from webapp.checkins.forms import CheckInForm
from webapp.checkins.questions import (
    ANSWER_FIELDS,
    CONFIDENCE_SCALES,
    SWEMWBS_COPYRIGHT,
    SWEMWBS_NAME,
)
from webapp.models import Role, User
from webapp.services import audit
from webapp.web.errors import EXPIRED, render_error
from webapp.web.extensions import db
from webapp.web.policy import allow, participant_or_404, public, staff_only
from webapp.web.security import fetched_by_the_browser

bp = Blueprint("checkins", __name__)

SAVED = "Thank you. Your check-in is saved."


def _keyworker(participant: User) -> User | None:
    return participant.profile.keyworker if participant.profile else None


@bp.route("/checkin", methods=["GET", "POST"])
@allow(Role.PARTICIPANT)
def new():
    form = CheckInForm()
    if form.validate_on_submit():
        data = {name: form[name].data for name in ANSWER_FIELDS}
        data |= {
            "uuid": form.uuid.data,
            "note": form.note.data,
            "note_shared": bool(form.note_shared.data),
            "contact_me": bool(form.contact_me.data),
        }
        sync.store_from_form(db.session, current_user.id, data)
        db.session.commit()
        flash(SAVED, "success")
        return redirect(url_for("checkins.journey"))
    if not form.is_submitted():
        form.uuid.data = str(uuid.uuid4())
    return _form_page(form)


def _form_page(form: CheckInForm, expired: bool = False, status: int = 200):
    return render_template(
        "checkins/new.html",
        form=form,
        expired=expired,
        keyworker=_keyworker(current_user),
        copyright=SWEMWBS_COPYRIGHT,
        scale_name=SWEMWBS_NAME,
    ), status


@bp.errorhandler(CSRFError)
def expired_form(error):
    """A check-in posted from a page open too long: the form again, the answers kept (and its
    UUID, so sending it twice still stores one), with a fresh token to send it with."""
    if request.endpoint != "checkins.new" or not current_user.is_authenticated:
        return render_error(400, *EXPIRED)
    return _form_page(CheckInForm(), expired=True, status=400)


@bp.route("/checkin/offline-form")
@public
@fetched_by_the_browser
def offline_form():
    """The check-in form with nothing personal on it, kept by the service worker for no signal."""
    form = CheckInForm(meta={"csrf": False})
    return render_template(
        "checkins/offline_form.html",
        form=form,
        keyworker=None,
        copyright=SWEMWBS_COPYRIGHT,
        scale_name=SWEMWBS_NAME,
    )


def _journey_context(participant: User, you: str) -> dict:
    checkins = journeys.checkins_for(db.session, participant.id)
    wellbeing = line_chart(
        "chart-wellbeing",
        "Wellbeing",
        [(c.recorded_at, c.swemwbs_metric) for c in checkins],
        low=7,
        high=35,
        ticks=[7, 14, 21, 28, 35],
        describe=journeys.wellbeing_summary(checkins, you),
    )
    confidence = [
        line_chart(
            f"chart-{scale.name.replace('_', '-')}",
            scale.text,
            [(c.recorded_at, getattr(c, scale.name)) for c in checkins],
            low=1,
            high=10,
            ticks=[1, 5, 10],
            describe=_scale_description(checkins, scale),
            height=120,
        )
        for scale in CONFIDENCE_SCALES
    ]
    return {
        "checkins": checkins,
        "wellbeing": wellbeing,
        "confidence": confidence,
        "summary": journeys.wellbeing_summary(checkins, you),
        "confidence_summary": journeys.confidence_summary(checkins, you),
        "scales": CONFIDENCE_SCALES,
        "copyright": SWEMWBS_COPYRIGHT,
        "scale_name": SWEMWBS_NAME,
    }


def _scale_description(checkins, scale) -> str:
    if not checkins:
        return f"No check-ins yet for {scale.text.lower()}."
    first, last = getattr(checkins[0], scale.name), getattr(checkins[-1], scale.name)
    if len(checkins) == 1:
        return f"Confidence about {scale.text.lower()}: {first} out of 10."
    return f"Confidence about {scale.text.lower()}: from {first} to {last} out of 10."


@bp.route("/journey")
@allow(Role.PARTICIPANT)
def journey():
    return render_template(
        "checkins/journey.html",
        participant=current_user,
        keyworker=_keyworker(current_user),
        own=True,
        **_journey_context(current_user, "Your"),
    )


@bp.route("/people/<int:participant_id>/journey")
@staff_only
def participant_journey(participant_id: int):
    participant = participant_or_404(participant_id)
    audit.staff_viewed(db.session, "journey.viewed", participant)
    page = render_template(
        "checkins/journey.html",
        participant=participant,
        keyworker=None,
        own=False,
        flags=journeys.latest_checkin_and_flags(db.session, participant.id)[1],
        **_journey_context(participant, "Their"),
    )
    return audit.kept_with(db.session, page)
