"""The shared plan on two phones: the parent builds it with htmx, the keyworker sees it."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in


def test_parent_builds_a_plan_with_htmx_and_the_keyworker_sees_it(page, new_phone, make):
    locality = make.locality(name="Glasgow North East")
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(locality=locality, keyworker=keyworker, name="Aisha Rahman")

    sign_in(page, parent)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan")
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Your goal").fill("Find a job that fits school hours")
    page.get_by_label("What is it about?").select_option(label="Job search")
    page.get_by_role("button", name="Add the goal").click()
    expect(page.get_by_role("heading", level=3)).to_have_text("Find a job that fits school hours")

    # From here on htmx answers in place: the page is never reloaded.
    page.evaluate("() => { window.samePage = true; }")
    for text in ("Update my CV", "Look at the council jobs page"):
        page.get_by_label("Add a step").fill(text)
        page.get_by_role("button", name="Add step").click()
        expect(page.locator(".steps")).to_contain_text(text)
    expect(page.locator(".steps .step")).to_have_count(2)
    expect(page.get_by_label("Add a step")).to_have_value("")

    tick = page.get_by_role("button", name="Done: Update my CV")
    expect(tick).to_have_attribute("aria-pressed", "false")
    tick.click()
    expect(page.get_by_role("button", name="Done: Update my CV")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#next-steps")).not_to_contain_text("Update my CV")
    assert page.evaluate("() => window.samePage === true"), "htmx should not reload the page"
    assert_accessible(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the plan scrolls sideways on a phone"

    other = new_phone()
    sign_in(other, keyworker)
    other.goto(f"/people/{parent.id}/plan")
    expect(other.get_by_role("heading", level=1)).to_have_text("Aisha Rahman's plan")
    expect(other.locator(".steps")).to_contain_text("Look at the council jobs page")
    expect(other.get_by_role("button", name="Done: Update my CV")).to_have_attribute(
        "aria-pressed", "true"
    )
    history = other.locator("#history .history__sentence")
    expect(history).to_have_text(
        [
            "Aisha ticked off a step",
            "Aisha added a step",
            "Aisha added a step",
            "Aisha added a goal",
        ]
    )
    expect(other.locator(".plan-notices")).to_contain_text("Aisha Rahman changed Aisha's plan")
    assert_accessible(other)
    other.get_by_role("link", name="See the whole history").click()
    expect(other.locator("#history li")).to_have_count(4)
    assert_accessible(other)
    other.get_by_role("navigation", name="Main").get_by_role("link", name="Steps due").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Steps due this week")
    assert_accessible(other)
    other.goto(f"/plans/{parent.id}/print")
    expect(other.get_by_role("heading", level=1)).to_have_text("Action plan: Aisha Rahman")
    assert_accessible(other)


def test_two_people_edit_the_same_goal_and_htmx_shows_the_conflict(page, new_phone, make):
    locality = make.locality(name="Fife")
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(locality=locality, keyworker=keyworker, name="Aisha Rahman")
    sign_in(page, parent)
    page.goto(f"/plans/{parent.id}/goals/new")
    page.get_by_label("Your goal").fill("Get my confidence back")
    page.get_by_role("button", name="Add the goal").click()

    # Both open the goal in place at the same time.
    page.get_by_role("link", name="Change the goal: Get my confidence back").click()
    other = new_phone()
    sign_in(other, keyworker)
    other.goto(f"/people/{parent.id}/plan")
    other.get_by_role("link", name="Change the goal: Get my confidence back").click()
    other.get_by_label("Your goal").fill("Feel confident at interviews")
    other.get_by_role("button", name="Save the goal").click()
    expect(other.locator(".goal__title")).to_have_text("Feel confident at interviews")

    page.get_by_label("Your goal").fill("Get my confidence back for interviews")
    page.get_by_role("button", name="Save the goal").click()
    conflict = page.locator(".conflict")
    expect(conflict).to_contain_text("Your keyworker changed this goal")
    expect(conflict.locator(".conflict__theirs")).to_contain_text("Feel confident at interviews")
    expect(conflict.locator(".conflict__mine")).to_contain_text(
        "Get my confidence back for interviews"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Save my version").click()
    expect(page.locator(".goal__title")).to_have_text("Get my confidence back for interviews")


def test_adding_a_step_in_place_updates_agreeing_the_plan_without_a_reload(page, make):
    locality = make.locality(name="Dundee")
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(locality=locality, keyworker=keyworker, name="Aisha Rahman")
    sign_in(page, parent)
    page.goto(f"/plans/{parent.id}/goals/new")
    page.get_by_label("Your goal").fill("Get my confidence back")
    page.get_by_role("button", name="Add the goal").click()
    page.get_by_role("button", name="I agree this plan").click()
    agreement = page.locator("#agreement")
    expect(agreement).to_contain_text("You've agreed the plan as it is now")

    page.evaluate("() => { window.samePage = true; }")
    page.get_by_label("Add a step").fill("Go to the coffee morning")
    page.get_by_role("button", name="Add step").click()
    expect(page.locator(".steps")).to_contain_text("Go to the coffee morning")
    expect(agreement).not_to_contain_text("You've agreed the plan as it is now")
    assert page.evaluate("() => window.samePage === true"), "htmx should not reload the page"

    # The page now holds the plan's new version, so agreeing it again is not refused.
    page.get_by_role("button", name="I agree this plan").click()
    expect(page.locator("main")).not_to_contain_text("The plan changed while you were reading it")
    expect(agreement).to_contain_text("You've agreed the plan as it is now")
    assert_accessible(page)
