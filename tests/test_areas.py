"""Each area says what it adds in its area.py, and the app puts the declarations together."""

from pathlib import Path

import pytest
from flask import Flask

from webapp import areas
from webapp.areas import Area, NavLink
from webapp.caseload.timeline import TimelineSource
from webapp.models import Role
from webapp.web.app import all_areas

WEBAPP = Path(__file__).resolve().parents[1] / "webapp"


def check(session, participant, booking_id):
    return None


def test_every_area_with_pages_declares_itself_once_in_the_fixed_list():
    with_pages = {path.parent.name for path in WEBAPP.glob("*/views.py")}
    declared = [area.name for area in all_areas()]
    assert sorted(declared) == sorted(with_pages)
    for name in declared:
        assert (WEBAPP / name / "area.py").exists()


def test_each_role_sees_its_links_in_their_places(app):
    navigation = areas.of(app).navigation
    assert [link.label for link in navigation[Role.KEYWORKER]] == [
        "Caseload",
        "Steps due",
        "Diary",
        "Invite a parent",
        "Requests to join",
    ]
    assert [link.label for link in navigation[Role.PARTICIPANT]][:4] == [
        "Today",
        "My plan",
        "Sessions",
        "Check in",
    ]


def test_a_parents_today_page_shows_the_plan_then_the_check_in_then_the_next_session(app):
    templates = [panel.template for panel in areas.of(app).today_panels]
    assert templates == [
        "plans/_today.html",
        "checkins/_today_panel.html",
        "sessions/_next_session.html",
        "sessions/_break_today.html",
    ]


def test_templates_have_no_functions_that_query():
    app = Flask(__name__)
    for area in all_areas():
        for blueprint in area.blueprints:
            app.register_blueprint(blueprint)
    found = set(app.jinja_env.globals)
    for processor in app.template_context_processors[None]:
        found |= set(processor())
    queries = {"next_session_for", "next_group_for", "latest_checkin_for", "next_plan_steps"}
    queries |= {"latest_checkin_and_flags_for", "plan_notices"}
    assert not found & queries


def test_two_areas_may_not_declare_the_same_thing():
    source = TimelineSource("notes", "Notes", lambda session, ids, filters: [])
    with pytest.raises(ValueError, match="timeline items 'notes'"):
        areas.collect(
            [
                Area("one", timeline_sources=(source,), booking_check=check),
                Area("two", timeline_sources=(source,)),
            ]
        )
    link = NavLink(Role.MANAGER, "reports.index", "Reports", 10)
    with pytest.raises(ValueError, match="link to 'reports.index'"):
        areas.collect([Area("one", navigation=(link, link), booking_check=check)])
    with pytest.raises(ValueError, match="exactly one area checks"):
        areas.collect([Area("one"), Area("two")])


def test_a_link_to_a_page_no_area_has_stops_the_app_starting():
    app = Flask(__name__)
    link = NavLink(Role.MANAGER, "reports.nowhere", "Nowhere", 10)
    with pytest.raises(ValueError, match="reports.nowhere"):
        areas.init_app(app, [Area("one", navigation=(link,), booking_check=check)])
