"""Changing a parent's keyworker, one parent or a whole caseload: what happens to their booked
sessions under each rule, what the parent is told, and what the record keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories.people import make_keyworker, make_locality, make_participant
from tests.factories.sessions import make_booked_session
from tests.smtp_server import Collector, running_smtp
from webapp.handover.operations import HandoverRefused, change_keyworker
from webapp.models import (
    AuditEvent,
    BookedSession,
    KeyworkerChange,
    SessionsRule,
    SessionStatus,
    TimeOff,
    utcnow,
)


@pytest.fixture
def here(session):
    locality = make_locality(session, name="Inverclyde")
    old = make_keyworker(session, locality=locality, name="Ewan MacLeod")
    new = make_keyworker(session, locality=locality, name="Rona Kerr")
    parent = make_participant(session, locality=locality, keyworker=old, name="Aisha Rahman")
    return locality, old, new, parent


def change(app, session, parent, new, rule, by=None):
    with app.test_request_context():
        transfer = change_keyworker(
            session, participant=parent, keyworker=new, by=by or new, rule=rule, now=utcnow()
        )
    session.commit()
    return transfer


def test_moving_sessions_gives_the_new_keyworker_those_they_are_free_for(app, session, here):
    _, old, new, parent = here
    free = make_booked_session(session, keyworker=old, participant=parent)
    busy = make_booked_session(
        session, keyworker=old, participant=parent, starts_at=utcnow() + timedelta(days=5)
    )
    # The new keyworker already sees someone else then.
    other = make_participant(session, locality=parent.locality, keyworker=new)
    make_booked_session(session, keyworker=new, participant=other, starts_at=busy.starts_at)
    on_leave = make_booked_session(
        session, keyworker=old, participant=parent, starts_at=utcnow() + timedelta(days=8)
    )
    session.add(
        TimeOff(
            keyworker_id=new.id,
            starts_at=on_leave.starts_at - timedelta(hours=2),
            ends_at=on_leave.ends_at + timedelta(hours=2),
        )
    )

    transfer = change(app, session, parent, new, SessionsRule.MOVE)

    assert parent.profile.keyworker_id == new.id
    assert [b.id for b in transfer.moved] == [free.id]
    assert [b.id for b in transfer.kept] == [busy.id, on_leave.id]
    assert session.get(BookedSession, free.id).keyworker_id == new.id
    assert session.get(BookedSession, busy.id).keyworker_id == old.id
    assert session.get(BookedSession, free.id).sequence == 1  # calendars pick up the change


def test_cancelling_sessions_cancels_every_one_to_come_and_says_why(app, session, here):
    _, old, new, parent = here
    bookings = [
        make_booked_session(
            session, keyworker=old, participant=parent, starts_at=utcnow() + timedelta(days=d)
        )
        for d in (2, 4)
    ]

    transfer = change(app, session, parent, new, SessionsRule.CANCEL)

    assert len(transfer.cancelled) == 2
    for booking in bookings:
        session.refresh(booking)
        assert booking.status == SessionStatus.CANCELLED
        assert booking.cancel_reason == "Your keyworker changed"


def test_keeping_sessions_leaves_them_with_the_old_keyworker(app, session, here):
    _, old, new, parent = here
    booking = make_booked_session(session, keyworker=old, participant=parent)

    transfer = change(app, session, parent, new, SessionsRule.KEEP)

    assert [b.id for b in transfer.kept] == [booking.id]
    assert session.get(BookedSession, booking.id).keyworker_id == old.id


def test_the_change_is_kept_on_the_record_and_audited(app, session, here):
    _, old, new, parent = here
    make_booked_session(session, keyworker=old, participant=parent)

    change(app, session, parent, new, SessionsRule.MOVE, by=old)

    kept = session.scalars(select(KeyworkerChange)).one()
    assert (kept.from_keyworker_id, kept.to_keyworker_id, kept.changed_by_id) == (
        old.id,
        new.id,
        old.id,
    )
    assert (kept.sessions_moved, kept.sessions_kept, kept.sessions_cancelled) == (1, 0, 0)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "keyworker.changed")
    ).one()
    assert event.actor_id == old.id and event.participant_id == parent.id


def test_the_parent_is_emailed_who_their_keyworker_is_now(app, session, here):
    _, old, new, parent = here
    booking = make_booked_session(session, keyworker=old, participant=parent)
    with running_smtp(app, Collector()) as mail:
        transfer = change(app, session, parent, new, SessionsRule.MOVE)

    assert transfer.told == ["email"]
    assert session.scalars(select(KeyworkerChange)).one().told_by == ["email"]
    body = mail.messages[0].get_payload(decode=True).decode()
    assert "Your keyworker is now Rona Kerr." in body
    assert "is now with Rona" in body
    assert booking.starts_at.strftime("%H:%M") in body or "session on" in body
    # Nothing about the plan or wellbeing goes by email.
    assert "plan" not in body.lower() and "wellbeing" not in body.lower()


@pytest.mark.parametrize("who", ["same", "elsewhere", "inactive"])
def test_a_keyworker_who_cannot_take_the_parent_on_is_refused(app, session, here, who):
    _, old, new, parent = here
    if who == "same":
        target = old
    elif who == "elsewhere":
        target = make_keyworker(session, locality=make_locality(session), name="Sam Fife")
    else:
        target = new
        new.is_active = False
        session.flush()
    with pytest.raises(HandoverRefused), app.test_request_context():
        change_keyworker(
            session, participant=parent, keyworker=target, by=old, rule=SessionsRule.MOVE,
            now=utcnow(),
        )  # fmt: skip
    session.rollback()
    assert session.scalar(select(func.count()).select_from(KeyworkerChange)) == 0
