"""What the sessions views answer with: a week of free times to pick from (for a parent, for
staff booking for one, or to move a session to), and a refused booking's page."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template, request, url_for

from webapp import clock
from webapp.locality import queries as locality_queries
from webapp.models import BookedSession, User, utcnow
from webapp.sessions import queries
from webapp.sessions.guard import BookingProblem, SlotTaken
from webapp.sessions.limits import service_limits
from webapp.sessions.slots import agreed_with_parent
from webapp.web.extensions import db

# A parent's booking and any move are checked on a page of their own before they are made.
CHECK_FIRST = {
    "sessions.book": "sessions.confirm_booking",
    "sessions.reschedule": "sessions.confirm_move",
}


def render_slots(
    participant: User,
    keyworker_id: int | None,
    *,
    action: str,
    title: str,
    moving: BookedSession | None = None,
    agreed: bool = False,
    **action_values,
):
    week = max(0, min(request.args.get("week", 0, type=int), 6))
    limits = service_limits(participant.locality)
    slots, more = (
        queries.week_of_slots(
            db.session,
            participant,
            keyworker_id,
            week,
            agreed_with_parent(limits) if agreed else limits,
            moving.id if moving else None,
        )
        if keyworker_id
        else ([], False)
    )
    first = clock.local(utcnow() + timedelta(weeks=week)).date()
    closures = (
        []
        if slots
        else locality_queries.closures_between(
            db.session, participant.locality_id, first, first + timedelta(days=6)
        )
    )
    return render_template(
        "sessions/find_time.html",
        closures=closures,
        first=first,
        title=title,
        participant=participant,
        days=queries.slots_by_day(slots),
        venues=locality_queries.venues_by_id(db.session, slots),
        week=week,
        more=more,
        action=url_for(CHECK_FIRST.get(action, action), **action_values),
        check_first=action in CHECK_FIRST,
        moving=moving,
        has_keyworker=keyworker_id is not None,
        agreed=agreed,
        notice=clock.duration_words(limits.min_notice),
        week_args=dict(request.view_args or {}, **({"agreed": "y"} if agreed else {})),
    )


def answer_problem(
    problem: BookingProblem, participant: User, *, action: str, agreed=False, **action_values
):
    """A refused booking: 409 with the nearest free times, or 422 when the time isn't offered."""
    alternatives = problem.alternatives if isinstance(problem, SlotTaken) else []
    status = 409 if isinstance(problem, SlotTaken) else 422
    return render_template(
        "sessions/problem.html",
        message=problem.message,
        participant=participant,
        alternatives=alternatives,
        venues=locality_queries.venues_by_id(db.session, alternatives),
        action=url_for(CHECK_FIRST.get(action, action), **action_values),
        check_first=action in CHECK_FIRST,
        agreed=agreed,
        back=request.referrer if request.referrer else url_for("home.index"),
    ), status
