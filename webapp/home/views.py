"""Each person's home: "Today" for a parent, the caseload for a keyworker, the locality
for a manager."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from webapp.models import ParticipantProfile, ParticipantStatus, Role, User
from webapp.web.extensions import db
from webapp.web.policy import allow, participants_in_scope, public

bp = Blueprint("home", __name__)

HOME_FOR_ROLE = {
    Role.PARTICIPANT: "home.today",
    Role.KEYWORKER: "caseload.index",
    Role.MANAGER: "home.manager",
    Role.ADMIN: "home.manager",
}


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for(HOME_FOR_ROLE[current_user.role]))


@bp.route("/today")
@allow(Role.PARTICIPANT)
def today():
    profile = current_user.profile
    return render_template(
        "home/today.html", keyworker=profile.keyworker if profile else None, panels=today_panels()
    )


def today_panels() -> list[str]:
    """Partials that areas contribute to a parent's Today page, in order."""
    return [
        template for endpoint, template in TODAY_PANELS if endpoint in current_app.view_functions
    ]


# (endpoint the panel depends on, partial template). An area adds its panel here.
TODAY_PANELS: list[tuple[str, str]] = [
    ("plans.my_plan", "plans/_today.html"),
    ("checkins.new", "checkins/_today_panel.html"),
    ("bookings.my_sessions", "partials/next_session.html"),
]


@bp.route("/locality")
@allow(Role.MANAGER, Role.ADMIN)
def manager():
    in_scope = participants_in_scope(current_user).subquery()
    counts = dict(
        db.session.execute(
            select(ParticipantProfile.status, func.count())
            .join(in_scope, in_scope.c.id == ParticipantProfile.user_id)
            .group_by(ParticipantProfile.status)
        ).all()
    )
    staff_query = select(User).where(User.role.in_([Role.KEYWORKER, Role.MANAGER]))
    if current_user.role != Role.ADMIN:
        staff_query = staff_query.where(User.locality_id == current_user.locality_id)
    staff = db.session.scalars(staff_query.order_by(User.role, User.name)).all()
    return render_template(
        "home/manager.html",
        counts={status: counts.get(status, 0) for status in ParticipantStatus},
        staff=staff,
    )
