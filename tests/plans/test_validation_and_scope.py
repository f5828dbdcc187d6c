"""Bad input gets a plain message by the field; other people's plans answer 404."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapp.models import Area, Goal, Step, london_today
from webapp.plans import operations as ops


@pytest.fixture
def goal(session, cast):
    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(
        session, plan=plan, actor=cast.parent, title="Sort childcare", area="childcare"
    )
    ops.add_step(session, goal=goal, actor=cast.parent, text="Visit the nursery")
    session.commit()
    return goal


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "Enter the goal, in your own words."),
        ("x" * 201, "Keep the goal to 200 characters or fewer."),
    ],
)
def test_goal_title_is_checked_and_typed_words_are_kept(session, pages, cast, title, message):
    pages.sign_in(cast.parent)
    page = pages.post(
        "plans.add_goal",
        {"title": title, "area": "money", "why": "Bills"},
        _expected_status=422,
        participant_id=cast.parent.id,
    )
    assert message in page.select_one("#title-error").text
    assert page.select_one(".error-summary a")["href"] == "#title"
    assert page.select_one("#why").text.strip() == "Bills"
    assert session.query(Goal).count() == 0


def test_over_long_step_and_missing_partner_are_explained(session, pages, cast, goal):
    pages.sign_in(cast.parent)
    prefix = f"new-step-{goal.id}-"
    page = pages.post(
        "plans.add_step",
        {prefix + "text": "y" * 301, prefix + "owner": "partner", prefix + "due_on": "2026-02-30"},
        _expected_status=422,
        goal_id=goal.id,
    )
    assert "300 characters or fewer" in page.select_one(f"#{prefix}text-error").text
    assert "name of the partner" in page.select_one(f"#{prefix}partner_name-error").text
    assert "real date" in page.select_one(f"#{prefix}due_on-error").text
    assert session.query(Step).count() == 1


def test_a_due_date_in_the_past_is_saved_with_a_warning(session, pages, cast, goal):
    pages.sign_in(cast.parent)
    prefix = f"new-step-{goal.id}-"
    past = london_today() - timedelta(days=3)
    pages.post(
        "plans.add_step",
        {prefix + "text": "Fill in the form", prefix + "owner": "me", prefix + "due_on": past},
        goal_id=goal.id,
    )
    assert session.query(Step).filter_by(text="Fill in the form").one().due_on == past
    warning = pages.get("plans.my_plan").select_one(".notice--warning").text
    assert "has already passed" in warning
    page = pages.post(
        "plans.add_step",
        {prefix + "text": "And this", prefix + "owner": "me", prefix + "due_on": past},
        _expected_status=200,
        _headers={"HX-Request": "true"},
        goal_id=goal.id,
    )
    assert "has already passed" in page.select_one(".notice--warning").text


def test_a_parent_cannot_read_or_change_another_parents_plan(session, pages, cast, goal):
    step = goal.steps[0]
    pages.sign_in(cast.other_parent)
    for endpoint in ("plans.print_plan", "plans.history"):
        pages.get(endpoint, _expected_status=404, participant_id=cast.parent.id)
    pages.get("plans.edit_goal", _expected_status=404, goal_id=goal.id)
    pages.post(
        "plans.add_goal",
        {"title": "x", "area": "other"},
        _expected_status=404,
        participant_id=cast.parent.id,
    )
    pages.post("plans.tick_step", {"version": step.version}, _expected_status=404, step_id=step.id)
    pages.post(
        "plans.remove_goal", {"version": goal.version}, _expected_status=404, goal_id=goal.id
    )
    pages.post("plans.agree", {"revision": 1}, _expected_status=404, participant_id=cast.parent.id)
    pages.post("plans.add_comment", {"body": "hi"}, _expected_status=404, goal_id=goal.id)
    assert not session.get(Step, step.id).done
    assert session.get(Goal, goal.id).removed_at is None
    # Their own plan is fine, and shows none of Aisha's.
    assert "Sort childcare" not in pages.get("plans.my_plan").text


def test_a_keyworker_from_another_locality_cannot_see_or_change_the_plan(
    session, pages, cast, goal
):
    step = goal.steps[0]
    pages.sign_in(cast.outsider)
    pages.get("plans.participant_plan", _expected_status=404, participant_id=cast.parent.id)
    pages.get("plans.print_plan", _expected_status=404, participant_id=cast.parent.id)
    prefix = f"goal-{goal.id}-"
    pages.post(
        "plans.edit_goal",
        {prefix + "version": goal.version, prefix + "title": "x", prefix + "area": "other"},
        _expected_status=404,
        goal_id=goal.id,
    )
    pages.post("plans.tick_step", {"version": step.version}, _expected_status=404, step_id=step.id)
    assert "Visit the nursery" not in pages.get("plans.due_this_week").text
    assert session.get(Goal, goal.id).title == "Sort childcare"


def test_a_parent_cannot_open_the_staff_view_of_a_plan(pages, cast):
    pages.sign_in(cast.parent)
    pages.get("plans.participant_plan", _expected_status=403, participant_id=cast.parent.id)


def test_the_plan_page_uses_the_same_number_of_queries_for_3_or_60_goals(
    session, pages, cast, count_queries
):
    def grow_plan_to(size):
        plan = ops.plan_for(session, cast.parent)
        have = len(plan.goals)
        for n in range(have, size):
            goal = ops.add_goal(
                session, plan=plan, actor=cast.parent, title=f"Goal {n}", area=Area.OTHER
            )
            ops.add_step(session, goal=goal, actor=cast.keyworker, text=f"Step {n}")
            ops.add_comment(session, goal=goal, actor=cast.keyworker, body="Nice one")
        session.commit()

    def queries_for(endpoint, **values):
        with count_queries() as statements:
            pages.get(endpoint, **values)
        return len(statements)

    pages.sign_in(cast.keyworker)
    grow_plan_to(3)
    small = queries_for("plans.participant_plan", participant_id=cast.parent.id)
    grow_plan_to(60)
    large = queries_for("plans.participant_plan", participant_id=cast.parent.id)
    assert small == large
    assert large < 20
