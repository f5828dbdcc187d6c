"""The keyworker's caseload and each participant's record."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from webapp import areas
from webapp.auth.operations import DuplicateContact, invite_participant, reissue_invitation
from webapp.auth.views import send_reset_link
from webapp.caseload import operations
from webapp.caseload.facts import SORTS, CaseloadRow, caseload_facts, caseload_rows, sort_rows
from webapp.caseload.forms import (
    CaseloadFilterForm,
    ContactRequestForm,
    InviteParticipantForm,
    NoteForm,
    OutcomeForm,
    PauseForm,
    ReferralForm,
    ReferralStatusForm,
    StageForm,
)
from webapp.caseload.operations import stage_history
from webapp.caseload.timeline import TimelineFilters, TimelineItem, build_timeline, timeline_kinds
from webapp.models import (
    AccessToken,
    ContractType,
    OutboxMail,
    OutcomeKind,
    ParticipantProfile,
    ParticipantStatus,
    PauseReason,
    Referral,
    ReferralKind,
    ReferralStatus,
    Role,
    TokenPurpose,
    User,
    as_utc,
)
from webapp.services import audit
from webapp.services.mail import send_mail
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.policy import allow, participant_or_404, participants_in_scope, staff_only

bp = Blueprint("caseload", __name__, url_prefix="/people")


PAGE_SIZE = 100


@bp.route("/")
@staff_only
def index():
    filters = CaseloadFilterForm(request.args)
    filters.sort.choices = [
        *(SelectChoice(key, label) for key, label in SORTS.items()),
        *(SelectChoice(f.key, f.label) for f in caseload_facts() if f.key not in SORTS),
    ]
    filters.validate()
    show = filters.show.data or ("mine" if current_user.role == Role.KEYWORKER else "all")
    filters.show.data = show
    # The scope query has joined the profile already; the keyworker is shown only for "all".
    query = participants_in_scope(current_user)
    if show == "mine":
        query = query.where(ParticipantProfile.keyworker_id == current_user.id)
    if filters.status.data and not filters.status.errors:
        query = query.where(ParticipantProfile.status == ParticipantStatus(filters.status.data))
    if filters.q.data:
        query = query.where(User.name.ilike(f"%{filters.q.data}%"))
    rows = caseload_rows(db.session, query.order_by(User.name), with_keyworker=show == "all")
    if filters.attention.data:
        rows = [row for row in rows if row.flags]
    rows = sort_rows(rows, filters.sort.data if not filters.sort.errors else "attention")
    page = max(request.args.get("page", 1, type=int), 1)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render_template(
        "caseload/index.html",
        filters=filters,
        rows=shown,
        total=len(rows),
        page=page,
        pages=max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        facts=caseload_facts(),
        show=show,
        caseload_row=caseload_row,
    )


def caseload_row(row: CaseloadRow, show_keyworker: bool) -> Markup:
    """One person's row of the caseload table."""
    with_keyworker = (
        row.keyworker_name if show_keyworker and row.keyworker_id != current_user.id else None
    )
    cells = tuple(
        (fact.key, fact.label, value.text, value.attention)
        if (value := row.facts[fact.key]) is not None
        else (fact.key, fact.label, None, False)
        for fact in row.columns
    )
    return _rendered_row(
        request.script_root,
        row.participant_id,
        row.name,
        row.status.value,
        with_keyworker,
        cells,
        tuple(row.flags),
    )


# A row's HTML depends only on what it shows (and where the app is served from, for its
# link), so each is made once and kept, keyed by exactly those values: a changed fact or flag
# is a new key, never a stale row. Most rows are the same from one look at the caseload to the
# next, and making fifty of them cost more than working out their facts. About 1 KB a row.
# A row of someone since erased is never shown again (its key no longer matches) and stays in
# memory only until pushed out or the worker restarts (gunicorn recycles each one often).
@lru_cache(maxsize=4096)
def _rendered_row(
    script_root: str,
    participant_id: int,
    name: str,
    status: str,
    with_keyworker: str | None,
    cells: tuple[tuple[str, str, str | None, bool], ...],
    flags: tuple[str, ...],
) -> Markup:
    return Markup(
        render_template(
            "caseload/_row.html",
            participant_id=participant_id,
            name=name,
            status=status,
            with_keyworker=with_keyworker,
            cells=cells,
            flags=flags,
        )
    )


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


def timeline_filters(include_staff_only: bool) -> TimelineFilters:
    known = {source.kind for source in timeline_kinds()}
    kinds = frozenset(k for k in request.args.getlist("kind") if k in known)
    before = None
    if request.args.get("before"):
        try:
            before = datetime.fromisoformat(request.args["before"])
        except ValueError:
            abort(400)
        if as_utc(before) is None:
            abort(400)
    return TimelineFilters(
        kinds=kinds or None,
        include_staff_only=include_staff_only,
        before=before,
        limit=TIMELINE_PAGE,
    )


TIMELINE_PAGE = 50


def audit_staff_only_views(participant: User, items: list[TimelineItem]) -> None:
    """Every staff-only note shown to a member of staff leaves a line in the audit log."""
    notes = [i.ref[1] for i in items if i.staff_only and i.ref and i.ref[0] == "note"]
    audit.staff_viewed_each(
        db.session, "note.staff_only_viewed", participant, [{"note": n} for n in notes]
    )


def timeline_json(items: list[TimelineItem]) -> list[dict]:
    return [
        {
            "when": item.when.isoformat(),
            "kind": item.kind,
            "title": item.title,
            "detail": item.detail,
            "by": item.by,
            "staff_only": item.staff_only,
            "url": item.url,
        }
        for item in items
    ]


def wants_json() -> bool:
    return (
        request.accept_mimetypes.best == "application/json" or request.args.get("format") == "json"
    )


@bp.route("/<int:participant_id>")
@staff_only
def record(participant_id: int, forms: dict | None = None, status: int = 200):
    participant = participant_or_404(participant_id)
    filters = timeline_filters(include_staff_only=True)
    items = build_timeline(db.session, participant, filters)
    audit.staff_viewed(db.session, "record.viewed", participant)
    audit_staff_only_views(participant, items)
    older = items[-1].when.isoformat() if len(items) == filters.limit else None
    if wants_json():
        answer = jsonify(participant=participant.id, timeline=timeline_json(items), older=older)
        return audit.kept_with(db.session, answer)
    timeline_context = {
        "participant": participant,
        "items": items,
        "sources": timeline_kinds(),
        "filters": filters,
        "older": older,
    }
    if request.headers.get("HX-Request"):
        response = make_response(render_template("caseload/_timeline.html", **timeline_context))
        response.vary.add("HX-Request")
        return audit.kept_with(db.session, response)
    profile = participant.profile
    invitation = None
    if profile.status == ParticipantStatus.INVITED:
        invitation = db.session.scalar(
            select(AccessToken)
            .where(
                AccessToken.user_id == participant.id, AccessToken.purpose == TokenPurpose.INVITE
            )
            .order_by(AccessToken.created_at.desc())
            .limit(1)
        )
    mail = db.session.scalars(
        select(OutboxMail)
        .where(OutboxMail.user_id == participant.id)
        .order_by(OutboxMail.created_at.desc())
        .limit(10)
    ).all()
    referrals = db.session.scalars(
        select(Referral)
        .where(Referral.participant_id == participant.id)
        .order_by(Referral.made_on.desc(), Referral.id.desc())
        .limit(20)
    ).all()
    history = stage_history(db.session, participant.id)
    forms = forms or {}
    stage_form = forms.get("stage") or StageForm(formdata=None)
    if history and "stage" not in forms:
        stage_form.stage.data = history[0].stage
    response = make_response(
        render_template(
            "caseload/record.html",
            **timeline_context,
            profile=profile,
            invitation=invitation,
            mail=mail,
            form=EmptyForm(),
            referrals=referrals,
            history=history,
            stage=history[0] if history else None,
            note_form=forms.get("note") or NoteForm(formdata=None),
            stage_form=stage_form,
            status_choices=REFERRAL_STATUS_CHOICES,
            panels=areas.render_panels(areas.current().record_panels, db.session, participant),
        ),
        status,
    )
    response.vary.add("HX-Request")
    return audit.kept_with(db.session, response)


REFERRAL_STATUS_CHOICES = ReferralStatusForm.status.kwargs["choices"]


def back_to_record(participant: User, message: str, anchor: str = "timeline"):
    flash(message, "success")
    return redirect(url_for("caseload.record", participant_id=participant.id, _anchor=anchor))


@bp.route("/<int:participant_id>/notes", methods=["POST"])
@staff_only
def add_note(participant_id: int):
    participant = participant_or_404(participant_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return record(participant_id, forms={"note": form}, status=422)
    operations.add_note(
        db.session,
        participant=participant,
        author=current_user,
        body=form.note.data,
        staff_only=form.staff_only.data,
    )
    db.session.commit()
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
    operations.make_referral(
        db.session,
        participant=participant,
        made_by=current_user,
        kind=ReferralKind(form.referral_kind.data),
        organisation=form.organisation.data,
        made_on=form.made_on.data,
    )
    db.session.commit()
    return back_to_record(participant, "Referral saved.", "referrals")


@bp.route("/<int:participant_id>/referrals/<int:referral_id>", methods=["POST"])
@staff_only
def update_referral(participant_id: int, referral_id: int):
    participant = participant_or_404(participant_id)
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.participant_id != participant.id:
        abort(404)
    form = ReferralStatusForm()
    if not form.validate_on_submit():
        return record(participant_id, status=422)
    operations.update_referral(
        db.session,
        referral=referral,
        status=ReferralStatus(form.status.data),
        changed_by=current_user,
    )
    db.session.commit()
    return back_to_record(participant, "Referral updated.", "referrals")


@bp.route("/<int:participant_id>/outcomes", methods=["GET", "POST"])
@staff_only
def add_outcome(participant_id: int):
    participant = participant_or_404(participant_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        return form_page(participant, "outcome", form)
    operations.record_outcome(
        db.session,
        participant=participant,
        recorded_by=current_user,
        kind=OutcomeKind(form.outcome_kind.data),
        achieved_on=form.achieved_on.data,
        hours_per_week=form.hours_per_week.data,
        contract_type=ContractType(form.contract_type.data) if form.contract_type.data else None,
        detail=form.detail.data,
    )
    db.session.commit()
    return back_to_record(participant, "Outcome recorded. Well done to them!")


@bp.route("/<int:participant_id>/stage", methods=["POST"])
@staff_only
def change_stage(participant_id: int):
    participant = participant_or_404(participant_id)
    form = StageForm()
    if not form.validate_on_submit():
        return record(participant_id, forms={"stage": form}, status=422)
    change = operations.set_stage(
        db.session, participant=participant, stage=form.stage.data, changed_by=current_user
    )
    db.session.commit()
    message = f"Moved to stage {form.stage.data}." if change else "That is already their stage."
    return back_to_record(participant, message, "stage-card")


@bp.route("/<int:participant_id>/pause", methods=["GET", "POST"])
@staff_only
def pause(participant_id: int):
    participant = participant_or_404(participant_id)
    form = PauseForm()
    if not form.validate_on_submit():
        return form_page(participant, "pause", form)
    try:
        operations.pause(
            db.session,
            participant=participant,
            by=current_user,
            reason=PauseReason(form.reason.data),
        )
    except operations.NotAllowedNow as problem:
        flash(str(problem), "warning")
        return redirect(url_for("caseload.record", participant_id=participant.id))
    db.session.commit()
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
    try:
        operations.resume(db.session, participant=participant, by=current_user)
    except operations.NotAllowedNow as problem:
        flash(str(problem), "warning")
        return redirect(url_for("caseload.record", participant_id=participant.id))
    db.session.commit()
    return back_to_record(
        participant, f"{participant.first_name} is taking part again.", "involvement"
    )


# --- The participant's own view ------------------------------------------------------------


def my_notes_context(forms: dict | None = None) -> dict:
    forms = forms or {}
    return {
        "notes": operations.shared_notes(db.session, current_user.id),
        "profile": current_user.profile,
        "ask_form": forms.get("ask") or ContactRequestForm(formdata=None),
        "pause_form": forms.get("pause") or PauseForm(formdata=None),
        "form": EmptyForm(),
    }


@bp.route("/me/notes")
@allow(Role.PARTICIPANT)
def my_notes():
    notes = operations.shared_notes(db.session, current_user.id)
    if wants_json():
        response = jsonify(
            notes=[
                {"id": n.id, "written_at": n.created_at.isoformat(), "body": n.body} for n in notes
            ]
        )
    elif request.headers.get("HX-Request"):
        response = make_response(render_template("caseload/_my_notes_list.html", notes=notes))
    else:
        response = make_response(render_template("caseload/my_notes.html", **my_notes_context()))
    response.vary.add("HX-Request")
    response.vary.add("Accept")
    return response


@bp.route("/me/ask", methods=["POST"])
@allow(Role.PARTICIPANT)
def ask_for_contact():
    form = ContactRequestForm()
    if not form.validate_on_submit():
        return render_template("caseload/my_notes.html", **my_notes_context({"ask": form})), 422
    operations.add_note(
        db.session,
        participant=current_user,
        author=current_user,
        body=form.body.data,
        asks_for_contact=True,
    )
    db.session.commit()
    flash("Sent. Your keyworker will get in touch.", "success")
    return redirect(url_for("caseload.my_notes"))


@bp.route("/me/pause", methods=["POST"])
@allow(Role.PARTICIPANT)
def my_pause():
    form = PauseForm()
    if not form.validate_on_submit():
        return render_template("caseload/my_notes.html", **my_notes_context({"pause": form})), 422
    try:
        operations.pause(
            db.session,
            participant=current_user,
            by=current_user,
            reason=PauseReason(form.reason.data),
        )
    except operations.NotAllowedNow as problem:
        flash(str(problem), "warning")
    else:
        db.session.commit()
        flash(
            "You're taking a break. Nothing is closed: come back whenever you're ready.", "success"
        )
    return redirect(url_for("caseload.my_notes"))


@bp.route("/me/resume", methods=["POST"])
@allow(Role.PARTICIPANT)
def my_resume():
    if EmptyForm().validate_on_submit():
        try:
            operations.resume(db.session, participant=current_user, by=current_user)
        except operations.NotAllowedNow as problem:
            flash(str(problem), "warning")
        else:
            db.session.commit()
            flash("Welcome back. Your keyworker will see you're taking part again.", "success")
    return redirect(url_for("caseload.my_notes"))


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
