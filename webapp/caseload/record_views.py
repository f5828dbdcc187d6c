"""A participant's record for staff: one timeline of everything, and the record's panels."""

from __future__ import annotations

from datetime import datetime

from flask import (
    abort,
    jsonify,
    make_response,
    render_template,
    request,
)

from webapp import areas
from webapp.caseload import queries
from webapp.caseload.blueprint import bp
from webapp.caseload.forms import (
    NoteForm,
    ReferralStatusForm,
    StageForm,
)
from webapp.caseload.operations import stage_history
from webapp.caseload.timeline import TimelineFilters, TimelineItem, build_timeline, timeline_kinds
from webapp.models import (
    ParticipantStatus,
    User,
    as_utc,
)
from webapp.services import audit
from webapp.web.extensions import db
from webapp.web.forms import EmptyForm
from webapp.web.htmx import is_htmx
from webapp.web.policy import participant_or_404, staff_only

REFERRAL_STATUS_CHOICES = ReferralStatusForm.status.kwargs["choices"]


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
    timeline = {
        "participant": participant,
        "items": items,
        "sources": timeline_kinds(),
        "filters": filters,
        "older": older,
    }
    if is_htmx():
        response = make_response(render_template("caseload/_timeline.html", **timeline))
    else:
        response = make_response(record_page(participant, timeline, forms or {}), status)
    response.vary.add("HX-Request")
    return audit.kept_with(db.session, response)


def record_page(participant: User, timeline: dict, forms: dict) -> str:
    """The whole record: the timeline with the parent's details, stage, referrals and panels."""
    profile = participant.profile
    history = stage_history(db.session, participant.id)
    stage_form = forms.get("stage") or StageForm(formdata=None)
    if history and "stage" not in forms:
        stage_form.stage.data = history[0].stage
    invited = profile.status == ParticipantStatus.INVITED
    return render_template(
        "caseload/record.html",
        **timeline,
        profile=profile,
        invitation=queries.latest_invitation(db.session, participant) if invited else None,
        closure=queries.latest_closure(db.session, participant.id) if profile.is_closed else None,
        mail=queries.recent_mail(db.session, participant),
        form=EmptyForm(),
        referrals=queries.recent_referrals(db.session, participant),
        history=history,
        stage=history[0] if history else None,
        note_form=forms.get("note") or NoteForm(formdata=None),
        stage_form=stage_form,
        status_choices=REFERRAL_STATUS_CHOICES,
        panels=areas.render_panels(areas.current().record_panels, db.session, participant),
    )
