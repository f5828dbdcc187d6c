"""Who may use what. Every view declares its policy with one of these decorators; a view
without one is refused (see ``enforce_declared_policy``), so a new route cannot leak by accident.

Scope rules, the same everywhere:
- a participant sees only their own record;
- keyworkers and managers see the participants of their own locality;
- admins see everything.
Anything out of scope answers 404, so that ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from webapp.models import STAFF_ROLES, ParticipantProfile, Role, User
from webapp.web.extensions import db, login_manager

PUBLIC = "public"
POLICY_ATTRIBUTE = "coplan_policy"


def public(view: Callable) -> Callable:
    """Anyone may use this view, signed in or not."""
    setattr(view, POLICY_ATTRIBUTE, PUBLIC)
    return view


def allow(*roles: Role) -> Callable[[Callable], Callable]:
    """Only signed-in people with one of these roles may use this view."""
    if not roles:
        raise ValueError("allow() needs at least one role")

    def decorate(view: Callable) -> Callable:
        setattr(view, POLICY_ATTRIBUTE, frozenset(roles))
        return view

    return decorate


signed_in = allow(*Role)
staff_only = allow(*STAFF_ROLES)


def view_policy(endpoint: str | None) -> Any:
    """The policy declared by the view behind an endpoint, or None."""
    if endpoint is None:
        return None
    view = current_app.view_functions.get(endpoint)
    return getattr(view, POLICY_ATTRIBUTE, None)


def enforce_declared_policy():
    """Before every request: apply the view's declared policy, refusing views that have none."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    policy = view_policy(request.endpoint)
    if policy is None:
        current_app.logger.error("View %s declares no access policy", request.endpoint)
        abort(403)
    if policy == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in policy:
        abort(403)
    return None


def can_see_participant(viewer: User, participant: User) -> bool:
    """Whether ``viewer`` may see ``participant``'s record."""
    if participant.role != Role.PARTICIPANT:
        return False
    if viewer.role == Role.ADMIN:
        return True
    if viewer.role == Role.PARTICIPANT:
        return viewer.id == participant.id
    return viewer.locality_id is not None and viewer.locality_id == participant.locality_id


def participants_in_scope(viewer: User) -> Select[tuple[User]]:
    """A query for the participants ``viewer`` may see."""
    query = select(User).join(ParticipantProfile, ParticipantProfile.user_id == User.id)
    query = query.where(User.role == Role.PARTICIPANT)
    if viewer.role == Role.ADMIN:
        return query
    if viewer.role == Role.PARTICIPANT:
        return query.where(User.id == viewer.id)
    return query.where(User.locality_id == viewer.locality_id)


def participant_or_404(participant_id: int, viewer: User | None = None) -> User:
    """The participant with this id, if the viewer may see them; otherwise 404."""
    viewer = viewer or current_user
    # With the profile in the same query: nearly every page about a participant reads it.
    participant = db.session.get(User, participant_id, options=[joinedload(User.profile)])
    if participant is None or not can_see_participant(viewer, participant):
        abort(404)
    return participant


def init_app(app) -> None:
    app.before_request(enforce_declared_policy)
