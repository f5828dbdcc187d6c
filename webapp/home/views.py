"""Each person's home: "Today" for a parent, the caseload for a keyworker, the locality
for a manager."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from webapp import areas
from webapp.clock import utcnow
from webapp.handover.queries import keyworker_card
from webapp.home import queries
from webapp.joining.queries import overdue_count
from webapp.models import Role
from webapp.web.extensions import db
from webapp.web.policy import allow, public

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
    panels = areas.render_panels(areas.current().today_panels, db.session, current_user)
    card = keyworker_card(db.session, current_user, utcnow())
    return render_template("home/today.html", card=card, panels=panels)


@bp.route("/locality")
@allow(Role.MANAGER, Role.ADMIN)
def manager():
    return render_template(
        "home/manager.html",
        counts=queries.status_counts(db.session, current_user),
        staff=queries.locality_staff(db.session, current_user),
        overdue_requests=overdue_count(db.session, current_user, utcnow()),
    )
