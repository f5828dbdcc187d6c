"""What staff add to a participant's record: notes, referrals, outcomes, the pipeline stage
and breaks in involvement."""

from __future__ import annotations

from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from webapp.auth.operations import DuplicateContact
from webapp.caseload import operations, queries
from webapp.caseload.blueprint import bp
from webapp.caseload.forms import (
    IN_USE,
    NoteForm,
    OutcomeForm,
    ParticipantDetailsForm,
    PauseForm,
    ReferralForm,
    ReferralStatusForm,
    StageForm,
)
from webapp.caseload.record_views import record
from webapp.models import (
    OutcomeKind,
    PauseReason,
    ReferralKind,
    ReferralStatus,
    User,
)
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import participant_or_404, staff_only


def back_to_record(participant: User, message: str, anchor: str = "timeline"):
    flash(message, "success")
    return redirect(url_for("caseload.record", participant_id=participant.id, _anchor=anchor))


def refused(participant: User, refusal: Exception, anchor: str = "involvement"):
    """Back to the record, saying in plain words why the change was refused."""
    flash(str(refusal), "error")
    return redirect(url_for("caseload.record", participant_id=participant.id, _anchor=anchor))


@bp.route("/<int:participant_id>/notes", methods=["POST"])
@staff_only
def add_note(participant_id: int):
    participant = participant_or_404(participant_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return record(participant_id, forms={"note": form}, status=422)
    with committed(operations.NotAllowedNow) as saved:
        operations.add_note(
            db.session,
            participant=participant,
            author=current_user,
            body=form.note.data,
            staff_only=form.staff_only.data,
        )
    if saved.refusal:
        return refused(participant, saved.refusal)
    shared = (
        "Only staff can see it."
        if form.staff_only.data
        else f"{participant.first_name} can see it."
    )
    return back_to_record(participant, f"Note saved. {shared}")


FORM_PAGES = {
    "referral": ("Make a referral", "Save referral", ["referral_kind", "organisation", "made_on"]),
    "outcome": (
        "Record an outcome",
        "Record outcome",
        ["outcome_kind", "achieved_on", "hours_per_week", "contract_type", "detail"],
    ),
    "pause": ("Pause involvement", "Pause involvement", ["reason"]),
}


def form_page(participant: User, kind: str, form):
    """One form on a page of its own: short on a phone, and cheap to show again with errors."""
    title, button, fields = FORM_PAGES[kind]
    status = 422 if form.is_submitted() else 200
    return render_template(
        "caseload/form_page.html",
        participant=participant,
        title=title,
        button_text=button,
        form=form,
        fields=[form[name] for name in fields],
    ), status


@bp.route("/<int:participant_id>/referrals", methods=["GET", "POST"])
@staff_only
def add_referral(participant_id: int):
    participant = participant_or_404(participant_id)
    form = ReferralForm()
    if not form.validate_on_submit():
        return form_page(participant, "referral", form)
    with committed(operations.NotAllowedNow) as saved:
        operations.make_referral(
            db.session,
            participant=participant,
            made_by=current_user,
            kind=ReferralKind(form.referral_kind.data),
            organisation=form.organisation.data,
            made_on=form.made_on.data,
        )
    if saved.refusal:
        return refused(participant, saved.refusal)
    return back_to_record(participant, "Referral saved.", "referrals")


@bp.route("/<int:participant_id>/referrals/<int:referral_id>", methods=["POST"])
@staff_only
def update_referral(participant_id: int, referral_id: int):
    participant = participant_or_404(participant_id)
    referral = queries.referral_or_404(db.session, participant, referral_id)
    form = ReferralStatusForm()
    if not form.validate_on_submit():
        return record(participant_id, status=422)
    with committed(operations.NotAllowedNow) as saved:
        operations.update_referral(
            db.session,
            referral=referral,
            status=ReferralStatus(form.status.data),
            changed_by=current_user,
        )
    if saved.refusal:
        return refused(participant, saved.refusal)
    return back_to_record(participant, "Referral updated.", "referrals")


@bp.route("/<int:participant_id>/outcomes", methods=["GET", "POST"])
@staff_only
def add_outcome(participant_id: int):
    participant = participant_or_404(participant_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        return form_page(participant, "outcome", form)
    with committed(operations.NotAllowedNow) as saved:
        operations.record_outcome(
            db.session,
            participant=participant,
            recorded_by=current_user,
            kind=OutcomeKind(form.outcome_kind.data),
            achieved_on=form.achieved_on.data,
            hours_per_week=form.hours_per_week.data,
            contract_type=form.contract(),
            detail=form.detail.data,
        )
    if saved.refusal:
        return refused(participant, saved.refusal)
    return back_to_record(participant, "Outcome recorded. Well done to them!")


@bp.route("/<int:participant_id>/stage", methods=["POST"])
@staff_only
def change_stage(participant_id: int):
    participant = participant_or_404(participant_id)
    form = StageForm()
    if not form.validate_on_submit():
        return record(participant_id, forms={"stage": form}, status=422)
    with committed(operations.NotAllowedNow) as saved:
        change = operations.set_stage(
            db.session, participant=participant, stage=form.stage.data, changed_by=current_user
        )
    if saved.refusal:
        return refused(participant, saved.refusal)
    message = f"Moved to stage {form.stage.data}." if change else "That is already their stage."
    return back_to_record(participant, message, "stage-card")


@bp.route("/<int:participant_id>/pause", methods=["GET", "POST"])
@staff_only
def pause(participant_id: int):
    participant = participant_or_404(participant_id)
    form = PauseForm()
    if not form.validate_on_submit():
        return form_page(participant, "pause", form)
    with committed(operations.NotAllowedNow) as saved:
        operations.pause(
            db.session,
            participant=participant,
            by=current_user,
            reason=PauseReason(form.reason.data),
        )
    if saved.refusal:
        return refused(participant, saved.refusal)
    return back_to_record(
        participant,
        f"{participant.first_name} is on a break. Their case stays open.",
        "involvement",
    )


@bp.route("/<int:participant_id>/resume", methods=["POST"])
@staff_only
def resume(participant_id: int):
    participant = participant_or_404(participant_id)
    if not EmptyForm().validate_on_submit():
        return record(participant_id, status=422)
    with committed(operations.NotAllowedNow) as saved:
        operations.resume(db.session, participant=participant, by=current_user)
    if saved.refusal:
        return refused(participant, saved.refusal)
    return back_to_record(
        participant, f"{participant.first_name} is taking part again.", "involvement"
    )


def details_form(participant: User) -> ParticipantDetailsForm:
    """The details form, filled with what is held unless it was just posted."""
    posted = request.method == "POST"
    form = ParticipantDetailsForm() if posted else ParticipantDetailsForm(formdata=None)
    if not posted:
        profile = participant.profile
        form.name.data, form.email.data = participant.name, participant.email
        form.phone.data, form.children_stages.data = participant.phone, profile.children_stages
    return form


@bp.route("/<int:participant_id>/details", methods=["GET", "POST"])
@staff_only
def edit_details(participant_id: int):
    participant = participant_or_404(participant_id)
    form = details_form(participant)
    if not form.validate_on_submit():
        return details_page(participant, form)
    with committed(DuplicateContact) as saved:
        changed = operations.update_participant_details(
            db.session,
            participant=participant,
            by=current_user,
            **form.details(),
        )
    if saved.refusal:
        field = form.email if saved.refusal.field == "email" else form.phone
        field.errors.append(IN_USE)
        return details_page(participant, form)
    done = "Details saved." if changed else "Nothing changed."
    return back_to_record(participant, done, anchor="details")


def details_page(participant: User, form: ParticipantDetailsForm):
    status = 422 if form.is_submitted() else 200
    return render_template("caseload/details.html", participant=participant, form=form), status
