"""Changing a plan without HTTP: attribution, history, agreement, versions and notices."""

from __future__ import annotations

from datetime import date

import pytest

from webapp.models import Area, EventKind, GoalStatus, PlanEvent, Side, StepOwner
from webapp.plans import operations as ops
from webapp.plans import queries


def events(session, plan):
    from sqlalchemy import select

    return session.scalars(
        select(PlanEvent).where(PlanEvent.plan_id == plan.id).order_by(PlanEvent.id)
    ).all()


def test_both_sides_change_the_plan_and_each_change_is_attributed(session, cast):
    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(
        session, plan=plan, actor=cast.parent, title="Get my confidence back", area=Area.CONFIDENCE
    )
    step = ops.add_step(session, goal=goal, actor=cast.keyworker, text="Book a CV session")
    ops.edit_step(
        session,
        step=step,
        actor=cast.keyworker,
        version=step.version,
        text="Book a CV session",
        owner=StepOwner.TOGETHER,
        due_on=date(2026, 12, 4),
    )
    ops.set_step_done(session, step=step, actor=cast.parent, version=step.version, done=True)
    recorded = [(e.actor_id, e.kind, e.field, e.before, e.after) for e in events(session, plan)]
    assert recorded == [
        (cast.parent.id, EventKind.GOAL_ADDED, None, None, None),
        (cast.keyworker.id, EventKind.STEP_ADDED, None, None, None),
        (cast.keyworker.id, EventKind.STEP_CHANGED, "owner", "me", "together"),
        (cast.keyworker.id, EventKind.STEP_CHANGED, "due_on", None, "2026-12-04"),
        (cast.parent.id, EventKind.STEP_DONE, None, None, None),
    ]
    assert step.done and step.done_by_id == cast.parent.id


def test_editing_against_an_old_version_is_refused_and_changes_nothing(session, cast):
    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(
        session, plan=plan, actor=cast.parent, title="Find a job", area="job-search"
    )
    seen = goal.version
    ops.edit_goal(
        session,
        goal=goal,
        actor=cast.keyworker,
        version=seen,
        title="Find a part-time job",
        area=Area.JOB_SEARCH,
    )
    with pytest.raises(ops.StaleVersion):
        ops.edit_goal(
            session,
            goal=goal,
            actor=cast.parent,
            version=seen,
            title="Find school-hours work",
            area=Area.JOB_SEARCH,
        )
    assert goal.title == "Find a part-time job"
    with pytest.raises(ops.MissingVersion):
        ops.edit_goal(
            session, goal=goal, actor=cast.parent, version=None, title="x", area=Area.OTHER
        )


def test_a_removed_goal_is_stale_for_anyone_still_editing_it(session, cast):
    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(session, plan=plan, actor=cast.parent, title="Sort housing", area="housing")
    seen = goal.version
    ops.remove_goal(session, goal=goal, actor=cast.keyworker, version=seen)
    session.expire_all()
    assert ops.plan_for(session, cast.parent).goals == []
    with pytest.raises(ops.StaleVersion):
        ops.edit_goal(session, goal=goal, actor=cast.parent, version=seen, title="x", area="other")


def test_moving_a_goal_changes_order_but_not_its_version(session, cast):
    plan = ops.plan_for(session, cast.parent)
    first = ops.add_goal(session, plan=plan, actor=cast.parent, title="One", area="other")
    second = ops.add_goal(session, plan=plan, actor=cast.parent, title="Two", area="other")
    version = second.version
    assert ops.move_goal(session, goal=second, actor=cast.parent, direction="up")
    assert not ops.move_goal(session, goal=second, actor=cast.parent, direction="up")
    session.expire_all()
    assert [g.title for g in ops.plan_for(session, cast.parent).goals] == ["Two", "One"]
    assert second.version == version and first.version == 1


def test_plan_is_agreed_when_both_sides_confirm_the_same_revision(session, cast):
    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(
        session, plan=plan, actor=cast.parent, title="Get my confidence back", area="confidence"
    )
    ops.agree(session, plan=plan, actor=cast.keyworker, revision=plan.revision)
    state = queries.agreement_state(session, plan)
    assert not state.is_agreed and state.confirmed_by(Side.SERVICE)
    ops.agree(session, plan=plan, actor=cast.parent, revision=plan.revision)
    state = queries.agreement_state(session, plan)
    assert state.is_agreed and not state.changed_since_agreed and state.changes == []

    step = ops.add_step(session, goal=goal, actor=cast.keyworker, text="Go to the Tuesday group")
    ops.set_goal_status(
        session, goal=goal, actor=cast.parent, version=goal.version, status=GoalStatus.PAUSED
    )
    state = queries.agreement_state(session, plan)
    assert state.changed_since_agreed and not state.is_agreed
    assert [(c.kind, c.subject, c.field) for c in state.changes] == [
        (EventKind.GOAL_CHANGED, "Get my confidence back", "status"),
        (EventKind.STEP_ADDED, "Go to the Tuesday group", None),
    ]
    # Ticking a step is progress, not a change to what was agreed.
    before = plan.revision
    ops.set_step_done(session, step=step, actor=cast.parent, version=step.version, done=True)
    assert plan.revision == before


def test_agreeing_to_a_version_that_has_moved_on_is_refused(session, cast):
    plan = ops.plan_for(session, cast.parent)
    ops.add_goal(session, plan=plan, actor=cast.parent, title="One", area="other")
    seen = plan.revision
    ops.add_goal(session, plan=plan, actor=cast.keyworker, title="Two", area="other")
    with pytest.raises(ops.PlanChanged):
        ops.agree(session, plan=plan, actor=cast.parent, revision=seen)
    with pytest.raises(ops.MissingVersion):
        ops.agree(session, plan=plan, actor=cast.parent, revision=None)


def test_the_other_side_is_notified_once_for_a_run_of_changes(session, cast):
    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(session, plan=plan, actor=cast.keyworker, title="One", area="other")
    ops.add_step(session, goal=goal, actor=cast.keyworker, text="Phone the college")
    assert queries.unread_notifications(session, cast.keyworker) == []
    [notice] = queries.unread_notifications(session, cast.parent)
    assert notice.message == "Your keyworker changed your plan"
    session.refresh(notice)
    assert notice.changes == 2
    ops.add_comment(session, goal=goal, actor=cast.parent, body="Can we do this after Christmas?")
    [notice] = queries.unread_notifications(session, cast.keyworker)
    assert notice.message == "Aisha Rahman commented on Aisha's plan"
    ops.mark_read(session, cast.keyworker, plan)
    assert queries.unread_notifications(session, cast.keyworker) == []


def test_a_change_that_lands_between_check_and_save_is_still_caught(session, cast):
    from sqlalchemy import update
    from sqlalchemy.orm.attributes import set_committed_value

    from webapp.models import Goal

    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(session, plan=plan, actor=cast.parent, title="Mine", area=Area.OTHER)
    seen = goal.version
    # Someone else's save lands after this request read the goal but before it writes.
    session.execute(update(Goal.__table__).where(Goal.id == goal.id).values(version=seen + 1))
    set_committed_value(goal, "version", seen)
    with pytest.raises(ops.StaleVersion):
        ops.edit_goal(
            session, goal=goal, actor=cast.parent, version=seen, title="Lost?", area=Area.OTHER
        )


def test_two_saves_at_the_same_moment_one_wins_and_the_other_is_told(session, cast):
    """Real concurrency: the second save waits on the first and is then refused, on SQLite
    (the write lock) and on PostgreSQL (the row lock and the version in the UPDATE)."""
    import threading
    import time

    from sqlalchemy.orm import Session

    from webapp.models import Goal, User

    plan = ops.plan_for(session, cast.parent)
    goal = ops.add_goal(session, plan=plan, actor=cast.parent, title="Start", area=Area.OTHER)
    goal_id, version, engine = goal.id, goal.version, session.get_bind()
    session.commit()  # and touch nothing until the threads finish: SQLite has one writer
    first_written = threading.Event()
    outcome = {}

    def save(name, actor_id, title, wait_for=None):
        if wait_for:
            wait_for.wait(timeout=10)
        with Session(engine) as mine:
            try:
                ops.edit_goal(
                    mine,
                    goal=mine.get(Goal, goal_id),
                    actor=mine.get(User, actor_id),
                    version=version,
                    title=title,
                    area=Area.OTHER,
                )
                if not wait_for:
                    first_written.set()
                    time.sleep(0.3)  # hold the row while the other save arrives
                mine.commit()
                outcome[name] = "saved"
            except ops.StaleVersion:
                mine.rollback()
                outcome[name] = "stale"

    threads = [
        threading.Thread(target=save, args=("parent", cast.parent.id, "Mine")),
        threading.Thread(
            target=save, args=("keyworker", cast.keyworker.id, "Theirs", first_written)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcome == {"parent": "saved", "keyworker": "stale"}
    session.expire_all()
    assert session.get(Goal, goal_id).title == "Mine"
