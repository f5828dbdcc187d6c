"""Every route × every kind of person × own, same-locality and other-locality records.

For each route in the app's URL map the test builds a URL about parent A (their id, or an id
of something of theirs), asks for it as each person, and checks the answer against the route's
declared policy and the scope rules in webapp/web/policy.py. A route this file cannot build a URL
for fails the test, so a new route is never left out."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from webapp.models import Base, ErasureRequest
from webapp.web.extensions import db
from webapp.web.policy import POLICY_ATTRIBUTE, PUBLIC

PEOPLE = [
    "anonymous",
    "parent_a",
    "parent_b",
    "keyworker",
    "manager",
    "other_keyworker",
    "other_manager",
    "admin",
]
# Who may see parent A's things when the route's policy lets their role in at all.
IN_SCOPE_OF_PARENT_A = {"parent_a", "keyworker", "manager", "admin"}
# Tables a GET may write to: looking at a record is itself recorded.
WRITTEN_BY_LOOKING = {"audit_events"}


@dataclass
class World:
    people: dict
    values: dict  # URL parameter name -> value that belongs to parent A


def build_world(make, session) -> World:
    here, there = make.locality(name="Here"), make.locality(name="There")
    keyworker = make.keyworker(locality=here)
    people = {
        "parent_a": make.participant(locality=here, keyworker=keyworker),
        "parent_b": make.participant(locality=here, keyworker=keyworker),
        "keyworker": keyworker,
        # parent A's locality manager: without one, no manager-only route is ever reached
        "manager": make.manager(locality=here),
        "other_keyworker": make.keyworker(locality=there),
        "other_manager": make.manager(locality=there),
        "admin": make.admin(),
    }
    values = {"participant_id": people["parent_a"].id}
    for add_values in URL_VALUE_BUILDERS:
        values.update(add_values(session, people))
    session.commit()
    return World(people, values)


def erasure_request(session, people):
    request = ErasureRequest(
        participant_id=people["parent_a"].id, requested_by_id=people["parent_a"].id
    )
    session.add(request)
    session.flush()
    return {"request_id": request.id}


def plan_goal_and_step(session, people):
    from webapp.models import User
    from webapp.plans import operations as plans

    parent = session.get(User, people["parent_a"].id)
    plan = plans.plan_for(session, parent)
    goal = plans.add_goal(
        session, plan=plan, actor=parent, title="Get my confidence back", area="confidence"
    )
    step = plans.add_step(session, goal=goal, actor=parent, text="Phone the college")
    return {"goal_id": goal.id, "step_id": step.id}


def bookings(session, people):
    from datetime import date, time, timedelta

    from webapp.models import (
        AvailabilityRule,
        BookedSession,
        CalendarEntryKind,
        FreeWindow,
        GroupPlace,
        GroupSession,
        SchoolCalendarEntry,
        SessionMode,
        TimeOff,
        Venue,
        utcnow,
    )

    parent, keyworker = people["parent_a"], people["keyworker"]
    start = utcnow() + timedelta(days=3)
    booked = BookedSession(
        keyworker_id=keyworker.id,
        participant_id=parent.id,
        mode=SessionMode.PHONE,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    group = GroupSession(
        locality_id=keyworker.locality_id,
        led_by_id=keyworker.id,
        title="Peer support",
        starts_at=start + timedelta(days=1),
        ends_at=start + timedelta(days=1, hours=2),
        capacity=8,
    )
    rule = AvailabilityRule(
        keyworker_id=keyworker.id,
        weekday=0,
        starts_at=time(9, 30),
        ends_at=time(12),
        mode=SessionMode.PHONE,
        valid_from=date.today(),
    )
    time_off = TimeOff(
        keyworker_id=keyworker.id, starts_at=start, ends_at=start + timedelta(days=1)
    )
    window = FreeWindow(participant_id=parent.id, weekday=1, starts_at=time(9), ends_at=time(12))
    entry = SchoolCalendarEntry(
        locality_id=keyworker.locality_id,
        kind=CalendarEntryKind.HOLIDAY,
        name="October week",
        starts_on=date(2027, 10, 11),
        ends_on=date(2027, 10, 15),
    )
    venue = Venue(locality_id=keyworker.locality_id, name="Parkhead Hub", address="1 Main St")
    session.add(venue)
    session.add_all([booked, group, rule, time_off, window, entry])
    session.flush()
    session.add(GroupPlace(group_session_id=group.id, participant_id=parent.id))
    session.flush()
    return {
        "session_id": booked.id,
        "group_id": group.id,
        "rule_id": rule.id,
        "time_off_id": time_off.id,
        "window_id": window.id,
        "entry_id": entry.id,
        "venue_id": venue.id,
    }


def service_record(session, people):
    from datetime import date

    from webapp.models import Idea, Referral, ReferralKind

    parent = people["parent_a"]
    referral = Referral(
        participant_id=parent.id,
        made_by_id=people["keyworker"].id,
        kind=ReferralKind.OTHER,
        organisation="Money advice",
        made_on=date(2026, 11, 1),
    )
    idea = Idea(locality_id=parent.locality_id, author_id=parent.id, body="Evening sessions")
    session.add_all([referral, idea])
    session.flush()
    return {"referral_id": referral.id, "idea_id": idea.id}


def staff_member(session, people):
    """A keyworker of parent A's locality for the staff pages: not one of the people signing
    in, so that deactivating them or resetting their two-step sign-in ends no one's turn."""
    from webapp.auth.operations import create_user
    from webapp.models import Role

    colleague = create_user(
        session,
        role=Role.KEYWORKER,
        name="Colleague Here",
        email="colleague@example.org",
        password="colleague-password",
        locality_id=people["keyworker"].locality_id,
    )
    return {"staff_id": colleague.id, "locality_id": people["keyworker"].locality_id}


def join_request(session, people):
    """A request to join parent A's locality, waiting in its staff's queue."""
    from webapp.models import JoinRequest, utcnow

    waiting = JoinRequest(
        locality_id=people["keyworker"].locality_id,
        name="Nadia Asking",
        phone="07700900999",
        consented_at=utcnow(),
    )
    session.add(waiting)
    session.flush()
    return {"join_request_id": waiting.id}


def document(session, people):
    """A document parent A sent their keyworker with a message: only those who can see parent
    A's conversation may fetch it; anyone else, in the locality or not, gets 404."""
    from tests.factories.documents import make_document

    parent = people["parent_a"]
    return {"document_id": make_document(session, participant=parent, uploaded_by=parent).id}


def cover(session, people):
    """Parent A's keyworker covering for a colleague of their locality who is away."""
    from datetime import timedelta

    from webapp.auth.operations import create_user
    from webapp.models import Cover, Role, london_today

    away = create_user(
        session,
        role=Role.KEYWORKER,
        name="Away Colleague",
        email="away@example.org",
        locality_id=people["keyworker"].locality_id,
    )
    arranged = Cover(
        absent_id=away.id,
        cover_id=people["keyworker"].id,
        starts_on=london_today(),
        ends_on=london_today() + timedelta(days=7),
        arranged_by_id=people["manager"].id,
    )
    session.add(arranged)
    session.flush()
    return {"cover_id": arranged.id}


# Functions (session, people) -> {url parameter: value belonging to parent A}, one per area.
URL_VALUE_BUILDERS: list = [
    document,
    erasure_request,
    plan_goal_and_step,
    bookings,
    service_record,
    staff_member,
    join_request,
    cover,
]

# Who may reach a thing named by a URL parameter, beyond admins: by default parent A's own
# things, reachable by parent A and their keyworker.
PARAMETER_SCOPE = {
    # the keyworker's own diary
    "rule_id": {"keyworker"},
    "time_off_id": {"keyworker"},
    # things of the locality: every parent and keyworker there
    "group_id": {"parent_a", "parent_b", "keyworker", "manager"},
    "entry_id": {"parent_a", "parent_b", "keyworker", "manager"},
    "venue_id": {"parent_a", "parent_b", "keyworker", "manager"},
    "idea_id": {"parent_a", "parent_b", "keyworker", "manager"},
    # staff of parent A's locality: their manager's to manage
    "staff_id": {"manager"},
    # parent A's locality: its manager sets its rules
    "locality_id": {"manager"},
    # a request to join the locality: its keyworkers and manager act on it
    "join_request_id": {"keyworker", "manager"},
    # cover in the locality: its staff arrange and end it
    "cover_id": {"keyworker", "manager"},
}

# URL parameters that do not identify anyone's data, and the value to use.
FIXED_VALUES = {
    "kind": {"privacy.download": "json", "admin.participant_export": "json"},
    "decision": {"admin.decide_erasure": "refuse"},
    "filename": {"static": "css/app.css"},
    "key": {"reports.download": "outcomes"},
}
# Routes about one person's own things, with no id in the URL: out of scope never applies.
# Tokens are secrets rather than ids, and are tested in tests/caseload/test_invitations.py.
SKIPPED_PARAMETERS = {"token"}
# Signing out in the middle of the matrix would end the person's turn early.
SKIPPED_ENDPOINTS = {"static", "auth.sign_out"}


def url_values(app, rule, world: World):
    values = {}
    for argument in rule.arguments:
        if argument in FIXED_VALUES:
            values[argument] = FIXED_VALUES[argument][rule.endpoint]
        elif argument in world.values:
            values[argument] = world.values[argument]
        else:
            return None
    return values


def routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED_ENDPOINTS or rule.arguments & SKIPPED_PARAMETERS:
            continue
        yield rule


def row_counts() -> dict[str, int]:
    """How many rows each table holds, in one query (the fuzz asks twice a post)."""
    tables = [t for t in Base.metadata.sorted_tables if t.name not in WRITTEN_BY_LOOKING]
    counts = db.session.execute(
        select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))
    ).one()
    return dict(zip((t.name for t in tables), counts, strict=True))


def in_scope(rule) -> set[str] | None:
    """Who may reach what this URL names; None when it names nothing of anyone's."""
    scopes = [
        PARAMETER_SCOPE.get(name, IN_SCOPE_OF_PARENT_A - {"admin"})
        for name in rule.arguments
        if name not in FIXED_VALUES
    ]
    if not scopes:
        return None
    return set.intersection(*scopes) | {"admin"}


def expected(policy, person: str, scope: set[str] | None) -> str:
    if policy == PUBLIC:
        return "allowed"
    if person == "anonymous":
        return "sign-in"
    role = world_role(person)
    if role not in {r.value for r in policy}:
        return "refused"
    if scope is not None and person not in scope:
        return "not found"
    return "allowed"


def allowed_person(policy, scope: set[str] | None = None) -> str | None:
    """Someone the policy lets in and whose scope covers the URL (None for a public route)."""
    if policy == PUBLIC:
        return None
    # Admins come last: they pass every scope, but many routes are not theirs to use.
    for person in ("parent_a", "keyworker", "manager", "admin"):
        if expected(policy, person, scope) == "allowed":
            return person
    raise AssertionError(f"nobody in the world may use a route with policy {policy}")


def world_role(person: str) -> str:
    return {
        "parent_a": "participant",
        "parent_b": "participant",
        "keyworker": "keyworker",
        "manager": "manager",
        "other_keyworker": "keyworker",
        "other_manager": "manager",
        "admin": "admin",
    }[person]


def outcome(response) -> str:
    if response.status_code == 404:
        return "not found"
    if response.status_code == 403:
        return "refused"
    if response.status_code in (301, 302, 303) and "/sign-in" in response.location:
        return "sign-in"
    if response.status_code == 401:  # the JSON API's way of saying "sign in"
        return "sign-in"
    if response.status_code >= 500:
        return "server error"
    return "allowed"


@pytest.fixture
def world(make, session):
    return build_world(make, session)


def test_every_route_can_be_built(app, world):
    unbuildable = [rule.rule for rule in routes(app) if url_values(app, rule, world) is None]
    assert not unbuildable, "add URL_VALUE_BUILDERS or FIXED_VALUES for these routes: " + ", ".join(
        unbuildable
    )


def test_matrix(app, world, pages, session):
    surprises = []
    for person in PEOPLE:
        if person != "anonymous":
            pages.sign_in(world.people[person])
        for rule in routes(app):
            values = url_values(app, rule, world)
            if values is None:
                continue
            policy = getattr(app.view_functions[rule.endpoint], POLICY_ATTRIBUTE, None)
            want = expected(policy, person, in_scope(rule))
            url = pages.url(rule.endpoint, **values)
            if "GET" in rule.methods:
                before = row_counts()
                got = outcome(pages.client.get(url))
                session.rollback()
                if row_counts() != before:
                    surprises.append(f"GET {url} as {person} changed the database")
            else:
                got = outcome(pages.client.post(url, data={"csrf_token": pages.csrf_token()}))
            if got == "server error" or (want != "allowed" and got != want):
                surprises.append(
                    f"{sorted(rule.methods)} {url} as {person}: {got}, expected {want}"
                )
        if person != "anonymous":
            pages.sign_out()
    assert not surprises, "\n".join(surprises)


# Views that need no CSRF token because their authority is a secret in the request, not the
# session cookie (webapp.api.views.NO_CSRF). Adding one is a decision for review: say it here.
CSRF_FREE = {"api.push_renew"}


def test_state_changing_routes_need_csrf_and_refuse_get(app, world, pages):
    """A POST without the CSRF token is refused, even from someone allowed to post there."""
    from webapp.api.views import NO_CSRF

    assert NO_CSRF == CSRF_FREE
    for rule in routes(app):
        if "POST" not in rule.methods:
            continue
        if rule.endpoint in CSRF_FREE:
            # Without the secret it is refused all the same, and changes nothing.
            before = row_counts()
            assert pages.client.post(pages.url(rule.endpoint), json={}).status_code in (400, 404)
            assert row_counts() == before
            continue
        pages.client.delete_cookie("session")
        policy = getattr(app.view_functions[rule.endpoint], POLICY_ATTRIBUTE)
        person = allowed_person(policy, in_scope(rule))
        if person:
            pages.sign_in(world.people[person])
        values = url_values(app, rule, world)
        response = pages.client.post(pages.url(rule.endpoint, **values), data={})
        assert response.status_code in (400, 401), f"{rule.rule} accepted a POST without CSRF"
