"""The conversation pages: a parent's with their keyworker, and the same conversation as staff
see it from the parent's record. Works as plain form posts; htmx fetches new messages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.messages import operations as ops
from webapp.messages import queries
from webapp.messages.forms import MessageForm
from webapp.models import Role
from webapp.services import audit
from webapp.web.extensions import db
from webapp.web.htmx import committed, is_htmx, vary_on_htmx
from webapp.web.policy import allow, participant_or_404, staff_only

bp = Blueprint("messages", __name__)
bp.after_request(vary_on_htmx)


@bp.route("/messages", methods=["GET", "POST"])
@allow(Role.PARTICIPANT)
def conversation():
    return conversation_page(current_user, "messages.conversation", {})


@bp.route("/people/<int:participant_id>/messages", methods=["GET", "POST"])
@staff_only
def staff_conversation(participant_id: int):
    participant = participant_or_404(participant_id)
    audit.staff_viewed(db.session, "messages.viewed", participant)
    return conversation_page(
        participant, "messages.staff_conversation", {"participant_id": participant.id}
    )


def conversation_page(participant, endpoint: str, values: dict):
    """Send the posted message, or show the conversation (the list alone to htmx)."""
    form = MessageForm()
    if form.validate_on_submit():
        with committed():
            ops.send_message(
                db.session,
                participant=participant,
                author=current_user,
                body=form.body.data,
                uuid=form.uuid.data,
                document=form.document.prepared,
            )
        if not is_htmx():
            flash("Message sent.", "success")
        return redirect(url_for(endpoint, **values, _anchor="latest"))
    before = request.args.get("before", type=int)
    keyworker = keyworker_of(participant)
    shown = queries.conversation(db.session, participant, before=before)
    ops.mark_read(db.session, participant=participant, reader=current_user)
    context = {
        "participant": participant,
        "shown": shown,
        "form": form,
        "endpoint": endpoint,
        "values": values,
        "parent_view": participant.id == current_user.id,
        "reply_days": queries.reply_days(db.session, keyworker),
        "keyworker": keyworker,
    }
    # What was read, and who looked, is committed once the page is made (audit.kept_with).
    if is_htmx() and request.method == "GET":
        return audit.kept_with(db.session, render_template("messages/_list.html", **context))
    page = render_template("messages/conversation.html", **context)
    return audit.kept_with(db.session, (page, 422 if form.errors else 200))


def keyworker_of(participant):
    profile = participant.profile
    return profile.keyworker if profile is not None else None
