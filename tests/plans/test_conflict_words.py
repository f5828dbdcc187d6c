"""A conflict page worded from who actually saved: the person's own save in another tab is
not "someone else"."""

from __future__ import annotations

from tests.plans.test_conflicts import goal, goal_data, open_goal_form  # noqa: F401


def test_your_own_save_in_another_tab_reads_as_yours_not_someone_elses(pages, cast, goal):  # noqa: F811
    pages.sign_in(cast.parent)
    first_tab = open_goal_form(pages, goal.id)
    second_tab = open_goal_form(pages, goal.id)
    pages.post("plans.edit_goal", goal_data(goal.id, second_tab, "Feel confident"), goal_id=goal.id)
    page = pages.post(
        "plans.edit_goal",
        goal_data(goal.id, first_tab, "Get my confidence back"),
        _expected_status=409,
        goal_id=goal.id,
    )
    assert page.h1.text == "You changed this in another tab"
    assert "You changed this goal in another tab" in page.select_one(".conflict__title").text
    headings = [h.text for h in page.select(".conflict h3")]
    assert "Keep what you saved before" in headings
    assert "Someone else" not in page.text and "Keep theirs" not in page.text


def test_someone_elses_save_names_them(pages, cast, goal, app):  # noqa: F811
    from tests.pages import PageClient

    second = PageClient(app.test_client(), app)
    pages.sign_in(cast.parent)
    second.sign_in(cast.keyworker)
    mine = open_goal_form(pages, goal.id)
    theirs = open_goal_form(second, goal.id)
    second.post("plans.edit_goal", goal_data(goal.id, theirs, "Feel confident"), goal_id=goal.id)
    page = pages.post(
        "plans.edit_goal",
        goal_data(goal.id, mine, "Get my confidence back"),
        _expected_status=409,
        goal_id=goal.id,
    )
    assert page.h1.text == "Your keyworker changed this"
    assert "Keep what it says now" in [h.text for h in page.select(".conflict h3")]
