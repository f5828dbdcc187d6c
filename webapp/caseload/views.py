"""The keyworker's caseload: everyone they work with at a glance, and inviting a parent."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from flask import (
    current_app,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from webapp.auth.operations import (
    DuplicateContact,
    email_invitation,
    invite_participant,
    reissue_invitation,
    text_invitation,
)
from webapp.auth.views import LinkSent, send_reset_link
from webapp.caseload import queries
from webapp.caseload.blueprint import bp
from webapp.caseload.entry_views import refused
from webapp.caseload.facts import SORTS, CaseloadRow, caseload_facts
from webapp.caseload.forms import (
    IN_USE,
    CaseloadFilterForm,
    InviteParticipantForm,
)
from webapp.caseload.record_views import record
from webapp.models import (
    ParticipantStatus,
    Role,
    User,
)
from webapp.services import audit
from webapp.services.records import RecordErased
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import committed
from webapp.web.policy import participant_or_404, staff_only

PAGE_SIZE = 100


@bp.route("/")
@staff_only
def index():
    filters = caseload_filters()
    show = filters.show.data or ("mine" if current_user.role == Role.KEYWORKER else "all")
    filters.show.data = show
    rows = queries.caseload(
        db.session,
        current_user,
        mine=show == "mine",
        status=filters.status.data if not filters.status.errors else None,
        name=filters.q.data,
        needing_attention=bool(filters.attention.data),
        sort=filters.sort.data if not filters.sort.errors else "attention",
    )
    return render_template(
        "caseload/index.html", filters=filters, show=show, **one_page(rows), facts=caseload_facts()
    )


def one_page(rows: list[CaseloadRow]) -> dict:
    """The page of rows asked for (PAGE_SIZE a page), and where it sits among them."""
    page = max(request.args.get("page", 1, type=int), 1)
    return {
        "rows": rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "total": len(rows),
        "page": page,
        "pages": max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        "caseload_row": caseload_row,
    }


def caseload_filters() -> CaseloadFilterForm:
    """The caseload's filters as asked for, checked, with every column as a way to sort."""
    filters = CaseloadFilterForm(request.args)
    filters.sort.choices = [
        *(SelectChoice(key, label) for key, label in SORTS.items()),
        *(SelectChoice(f.key, f.label) for f in caseload_facts() if f.key not in SORTS),
    ]
    filters.validate()
    return filters


def caseload_row(row: CaseloadRow, show_keyworker: bool) -> Markup:
    """One person's row of the caseload table."""
    # Everyone's caseload says whose each parent is; one's own says whom one covers for.
    keyworker_hint = None
    if row.keyworker_name and row.keyworker_id != current_user.id:
        keyworker_hint = f"{'with' if show_keyworker else 'covering for'} {row.keyworker_name}"
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
        keyworker_hint,
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
    keyworker_hint: str | None,
    cells: tuple[tuple[str, str, str | None, bool], ...],
    flags: tuple[str, ...],
) -> Markup:
    return Markup(
        render_template(
            "caseload/_row.html",
            participant_id=participant_id,
            name=name,
            status=status,
            keyworker_hint=keyworker_hint,
            cells=cells,
            flags=flags,
        )
    )


def keyworker_choices() -> list[SelectChoice]:
    return [SelectChoice(k.id, k.name) for k in queries.active_keyworkers(db.session, current_user)]


@bp.route("/invite", methods=["GET", "POST"])
@staff_only
def invite():
    form = InviteParticipantForm()
    form.keyworker_id.choices = keyworker_choices()
    if not form.is_submitted() and current_user.role == Role.KEYWORKER:
        form.keyworker_id.data = current_user.id
    if not form.validate_on_submit():
        return render_template("caseload/invite.html", form=form)
    with committed(DuplicateContact) as invited:
        participant, token = invite_participant(
            db.session,
            invited_by=current_user,
            **form.invitation(),
            keyworker=queries.user_or_none(db.session, form.keyworker_id.data),
            lifetime=timedelta(days=current_app.config["INVITE_DAYS"]),
        )
        sent = send_invitation(participant, token)
    if invited.refusal:
        field = form.email if invited.refusal.field == "email" else form.phone
        field.errors.append(IN_USE)
        return render_template("caseload/invite.html", form=form)
    return link_ready(participant, sent, "invite")


def link_ready(participant: User, sent: LinkSent, kind: str):
    """The one-time link, to pass on; says it was emailed or texted only when the mail server
    or the text provider took it."""
    return render_template(
        "caseload/link_ready.html",
        participant=participant,
        link=sent.link,
        emailed=sent.emailed,
        texted=sent.texted,
        kind=kind,
    )


def send_invitation(participant: User, token: str) -> LinkSent:
    """Record the invitation and send it by email and by text, where the parent can get each;
    the link, and whether each went."""
    audit.record(db.session, "invite.issued", actor=current_user, participant=participant)
    link = url_for("auth.accept_invitation", token=token, _external=True)
    days = current_app.config["INVITE_DAYS"]
    emailed = email_invitation(
        db.session, participant=participant, keyworker=current_user, link=link, days=days
    )
    texted = text_invitation(db.session, participant=participant, link=link, days=days)
    return LinkSent(link, emailed, texted)


@bp.route("/<int:participant_id>/invitation", methods=["POST"])
@staff_only
def new_invitation(participant_id: int):
    participant = participant_or_404(participant_id)
    form = EmptyForm()
    if not form.validate_on_submit() or participant.profile.status != ParticipantStatus.INVITED:
        return record(participant_id)
    with committed(RecordErased) as made:
        token = reissue_invitation(
            db.session,
            participant=participant,
            issued_by=current_user,
            lifetime=timedelta(days=current_app.config["INVITE_DAYS"]),
        )
        sent = send_invitation(participant, token)
    if made.refusal:
        return refused(participant, made.refusal)
    return link_ready(participant, sent, "invite")


@bp.route("/<int:participant_id>/reset-link", methods=["POST"])
@staff_only
def reset_link(participant_id: int):
    participant = participant_or_404(participant_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return record(participant_id)
    with committed(RecordErased) as made:
        sent = send_reset_link(participant, issued_by=current_user)
    if made.refusal:
        return refused(participant, made.refusal)
    return link_ready(participant, sent, "reset")
