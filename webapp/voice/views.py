"""Co-governance: parents say how sessions went and suggest changes; managers answer."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.models import Idea, IdeaStatus, Role, utcnow
from webapp.voice import operations, queries
from webapp.voice.forms import AnswerForm, FeedbackForm, HideIdeaForm, IdeaForm
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import allow, signed_in

bp = Blueprint("voice", __name__, url_prefix="/voice")

MANAGERS = (Role.MANAGER, Role.ADMIN)


@bp.route("/ideas")
@signed_in
def ideas(form: IdeaForm | None = None, status: int = 200):
    return render_template(
        "voice/ideas.html",
        ideas=queries.visible_ideas(db.session, current_user),
        form=form or IdeaForm(formdata=None),
        can_suggest=current_user.role == Role.PARTICIPANT,
        can_answer=current_user.role in MANAGERS,
    ), status


@bp.route("/ideas", methods=["POST"])
@allow(Role.PARTICIPANT)
def suggest():
    form = IdeaForm()
    if not form.validate_on_submit():
        return ideas(form, 422)
    with committed():
        operations.suggest_idea(db.session, author=current_user, body=form.body.data)
    flash("Thank you. Your idea is on the board, and a manager will answer it.", "success")
    return redirect(url_for("voice.ideas"))


@bp.route("/ideas/<int:idea_id>/answer", methods=["GET", "POST"])
@allow(*MANAGERS)
def answer(idea_id: int):
    idea = queries.idea_or_404(db.session, current_user, idea_id)
    form = AnswerForm(obj=None if request.method == "POST" else _answer_defaults(idea))
    if form.validate_on_submit():
        with committed():
            operations.answer_idea(
                db.session,
                idea=idea,
                manager=current_user,
                status=IdeaStatus(form.status.data),
                answer=form.answer.data,
            )
        flash("Answer published to the locality's parents.", "success")
        return redirect(url_for("voice.ideas", _anchor=f"idea-{idea.id}"))
    status = 422 if form.is_submitted() else 200
    return render_template("voice/answer.html", idea=idea, form=form), status


@bp.route("/ideas/<int:idea_id>/hide", methods=["GET", "POST"])
@allow(*MANAGERS)
def hide(idea_id: int):
    idea = queries.idea_or_404(db.session, current_user, idea_id)
    form = HideIdeaForm()
    if form.validate_on_submit():
        with committed():
            operations.hide_idea(
                db.session, idea=idea, manager=current_user, reason=form.reason.data
            )
        flash("Hidden from the board. The parent who wrote it sees why.", "success")
        return redirect(url_for("voice.ideas", _anchor=f"idea-{idea.id}"))
    status = 422 if form.is_submitted() else 200
    return render_template("voice/hide.html", idea=idea, form=form), status


@bp.route("/ideas/<int:idea_id>/show", methods=["POST"])
@allow(*MANAGERS)
def show_again(idea_id: int):
    idea = queries.idea_or_404(db.session, current_user, idea_id)
    if EmptyForm().validate_on_submit():
        with committed():
            operations.show_idea_again(db.session, idea=idea, manager=current_user)
        flash("The idea is back on the board.", "success")
    return redirect(url_for("voice.ideas", _anchor=f"idea-{idea.id}"))


def _answer_defaults(idea: Idea):
    class Defaults:
        status = idea.status.value if idea.status != IdeaStatus.NEW else None
        answer = idea.answer

    return Defaults


@bp.route("/feedback", methods=["GET", "POST"])
@allow(Role.PARTICIPANT)
def feedback():
    form = FeedbackForm(formdata=request.form if request.method == "POST" else request.args)
    if request.method == "POST" and form.validate_on_submit():
        with committed(operations.NotTheirs) as given:
            operations.give_feedback(
                db.session,
                participant=current_user,
                helpful=form.helpful.data == "yes",
                comment=form.comment.data,
                booking_id=form.booking_id.data,
                about=form.about.data or None,
            )
        if given.refusal:
            abort(404)
        flash("Thank you for telling us.", "success")
        return redirect(url_for("voice.feedback", done=1))
    if request.method == "GET":
        form.helpful.errors = []
    return _feedback_page(form, 422 if request.method == "POST" else 200)


def _feedback_page(form: FeedbackForm, status: int):
    """The question, about the parent's own session when the form names one."""
    about = queries.feedback_subject(db.session, current_user, form.booking_id.data)
    return render_template(
        "voice/feedback.html",
        form=form,
        about=about or form.about.data,
        done=request.args.get("done"),
    ), status


@bp.route("/")
@allow(*MANAGERS)
def overview():
    locality_ids = queries.viewer_locality_ids(db.session, current_user)
    since = utcnow() - timedelta(days=90)
    return render_template(
        "voice/overview.html",
        summary=operations.feedback_summary(db.session, locality_ids, since),
        ideas=queries.visible_ideas(db.session, current_user),
    )
