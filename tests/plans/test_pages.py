"""The plan pages for both sides, with and without htmx, and who may see them."""

from __future__ import annotations

from datetime import timedelta

from webapp.models import Area, Goal, PlanEvent, Step, london_today
from webapp.plans import operations as ops

HTMX = {"HX-Request": "true"}


def seed_goal(session, cast, *, title="Get my confidence back", steps=()):
    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(session, plan=plan, actor=cast.parent, title=title, area=Area.CONFIDENCE)
    made = [ops.add_step(session, goal=goal, actor=cast.parent, text=text) for text in steps]
    session.commit()
    return goal, made


def test_parent_sees_goals_with_next_steps_first_and_overdue_marked(session, pages, cast):
    goal, [late, later] = seed_goal(session, cast, steps=["Phone the nursery", "Update my CV"])
    late.due_on = london_today() - timedelta(days=2)
    later.due_on = london_today() + timedelta(days=3)
    session.commit()
    pages.sign_in(cast.parent)
    page = pages.get("plans.my_plan")
    assert page.h1.text == "My plan"
    next_steps = [a.text for a in page.select("#next-steps li a")]
    assert next_steps == ["Phone the nursery", "Update my CV"]
    assert "was due" in page.select_one(f"#step-{late.id} .due--overdue").text
    assert page.select_one(f"#goal-{goal.id}-title").text == "Get my confidence back"
    assert page.response.headers["Vary"] and "HX-Request" in page.response.headers["Vary"]


def test_parent_adds_a_goal_and_a_step_without_javascript(session, pages, cast):
    pages.sign_in(cast.parent)
    response = pages.post(
        "plans.add_goal",
        {"title": "Find work in school hours", "area": "job-search", "why": "For the kids"},
        participant_id=cast.parent.id,
    )
    goal = session.query(Goal).one()
    assert response.response.location.endswith(f"/plan#goal-{goal.id}")
    prefix = f"new-step-{goal.id}-"
    pages.post(
        "plans.add_step",
        {prefix + "text": "Look at the council jobs page", prefix + "owner": "together"},
        goal_id=goal.id,
    )
    page = pages.get("plans.my_plan")
    assert "Look at the council jobs page" in page.select_one(f"#goal-{goal.id}-steps").text
    assert page.select_one(f"#goal-{goal.id}-steps .step__meta").text.strip() == "Together"
    history = [li.select_one(".history__sentence").text for li in page.select("#history li")]
    assert history == ["You added a step", "You added a goal"]


def test_keyworker_sees_the_same_plan_and_history_in_the_record(session, pages, cast):
    seed_goal(session, cast, steps=["Update my CV"])
    pages.sign_in(cast.keyworker)
    page = pages.get("plans.participant_plan", participant_id=cast.parent.id)
    assert page.h1.text == "Aisha Rahman's plan"
    sentences = [s.text for s in page.select("#history .history__sentence")]
    assert sentences == ["Aisha added a step", "Aisha added a goal"]
    [notice] = page.select(".plan-notices li")
    assert "Aisha Rahman changed Aisha's plan" in notice.text
    # Looking changes nothing; "Got it" clears them, with or without htmx.
    again = pages.get("plans.participant_plan", participant_id=cast.parent.id)
    assert again.select(".plan-notices li")
    answer = pages.post(
        "plans.dismiss_notices",
        _expected_status=200,
        _headers=HTMX,
        participant_id=cast.parent.id,
    )
    assert answer.response.get_data(as_text=True) == ""
    page = pages.get("plans.participant_plan", participant_id=cast.parent.id)
    assert page.select(".plan-notices") == []


def test_keyworker_edits_and_the_parent_reads_who_did_it(session, pages, cast):
    goal, [step] = seed_goal(session, cast, steps=["Visit the college"])
    pages.sign_in(cast.keyworker)
    prefix = f"step-{step.id}-"
    pages.post(
        "plans.edit_step",
        {
            prefix + "version": step.version,
            prefix + "text": "Visit the college open day",
            prefix + "owner": "together",
            prefix + "due_on": "2027-06-11",
        },
        step_id=step.id,
    )
    pages.sign_out()
    pages.sign_in(cast.parent)
    page = pages.get("plans.my_plan")
    sentences = [s.text for s in page.select("#history .history__sentence")]
    assert sentences[:3] == [
        "Your keyworker set the due date to Fri 11 June 2027",
        "Your keyworker changed who does a step to Together",
        "Your keyworker reworded a step",
    ]
    assert "Your keyworker changed your plan" in page.select_one(".plan-notices").text
    response = pages.post("plans.dismiss_notices", participant_id=cast.parent.id)
    assert response.response.location.endswith("/plan")
    assert pages.get("plans.my_plan").select(".plan-notices") == []


def test_tick_a_step_with_htmx_answers_the_step_and_the_next_steps(session, pages, cast, client):
    _, [step] = seed_goal(session, cast, steps=["Update my CV"])
    pages.sign_in(cast.parent)
    page = pages.post(
        "plans.tick_step",
        {"version": step.version, "done": "1"},
        _expected_status=200,
        _headers=HTMX,
        step_id=step.id,
    )
    assert page.select_one(f"#step-{step.id} .tick")["aria-pressed"] == "true"
    assert page.select_one("#next-steps")["hx-swap-oob"] == "true"
    assert "HX-Request" in page.response.headers["Vary"]
    assert session.get(Step, step.id).done


def test_tick_a_step_without_javascript_redirects_back(session, pages, cast):
    _, [step] = seed_goal(session, cast, steps=["Update my CV"])
    pages.sign_in(cast.parent)
    response = pages.post(
        "plans.tick_step", {"version": step.version, "done": "1"}, step_id=step.id
    )
    assert response.response.location.endswith(f"/plan#step-{step.id}")
    page = pages.get("plans.my_plan")
    assert page.select_one(f"#step-{step.id}")["class"] == ["step", "step--done"]


def test_edit_a_goal_in_place_with_htmx(session, pages, cast):
    goal, _ = seed_goal(session, cast)
    pages.sign_in(cast.parent)
    form = pages.client.get(pages.url("plans.edit_goal", goal_id=goal.id), headers=HTMX)
    assert form.status_code == 200 and "<html" not in form.get_data(as_text=True)
    assert f'id="goal-{goal.id}-head"' in form.get_data(as_text=True)
    prefix = f"goal-{goal.id}-"
    page = pages.post(
        "plans.edit_goal",
        {
            prefix + "version": goal.version,
            prefix + "title": "Feel ready for interviews",
            prefix + "area": "confidence",
            prefix + "why": "",
        },
        _expected_status=200,
        _headers=HTMX,
        goal_id=goal.id,
    )
    assert page.select_one(f"#goal-{goal.id}-title").text == "Feel ready for interviews"
    assert "Goal saved." in page.text


def test_add_a_step_with_htmx_shows_errors_in_place(session, pages, cast):
    goal, _ = seed_goal(session, cast)
    pages.sign_in(cast.parent)
    prefix = f"new-step-{goal.id}-"
    page = pages.post(
        "plans.add_step",
        {prefix + "text": "", prefix + "owner": "me"},
        _expected_status=422,
        _headers=HTMX,
        goal_id=goal.id,
    )
    assert page.response.headers["HX-Retarget"] == f"#goal-{goal.id}-new-step"
    assert "Enter the step." in page.select_one(f"#{prefix}text-error").text
    page = pages.post(
        "plans.add_step",
        {prefix + "text": "Ring the job centre", prefix + "owner": "me"},
        _expected_status=200,
        _headers=HTMX,
        goal_id=goal.id,
    )
    assert "Ring the job centre" in page.select_one(f"#goal-{goal.id}-steps").text
    assert page.select_one(f"#{prefix}text").get("value") in (None, "")


def test_print_page_has_the_plan_and_no_forms(session, pages, cast):
    seed_goal(session, cast, steps=["Update my CV"])
    pages.sign_in(cast.parent)
    page = pages.get("plans.print_plan", participant_id=cast.parent.id)
    assert "Get my confidence back" in page.select_one(".print-goal h2").text
    assert page.select(".print-plan form") == []


def test_due_this_week_lists_caseload_steps_due_by_sunday(session, pages, cast, make):
    _, [soon, far, undated] = seed_goal(session, cast, steps=["Soon", "Far", "Undated"])
    today = london_today()
    soon.due_on = today
    far.due_on = today + timedelta(days=8)
    session.commit()
    pages.sign_in(cast.keyworker)
    page = pages.get("plans.due_this_week")
    text = page.select_one("main").text
    assert "Soon" in text and "Far" not in text and "Undated" not in text
    step_link = page.select_one(".people-list a")
    assert step_link["href"].endswith(f"/people/{cast.parent.id}/plan#step-{soon.id}")
    # The parent's changes wait for the keyworker at the top.
    assert "Aisha Rahman changed Aisha's plan" in page.select_one("#plan-changes-title").parent.text


def test_today_page_shows_the_parents_next_steps(session, pages, cast):
    seed_goal(session, cast, steps=["Update my CV"])
    pages.sign_in(cast.parent)
    page = pages.get("home.today")
    assert "Update my CV" in page.select_one("section.card").text
    assert page.select(".notice") == []  # the parent made every change herself


def test_full_history_page(session, pages, cast):
    seed_goal(session, cast, steps=["One", "Two"])
    pages.sign_in(cast.parent)
    page = pages.get("plans.history", participant_id=cast.parent.id)
    assert len(page.select("#history li")) == session.query(PlanEvent).count() == 3


def test_staff_looking_at_a_plan_is_audited_but_the_parent_is_not(session, pages, cast):
    from webapp.models import AuditEvent

    seed_goal(session, cast)
    pages.sign_in(cast.parent)
    pages.get("plans.my_plan")
    pages.sign_out()
    pages.sign_in(cast.keyworker)
    pages.get("plans.participant_plan", participant_id=cast.parent.id)
    viewed = session.query(AuditEvent).filter_by(action="plan.viewed").all()
    assert [(e.actor_id, e.participant_id) for e in viewed] == [(cast.keyworker.id, cast.parent.id)]


def test_cancelling_an_inline_edit_brings_the_goal_back(session, pages, cast):
    goal, _ = seed_goal(session, cast)
    pages.sign_in(cast.parent)
    page = pages.get("plans.goal_fragment", goal_id=goal.id, _expected_status=302)
    assert page.response.location.endswith(f"/plan#goal-{goal.id}")
    response = pages.client.get(pages.url("plans.goal_fragment", goal_id=goal.id), headers=HTMX)
    assert f'id="goal-{goal.id}"' in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)


def test_the_record_links_to_the_plan(pages, cast):
    pages.sign_in(cast.keyworker)
    page = pages.get("caseload.record", participant_id=cast.parent.id)
    link = page.find("a", string="Action plan")
    assert link["href"] == pages.url("plans.participant_plan", participant_id=cast.parent.id)


def test_achieve_reorder_remove_and_comment_without_javascript(session, pages, cast):
    first, [one, two] = seed_goal(session, cast, title="First", steps=["One", "Two"])
    second, _ = seed_goal(session, cast, title="Second")
    pages.sign_in(cast.parent)

    pages.post("plans.move_goal", {"direction": "up"}, goal_id=second.id)
    pages.post("plans.move_step", {"direction": "up"}, step_id=two.id)
    page = pages.get("plans.my_plan")
    assert [h.text for h in page.select(".goal__title")] == ["Second", "First"]
    assert [p.text for p in page.select(f"#goal-{first.id} .step__text")] == ["Two", "One"]

    pages.post("plans.remove_step", {"version": one.version}, step_id=one.id)
    pages.post(
        "plans.goal_status", {"version": first.version, "status": "achieved"}, goal_id=first.id
    )
    page = pages.get("plans.my_plan")
    assert "Well done" in page.select_one(".notice--success").text
    assert "Achieved" in page.select_one(f"#goal-{first.id} .goal__tags").text
    assert [p.text for p in page.select(f"#goal-{first.id} .step__text")] == ["Two"]
    assert "Two" not in page.select_one("#next-steps").text  # an achieved goal waits for nothing

    pages.post("plans.add_comment", {"body": ""}, goal_id=first.id)
    assert "Write your comment." in pages.get("plans.my_plan").select_one(".notice--error").text
    pages.post("plans.add_comment", {"body": "Can we talk on Tuesday?"}, goal_id=first.id)
    pages.sign_out()
    pages.sign_in(cast.keyworker)
    page = pages.get("plans.participant_plan", participant_id=cast.parent.id)
    assert "Can we talk on Tuesday?" in page.select_one(f"#goal-{first.id}-comments").text
    sentences = [s.text for s in page.select("#history .history__sentence")]
    assert sentences[:4] == [
        "Aisha commented on a goal",
        "Aisha marked a goal as achieved",
        "Aisha removed a step",
        "Aisha moved a step up",
    ]


def test_an_erased_participants_plan_still_opens_without_their_words(session, pages, cast):
    from webapp.models import User
    from webapp.privacy.erasure import anonymise

    goal, _ = seed_goal(session, cast, title="Leave my ex's town", steps=["Call Shelter"])
    plan = ops.plan_for(session, cast.parent)
    ops.agree(session, plan=plan, actor=cast.keyworker, revision=plan.revision)
    ops.agree(session, plan=plan, actor=cast.parent, revision=plan.revision)
    ops.add_step(session, goal=session.get(Goal, goal.id), actor=cast.parent, text="Pack")
    anonymise(session, session.get(User, cast.parent.id))
    session.commit()
    pages.sign_in(cast.keyworker)
    page = pages.get("plans.participant_plan", participant_id=cast.parent.id)
    for words in ("Leave my ex's town", "Call Shelter", "Pack"):
        assert words not in page.text


def test_every_full_page_form_carries_the_version_it_edits(session, pages, cast):
    goal, [step] = seed_goal(session, cast, steps=["Update my CV"])
    pages.sign_in(cast.keyworker)
    page = pages.get("plans.edit_goal", goal_id=goal.id)
    assert page.select_one(f"#goal-{goal.id}-title")["value"] == "Get my confidence back"
    assert page.select_one(f"#goal-{goal.id}-version")["value"] == str(goal.version)
    page = pages.get("plans.edit_step", step_id=step.id)
    assert page.select_one(f"#step-{step.id}-owner option[selected]").text == "Aisha"
    assert page.select_one(f"#step-{step.id}-version")["value"] == str(step.version)
    for endpoint, values in [
        ("plans.remove_goal", {"goal_id": goal.id}),
        ("plans.remove_step", {"step_id": step.id}),
    ]:
        page = pages.get(endpoint, **values)
        assert page.select_one("main form input[name=version]")["value"] == "1"
    page = pages.get("plans.add_step", goal_id=goal.id)
    assert page.h1.text == "Add a step"
    assert page.select_one(f"#new-step-{goal.id}-text") is not None


def test_adding_a_step_in_place_no_longer_says_you_agreed_the_plan_as_it_is_now(
    session, pages, cast
):
    goal, _ = seed_goal(session, cast, steps=["Update my CV"])
    plan = goal.plan
    ops.agree(session, plan=plan, actor=cast.parent, revision=plan.revision)
    session.commit()
    pages.sign_in(cast.parent)
    page = pages.get("plans.my_plan")
    assert "You've agreed the plan as it is now" in page.select_one("#agreement").text
    prefix = f"new-step-{goal.id}-"
    answer = pages.post(
        "plans.add_step",
        {prefix + "text": "Ring the job centre", prefix + "owner": "me"},
        _expected_status=200,
        _headers=HTMX,
        goal_id=goal.id,
    )
    box = answer.select_one("#agreement")
    assert box is not None and box["hx-swap-oob"] == "true"
    assert "You've agreed the plan as it is now" not in box.text
    assert box.select_one("button").text.strip() == "I agree this plan"
    session.refresh(plan)
    assert box.select_one("#agree-revision")["value"] == str(plan.revision)
    # Agreeing from what the page now holds is agreeing the plan as it is.
    pages.post(
        "plans.agree",
        {"revision": box.select_one("#agree-revision")["value"]},
        participant_id=cast.parent.id,
    )
    page = pages.get("plans.my_plan")
    assert "changed while you were reading" not in page.text
    assert "You've agreed the plan as it is now" in page.select_one("#agreement").text


def test_back_to_a_removed_step_says_it_was_removed_not_page_not_found(session, pages, cast):
    goal, [step] = seed_goal(session, cast, steps=["Ring the nursery"])
    pages.sign_in(cast.parent)
    pages.post("plans.remove_step", {"version": step.version}, step_id=step.id)
    for endpoint in ("plans.remove_step", "plans.edit_step"):
        page = pages.get(endpoint, 410, step_id=step.id)
        assert page.h1.text == "This step was removed from the plan"
        assert "“Ring the nursery” was removed on" in page.text
        assert page.find("a", string="Back to the plan")["href"] == pages.url("plans.my_plan")
    pages.sign_out()
    pages.sign_in(cast.other_parent)
    pages.get("plans.remove_step", 404, step_id=step.id)
    pages.sign_out()
    pages.sign_in(cast.outsider)
    pages.get("plans.edit_goal", 404, goal_id=goal.id)
