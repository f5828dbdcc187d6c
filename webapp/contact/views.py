"""The "How we contact you" page: a parent chooses how CoPlan reaches them, and when not to."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.contact import choices
from webapp.contact.forms import PURPOSE_LABELS, ContactChoiceForm
from webapp.models import Role
from webapp.models.contact import PURPOSES
from webapp.web.extensions import db
from webapp.web.htmx import committed
from webapp.web.policy import allow

bp = Blueprint("contact", __name__)


@bp.route("/account/contact", methods=["GET", "POST"])
@allow(Role.PARTICIPANT)
def choose():
    available = choices.available_channels(current_user)
    saved = choices.choice_for(db.session, current_user)
    form = ContactChoiceForm(obj=saved)
    if form.validate_on_submit():
        # Only the channels on the page: one not offered now keeps what it was.
        values = {f"{p}_by_{c}": form[f"{p}_by_{c}"].data for p in PURPOSES for c in available}
        with committed():
            choices.save_choice(
                db.session,
                current_user,
                quiet_from=form.quiet_from.data,
                quiet_until=form.quiet_until.data,
                **values,
            )
        flash("Saved. We'll contact you the way you've chosen.", "success")
        return redirect(url_for("contact.choose"))
    return render_template(
        "contact/choose.html",
        form=form,
        available=available,
        purposes=PURPOSE_LABELS,
        stopped=saved.texts_stopped_at is not None,
    ), 422 if form.errors else 200
