"""The life of a record: closing it with a reason (what that cancels, tells and records),
reopening it, and an erased record refusing anything new."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories.groups import make_group, make_place
from tests.factories.sessions import make_booked_session
from webapp.admin.operations import decide_erasure
from webapp.auth import operations as auth
from webapp.caseload import lifecycle, operations
from webapp.handover.operations import HandoverRefused, change_keyworker
from webapp.models import (
    AuditEvent,
    ClosureReason,
    ErasureRequest,
    GroupPlace,
    OutboxMail,
    Outcome,
    OutcomeKind,
    ParticipantStatus,
    PauseReason,
    RecordClosure,
    ReferralKind,
    ReferralStatus,
    SessionMode,
    SessionsRule,
    SessionStatus,
    User,
    utcnow,
)
from webapp.privacy.erasure import anonymise
from webapp.services.records import ERASED, RecordErased
from webapp.sessions.guard import BookingProblem


@pytest.fixture
def people(make, session):
    here = make.locality(name="Here")
    keyworker = make.keyworker(locality=here)
    parent = make.participant(locality=here, keyworker=keyworker, name="Aisha Rahman")
    return session.get(User, parent.id), session.get(User, keyworker.id), here


def actions(session, participant):
    return [
        e.action
        for e in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.participant_id == participant.id)
            .order_by(AuditEvent.id)
        )
    ]


def close(app, session, parent, by, reason=ClosureReason.MOVED_AWAY, **kwargs):
    with app.test_request_context():
        closing = lifecycle.close_record(
            session, participant=parent, by=by, reason=reason, **kwargs
        )
    session.commit()
    return closing


def test_closing_cancels_what_is_booked_tells_the_parent_and_starts_the_clock(app, session, people):
    parent, keyworker, here = people
    soon = make_booked_session(session, keyworker=keyworker, participant=parent)
    past = make_booked_session(
        session,
        keyworker=keyworker,
        participant=parent,
        starts_at=utcnow() - timedelta(days=2),
        status=SessionStatus.ATTENDED,
    )
    group = make_group(session, locality=here, title="Peer support")
    place = make_place(session, group=group, participant=parent)
    session.commit()

    closing = close(app, session, parent, keyworker)

    assert (closing.cancelled, closing.emailed) == (2, False)  # no mail server in tests
    session.expire_all()
    assert soon.status == SessionStatus.CANCELLED and soon.cancel_reason
    assert past.status == SessionStatus.ATTENDED
    assert session.get(GroupPlace, place.id).status == SessionStatus.CANCELLED
    profile = session.get(User, parent.id).profile
    assert profile.status == ParticipantStatus.CLOSED and profile.closed_at is not None
    mail = session.scalars(select(OutboxMail).where(OutboxMail.user_id == parent.id)).one()
    assert mail.subject == "Your CoPlan sessions are cancelled"
    assert "Peer support" in mail.body and keyworker.name in mail.body
    assert "record.closed" in actions(session, parent)


def test_closing_with_nothing_booked_sends_nothing(app, session, people):
    parent, keyworker, _ = people
    assert close(app, session, parent, keyworker).cancelled == 0
    assert not session.scalars(select(OutboxMail).where(OutboxMail.user_id == parent.id)).all()


def test_entering_work_records_the_job_once(app, session, people):
    parent, keyworker, _ = people
    closing = close(
        app, session, parent, keyworker, reason=ClosureReason.ENTERED_WORK, hours_per_week=16
    )
    job = session.get(Outcome, closing.closure.outcome_id)
    assert (job.kind, job.hours_per_week) == (OutcomeKind.ENTERED_WORK, 16)

    with app.test_request_context():
        lifecycle.reopen_record(session, participant=parent, by=keyworker)
    again = close(app, session, parent, keyworker, reason=ClosureReason.ENTERED_WORK)
    assert again.closure.outcome_id == job.id  # the job recorded lately, not a second one
    jobs = session.scalars(select(Outcome).where(Outcome.participant_id == parent.id)).all()
    assert len(jobs) == 1


@pytest.mark.parametrize(
    ("reason", "kwargs", "shown"),
    [
        (ClosureReason.NO_CONTACT, {"no_contact_months": 4}, "No contact for 4 months"),
        (ClosureReason.OTHER, {"detail": "Went to live with her sister"}, "Went to live"),
        (ClosureReason.NO_LONGER_WANTED, {}, "No longer wants support"),
    ],
)
def test_the_reason_is_kept_in_words_staff_read(app, session, people, reason, kwargs, shown):
    parent, keyworker, _ = people
    closing = close(app, session, parent, keyworker, reason=reason, **kwargs)
    assert closing.closure.reason_text.startswith(shown)


@pytest.mark.parametrize(
    ("reason", "message"),
    [(ClosureReason.NO_CONTACT, "how many months"), (ClosureReason.OTHER, "few words")],
)
def test_a_reason_that_needs_more_is_refused_without_it(app, session, people, reason, message):
    parent, keyworker, _ = people
    with pytest.raises(operations.NotAllowedNow, match=message):
        close(app, session, parent, keyworker, reason=reason)


def test_reopening_keeps_the_history_and_stops_the_clock(app, session, people):
    parent, keyworker, _ = people
    close(app, session, parent, keyworker)
    with pytest.raises(operations.NotAllowedNow, match="already closed"):
        close(app, session, parent, keyworker)
    lifecycle.reopen_record(session, participant=parent, by=keyworker)
    session.commit()
    profile = session.get(User, parent.id).profile
    assert (profile.status, profile.closed_at) == (ParticipantStatus.ACTIVE, None)
    closure = session.scalars(select(RecordClosure)).one()
    assert closure.reopened_at is not None and closure.reopened_by_id == keyworker.id
    with pytest.raises(operations.NotAllowedNow, match="not closed"):
        lifecycle.reopen_record(session, participant=parent, by=keyworker)


def test_reopening_someone_who_never_joined_leaves_them_invited(app, session, make, people):
    _, keyworker, here = people
    invited = make.participant(locality=here, status=ParticipantStatus.INVITED)
    invited = session.get(User, invited.id)
    close(app, session, invited, keyworker)
    lifecycle.reopen_record(session, participant=invited, by=keyworker)
    assert invited.profile.status == ParticipantStatus.INVITED


def test_a_closed_record_takes_no_booking_until_reopened(app, session, people):
    parent, keyworker, here = people
    close(app, session, parent, keyworker)
    group = make_group(session, locality=here)
    with pytest.raises(BookingProblem, match="closed"):
        book_place(session, parent, group)


def test_every_step_of_a_records_life_is_audited(app, session, make, people):
    parent, keyworker, _ = people
    manager = session.get(User, make.manager(locality=parent.locality).id)
    operations.pause(session, participant=parent, by=keyworker, reason=PauseReason.FAMILY)
    operations.resume(session, participant=parent, by=keyworker)
    close(app, session, parent, keyworker)
    lifecycle.reopen_record(session, participant=parent, by=keyworker)
    close(app, session, parent, keyworker, reason=ClosureReason.SUPPORT_ENDED)
    erasure = ErasureRequest(participant_id=parent.id, requested_by_id=parent.id)
    session.add(erasure)
    decide_erasure(session, erasure=erasure, participant=parent, decider=manager, approve=True)
    session.commit()
    assert actions(session, parent) == [
        "engagement.paused",
        "engagement.resumed",
        "record.closed",
        "record.reopened",
        "record.closed",
        "erasure.approved",
    ]
    events = session.scalars(select(AuditEvent).where(AuditEvent.participant_id == parent.id))
    assert all(e.actor_id in (keyworker.id, manager.id) for e in events)


# An erased record refuses every kind of new data ------------------------------------------


def book_session(session, parent, keyworker):
    from webapp.sessions.operations import book_session as book

    return book(
        session,
        participant=parent,
        keyworker=keyworker,
        starts_at=utcnow() + timedelta(days=3),
        mode=SessionMode.PHONE,
        booked_by=keyworker,
    )


def book_place(session, parent, group):
    from webapp.groups.operations import book_group_place

    return book_group_place(session, group_id=group.id, participant=parent)


def _referral_update(session, parent, keyworker):
    from tests.factories.record import make_referral

    referral = make_referral(session, participant=parent, made_by=keyworker)
    session.commit()
    anonymise(session, parent)
    return lambda: operations.update_referral(
        session, referral=referral, status=ReferralStatus.ACCEPTED, changed_by=keyworker
    )


def _plan_step(session, parent, keyworker):
    from tests.factories.plans import make_goal, make_plan
    from webapp.plans import operations as plans

    goal = make_goal(session, plan=make_plan(session, participant=parent), actor=keyworker)
    session.commit()
    anonymise(session, parent)
    return lambda: plans.add_step(session, goal=goal, actor=keyworker, text="Phone the college")


def _plan_goal(session, parent, keyworker):
    from webapp.models import Area
    from webapp.plans import operations as plans

    anonymise(session, parent)
    plan = plans.plan_for(session, parent)
    return lambda: plans.add_goal(
        session, plan=plan, actor=keyworker, title="Find work", area=Area.MONEY
    )


def _erased_then(add):
    """A builder: erase the record first, then the change to try."""

    def build(session, parent, keyworker):
        anonymise(session, parent)
        return lambda: add(session, parent, keyworker)

    return build


KINDS_OF_NEW_DATA = {
    "note": (
        _erased_then(lambda s, p, k: operations.add_note(s, participant=p, author=k, body="Hello")),
        operations.NotAllowedNow,
    ),
    "outcome": (
        _erased_then(
            lambda s, p, k: operations.record_outcome(
                s,
                participant=p,
                recorded_by=k,
                kind=OutcomeKind.VOLUNTEERING,
                achieved_on=date.today(),
            )
        ),
        operations.NotAllowedNow,
    ),
    "referral": (
        _erased_then(
            lambda s, p, k: operations.make_referral(
                s,
                participant=p,
                made_by=k,
                kind=ReferralKind.CHILDCARE,
                organisation="Bright Starts",
                made_on=date.today(),
            )
        ),
        operations.NotAllowedNow,
    ),
    "referral status": (_referral_update, operations.NotAllowedNow),
    "pipeline stage": (
        _erased_then(lambda s, p, k: operations.set_stage(s, participant=p, stage=2, changed_by=k)),
        operations.NotAllowedNow,
    ),
    "one-to-one session": (_erased_then(book_session), BookingProblem),
    "group place": (
        _erased_then(lambda s, p, k: book_place(s, p, make_group(s, locality=p.locality))),
        BookingProblem,
    ),
    "invitation link": (
        _erased_then(
            lambda s, p, k: auth.reissue_invitation(
                s, participant=p, issued_by=k, lifetime=timedelta(days=7)
            )
        ),
        RecordErased,
    ),
    "reset link": (
        _erased_then(
            lambda s, p, k: auth.issue_reset_link_token(
                s, user=p, lifetime=timedelta(hours=2), issued_by=k
            )
        ),
        RecordErased,
    ),
    "keyworker change": (
        _erased_then(
            lambda s, p, k: change_keyworker(
                s, participant=p, keyworker=k, by=k, rule=SessionsRule.KEEP, now=utcnow()
            )
        ),
        HandoverRefused,
    ),
    "goal": (_plan_goal, RecordErased),
    "step": (_plan_step, RecordErased),
    "reopening": (
        _erased_then(lambda s, p, k: lifecycle.reopen_record(s, participant=p, by=k)),
        operations.NotAllowedNow,
    ),
    "closing again": (
        _erased_then(
            lambda s, p, k: lifecycle.close_record(
                s, participant=p, by=k, reason=ClosureReason.MOVED_AWAY
            )
        ),
        operations.NotAllowedNow,
    ),
}


@pytest.mark.parametrize("kind", KINDS_OF_NEW_DATA)
def test_an_erased_record_refuses_each_kind_of_new_data(app, session, people, kind):
    parent, keyworker, _ = people
    build, refusal = KINDS_OF_NEW_DATA[kind]
    attempt = build(session, parent, keyworker)
    session.commit()
    with app.test_request_context(), pytest.raises(refusal, match="erased"):
        attempt()


def test_an_erased_record_refuses_a_message(session, people):
    from webapp.messages.operations import send_message

    parent, keyworker, _ = people
    anonymise(session, parent)
    answer = send_message(
        session,
        participant=parent,
        author=keyworker,
        body="Are you there?",
        uuid="0d6f1a52-5d1e-4a8e-9a53-6f0c1f6f8a11",
    )
    assert (answer.status, answer.reason) == ("rejected", ERASED)
