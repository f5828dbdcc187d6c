"""No lost updates: two people editing the same plan at once, with and without htmx."""

from __future__ import annotations

import pytest

from tests.pages import PageClient
from webapp.models import Area, Goal, Step
from webapp.plans import operations as ops

HTMX = {"HX-Request": "true"}


@pytest.fixture
def second(app) -> PageClient:
    """A second person in their own browser."""
    return PageClient(app.test_client(), app)


@pytest.fixture
def goal(session, cast):
    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(
        session, plan=plan, actor=cast.parent, title="Get my confidence back", area=Area.CONFIDENCE
    )
    session.commit()
    return goal


def open_goal_form(pages, goal_id):
    page = pages.get("plans.edit_goal", goal_id=goal_id)
    return int(page.select_one(f"#goal-{goal_id}-version")["value"])


def goal_data(goal_id, version, title, why=""):
    prefix = f"goal-{goal_id}-"
    data = {prefix + "title": title, prefix + "area": "confidence", prefix + "why": why}
    if version is not None:
        data[prefix + "version"] = version
    return data


def test_stale_save_shows_both_versions_and_keeps_what_was_typed(
    session, pages, second, cast, goal
):
    pages.sign_in(cast.parent)
    second.sign_in(cast.keyworker)
    parent_version = open_goal_form(pages, goal.id)
    keyworker_version = open_goal_form(second, goal.id)

    second.post(
        "plans.edit_goal",
        goal_data(goal.id, keyworker_version, "Feel confident at interviews"),
        goal_id=goal.id,
    )
    page = pages.post(
        "plans.edit_goal",
        goal_data(goal.id, parent_version, "Get my confidence back", why="So I can work"),
        _expected_status=409,
        goal_id=goal.id,
    )
    assert "Your keyworker changed this goal" in page.h2.text
    theirs = page.select_one(".conflict__theirs").text
    mine = page.select_one(".conflict__mine").text
    assert "Feel confident at interviews" in theirs and "So I can work" not in theirs
    assert "Get my confidence back" in mine and "So I can work" in mine
    # The typed words wait in a form against the current version, ready to keep.
    keep = page.select_one(".conflict form")
    assert keep.select_one(f"#goal-{goal.id}-title")["value"] == "Get my confidence back"
    assert keep.select_one(f"#goal-{goal.id}-why").text.strip() == "So I can work"
    current_version = int(keep.select_one(f"#goal-{goal.id}-version")["value"])
    assert current_version == session.get(Goal, goal.id).version
    assert page.select_one(".conflict a.button")["href"].endswith(f"/plan#goal-{goal.id}")
    assert session.get(Goal, goal.id).title == "Feel confident at interviews"

    pages.post(
        "plans.edit_goal",
        goal_data(goal.id, current_version, "Get my confidence back", why="So I can work"),
        goal_id=goal.id,
    )
    assert session.get(Goal, goal.id).title == "Get my confidence back"


def test_htmx_gets_the_conflict_in_place(session, pages, second, cast, goal):
    pages.sign_in(cast.parent)
    second.sign_in(cast.keyworker)
    version = goal.version
    second.post("plans.edit_goal", goal_data(goal.id, version, "Theirs"), goal_id=goal.id)
    page = pages.post(
        "plans.edit_goal",
        goal_data(goal.id, version, "Mine"),
        _expected_status=409,
        _headers=HTMX,
        goal_id=goal.id,
    )
    assert page.response.headers["HX-Retarget"] == f"#goal-{goal.id}-head"
    assert "HX-Request" in page.response.headers["Vary"]
    assert page.select_one(".conflict")["id"] == f"goal-{goal.id}-head"
    assert "Theirs" in page.select_one(".conflict__theirs").text
    assert "Mine" in page.select_one(".conflict__mine").text


def test_a_save_without_a_version_is_refused(session, pages, cast, goal):
    pages.sign_in(cast.parent)
    page = pages.post(
        "plans.edit_goal", goal_data(goal.id, None, "Sneaky"), _expected_status=400, goal_id=goal.id
    )
    assert "did not say which version" in page.text
    assert session.get(Goal, goal.id).title == "Get my confidence back"
    pages.post("plans.tick_step", {"done": "1"}, _expected_status=404, step_id=999)


def test_editing_a_goal_the_other_side_removed_offers_to_add_it_back(
    session, pages, second, cast, goal
):
    pages.sign_in(cast.parent)
    second.sign_in(cast.keyworker)
    version = goal.version
    second.post("plans.remove_goal", {"version": version}, goal_id=goal.id)
    page = pages.post(
        "plans.edit_goal",
        goal_data(goal.id, version, "My better words"),
        _expected_status=409,
        goal_id=goal.id,
    )
    assert "Your keyworker removed this goal" in page.select_one(".conflict__theirs").text
    form = page.select_one(".conflict form")
    assert form["action"] == pages.url("plans.add_goal", participant_id=cast.parent.id)
    assert form.select_one("#title")["value"] == "My better words"


def test_ticking_a_step_someone_just_changed_asks_first(session, pages, second, cast, goal):
    step = ops.add_step(session, goal=goal, actor=cast.parent, text="Ring the college")
    session.commit()
    pages.sign_in(cast.parent)
    second.sign_in(cast.keyworker)
    version = step.version
    prefix = f"step-{step.id}-"
    second.post(
        "plans.edit_step",
        {
            prefix + "version": version,
            prefix + "text": "Ring the college on Monday",
            prefix + "owner": "me",
        },
        step_id=step.id,
    )
    page = pages.post(
        "plans.tick_step",
        {"version": version, "done": "1"},
        _expected_status=409,
        _headers=HTMX,
        step_id=step.id,
    )
    assert page.response.headers["HX-Retarget"] == f"#step-{step.id}"
    assert "Ring the college on Monday" in page.select_one(".conflict__theirs").text
    button = page.select_one(".conflict form button")
    assert button.text == "Tick it off anyway"
    assert not session.get(Step, step.id).done
    current = page.select_one(".conflict form input[name=version]")["value"]
    pages.post("plans.tick_step", {"version": current, "done": "1"}, step_id=step.id)
    assert session.get(Step, step.id).done


def test_both_sides_agree_then_a_change_shows_what_changed(session, pages, second, cast, goal):
    pages.sign_in(cast.keyworker)
    second.sign_in(cast.parent)
    page = pages.get("plans.participant_plan", participant_id=cast.parent.id)
    revision = page.select_one("#agree-revision")["value"]
    pages.post("plans.agree", {"revision": revision}, participant_id=cast.parent.id)

    page = second.get("plans.my_plan")
    assert "Your keyworker has agreed the plan" in page.select_one("#agreement").text
    second.post("plans.agree", {"revision": revision}, participant_id=cast.parent.id)
    page = second.get("plans.my_plan")
    assert "You both agreed this plan" in page.select_one("#agreement").text

    prefix = f"new-step-{goal.id}-"
    pages.post(
        "plans.add_step",
        {prefix + "text": "Join the Tuesday group", prefix + "owner": "me"},
        goal_id=goal.id,
    )
    page = second.get("plans.my_plan")
    agreement = page.select_one("#agreement").text
    assert "Changed since you both agreed" in agreement
    assert "Added a step: “Join the Tuesday group”" in agreement
    # Agreeing to the version read before the change is refused, plainly.
    second.post("plans.agree", {"revision": revision}, participant_id=cast.parent.id)
    assert "The plan changed while you were reading it" in second.get("plans.my_plan").text


def test_stale_step_edit_keeps_the_typed_step_and_date(session, pages, second, cast, goal):
    step = ops.add_step(session, goal=goal, actor=cast.parent, text="Ring the college")
    session.commit()
    pages.sign_in(cast.parent)
    second.sign_in(cast.keyworker)
    version = step.version
    prefix = f"step-{step.id}-"
    second.post(
        "plans.edit_step",
        {prefix + "version": version, prefix + "text": "Email the college", prefix + "owner": "me"},
        step_id=step.id,
    )
    page = pages.post(
        "plans.edit_step",
        {
            prefix + "version": version,
            prefix + "text": "Ring the college about the course",
            prefix + "owner": "together",
            prefix + "due_on": "2027-01-08",
        },
        _expected_status=409,
        step_id=step.id,
    )
    assert "Email the college" in page.select_one(".conflict__theirs").text
    mine = page.select_one(".conflict__mine").text
    assert "Ring the college about the course" in mine and "Fri 8 January 2027" in mine
    keep = page.select_one(".conflict form")
    assert keep.select_one(f"#{prefix}text")["value"] == "Ring the college about the course"
    assert keep.select_one(f"#{prefix}due_on")["value"] == "2027-01-08"
    assert keep.select_one(f"#{prefix}owner option[selected]")["value"] == "together"
    assert int(keep.select_one(f"#{prefix}version")["value"]) == session.get(Step, step.id).version
