"""A row in every table that can refer to a participant, for the export and erasure tests.

Each table reachable from ``users`` by foreign keys needs a builder here: the export test
fails for a table without one, so a new table cannot be forgotten by the subject access export
or by erasure. A builder takes (session, participant, staff) and adds at least one row that
refers, directly or through other rows, to the participant, with some free text in it."""

from __future__ import annotations

from datetime import date, time, timedelta

from tests.factories.checkins import make_checkin
from tests.factories.documents import make_document
from tests.factories.record import make_note, make_outcome, make_referral
from tests.factories.sessions import make_booked_session
from webapp.models import (
    AccessToken,
    AvailabilityRule,
    CalendarFeedToken,
    ClosureReason,
    ContactChoice,
    Cover,
    EngagementPause,
    ErasureRequest,
    FreeWindow,
    GroupPlace,
    GroupSession,
    Idea,
    JoinRequest,
    JoinRequestStatus,
    KeyworkerChange,
    KeyworkerSettings,
    Message,
    OutboxMail,
    PauseReason,
    PipelineStageChange,
    PushSubscription,
    RecordClosure,
    RecoveryCode,
    ReferredBy,
    Reminder,
    SessionFeedback,
    SessionMode,
    SessionsRule,
    SessionStatus,
    TimeOff,
    TokenPurpose,
    TwoFactorCredential,
    utcnow,
)
from webapp.plans import operations as plan_operations
from webapp.services import audit

SECRET_TEXT = "Aisha's very private words"


def access_tokens(session, participant, staff):
    session.add(
        AccessToken(
            purpose=TokenPurpose.RESET,
            user_id=participant.id,
            token_hash="h" * 64,
            expires_at=utcnow() + timedelta(days=1),
        )
    )


def outbox_mail(session, participant, staff):
    session.add(
        OutboxMail(
            user_id=participant.id,
            to_address=participant.email,
            subject="Hello",
            body=SECRET_TEXT,
            transport="log",
        )
    )


def audit_events(session, participant, staff):
    audit.record(session, "record.viewed", actor=staff, participant=participant)


def checkins(session, participant, staff):
    make_checkin(session, participant=participant, note=SECRET_TEXT, note_shared=True)


def erasure_requests(session, participant, staff):
    session.add(ErasureRequest(participant_id=participant.id, requested_by_id=participant.id))


def two_factor_credentials(session, participant, staff):
    session.add(TwoFactorCredential(user_id=participant.id, secret="S" * 32))


def recovery_codes(session, participant, staff):
    session.add(RecoveryCode(user_id=participant.id, code_hash="c" * 64))


def plans(session, participant, staff):
    """A plan with a row in every plan table: goal, step, history, agreement, comment, notice."""
    plan = plan_operations.plan_for(session, participant)
    goal = plan_operations.add_goal(
        session, plan=plan, actor=participant, title=SECRET_TEXT, area="confidence", why=SECRET_TEXT
    )
    plan_operations.add_step(
        session, goal=goal, actor=staff, text=SECRET_TEXT, owner="partner", partner_name="CAB"
    )
    plan_operations.agree(session, plan=plan, actor=staff, revision=plan.revision)
    plan_operations.add_comment(session, goal=goal, actor=participant, body=SECRET_TEXT)


def made_with_the_plan(session, participant, staff):
    """Rows the ``plans`` builder has already made."""


PLAN_TABLES = [
    "plan_goals",
    "plan_steps",
    "plan_events",
    "plan_agreements",
    "plan_agreement_confirmations",
    "plan_goal_comments",
    "notifications",
]


def _session(session, participant, staff):
    return make_booked_session(
        session,
        keyworker=staff,
        participant=participant,
        status=SessionStatus.CANCELLED,
        cancel_reason=SECRET_TEXT,
    )


def sessions(session, participant, staff):
    _session(session, participant, staff)


def reminders(session, participant, staff):
    """A reminder of a one-to-one session, and one of a place at a group session."""
    booking = _session(session, participant, staff)
    session.add(Reminder(session_id=booking.id, due_at=booking.starts_at - timedelta(days=1)))
    group = _group(session, staff)
    place = GroupPlace(group_session_id=group.id, participant_id=participant.id)
    session.add(place)
    session.flush()
    session.add(Reminder(group_attendee_id=place.id, due_at=group.starts_at - timedelta(days=1)))


def free_windows(session, participant, staff):
    session.add(
        FreeWindow(participant_id=participant.id, weekday=1, starts_at=time(9), ends_at=time(12))
    )


def push_subscriptions(session, participant, staff):
    session.add(
        PushSubscription(
            user_id=participant.id,
            endpoint="https://fcm.googleapis.com/fcm/send/" + "e" * 40,
            p256dh_key="B" + "k" * 86,
            auth_secret="a" * 22,
        )
    )


def calendar_feed_tokens(session, participant, staff):
    session.add(CalendarFeedToken(user_id=participant.id, token_hash="f" * 64))


def _group(session, led_by):
    start = utcnow() + timedelta(days=5)
    group = GroupSession(
        locality_id=led_by.locality_id,
        led_by_id=led_by.id,
        title="Peer support",
        description=SECRET_TEXT,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=8,
    )
    session.add(group)
    session.flush()
    return group


def group_attendees(session, participant, staff):
    group = _group(session, staff)
    session.add(GroupPlace(group_session_id=group.id, participant_id=participant.id))


# These tables refer to users as staff (the keyworker's own availability, time off, settings,
# the group they lead); the builders use the participant only so that the walk reaches them.
def group_sessions(session, participant, staff):
    group = _group(session, participant)
    # Why it was cancelled is free text staff wrote, erased like the description.
    group.is_cancelled, group.cancel_reason, group.cancelled_at = True, SECRET_TEXT, utcnow()


def availability_rules(session, participant, staff):
    session.add(
        AvailabilityRule(
            keyworker_id=participant.id,
            weekday=0,
            starts_at=time(9),
            ends_at=time(12),
            mode=SessionMode.PHONE,
            valid_from=date(2026, 1, 1),
        )
    )


def time_off(session, participant, staff):
    start = utcnow()
    session.add(
        TimeOff(
            keyworker_id=participant.id,
            starts_at=start,
            ends_at=start + timedelta(days=1),
            reason=SECRET_TEXT,
        )
    )


def keyworker_settings(session, participant, staff):
    session.add(KeyworkerSettings(keyworker_id=participant.id))


def notes(session, participant, staff):
    make_note(session, participant=participant, author=staff, body=SECRET_TEXT)
    make_note(session, participant=participant, author=staff, body=SECRET_TEXT, staff_only=True)


def referrals(session, participant, staff):
    make_referral(session, participant=participant, made_by=staff, organisation=SECRET_TEXT)


def outcomes(session, participant, staff):
    make_outcome(session, participant=participant, recorded_by=staff, detail=SECRET_TEXT)


def pipeline_stage_changes(session, participant, staff):
    session.add(PipelineStageChange(participant_id=participant.id, stage=1, changed_by_id=staff.id))


def engagement_pauses(session, participant, staff):
    session.add(
        EngagementPause(
            participant_id=participant.id, reason=PauseReason.FAMILY, paused_by_id=participant.id
        )
    )


def record_closures(session, participant, staff):
    # The words given for "something else" are the parent's story: erasure wipes them.
    session.add(
        RecordClosure(
            participant_id=participant.id,
            reason=ClosureReason.OTHER,
            detail=SECRET_TEXT,
            closed_by_id=staff.id,
        )
    )


def session_feedback(session, participant, staff):
    session.add(
        SessionFeedback(
            locality_id=participant.locality_id,
            participant_id=participant.id,
            helpful=True,
            comment=SECRET_TEXT,
        )
    )


def ideas(session, participant, staff):
    session.add(
        Idea(locality_id=participant.locality_id, author_id=participant.id, body=SECRET_TEXT)
    )


def join_requests(session, participant, staff):
    session.add(
        JoinRequest(
            locality_id=participant.locality_id,
            name=participant.name,
            phone="07700900123",
            best_times=SECRET_TEXT,
            referred_by=ReferredBy.HEALTH_VISITOR,
            referrer_name="Health visitor",
            referrer_contact="hv@example.org",
            consented_at=utcnow(),
            status=JoinRequestStatus.ACCEPTED,
            participant_id=participant.id,
        )
    )


def messages(session, participant, staff):
    now = utcnow()
    session.add_all(
        [
            Message(
                uuid=f"00000000-0000-4000-8000-00000000000{n}",
                participant_id=participant.id,
                author_id=author.id,
                body=SECRET_TEXT,
                sent_at=now,
            )
            for n, author in enumerate((participant, staff))
        ]
    )


def documents(session, participant, staff):
    """A document the parent sent with a message, and one their keyworker put on a goal."""
    make_document(
        session, participant=participant, uploaded_by=participant, filename=f"{SECRET_TEXT}.pdf"
    )
    goal = plan_operations.add_goal(
        session,
        plan=plan_operations.plan_for(session, participant),
        actor=staff,
        title="Find childcare",
        area="childcare",
    )
    make_document(
        session,
        participant=participant,
        uploaded_by=staff,
        goal=goal,
        filename="Childcare funding letter.pdf",
        content=b"%PDF-1.4 " + SECRET_TEXT.encode(),
    )


def contact_choices(session, participant, staff):
    session.add(ContactChoice(user_id=participant.id, plans_by_email=True))


def keyworker_changes(session, participant, staff):
    session.add(
        KeyworkerChange(
            participant_id=participant.id,
            to_keyworker_id=staff.id,
            changed_by_id=staff.id,
            sessions_rule=SessionsRule.MOVE,
        )
    )


def covers(session, participant, staff):
    # As the other staff tables here do, with the participant's id where a keyworker's goes.
    today = date.today()
    session.add(
        Cover(
            absent_id=participant.id,
            cover_id=staff.id,
            starts_on=today,
            ends_on=today,
            arranged_by_id=staff.id,
        )
    )


BUILDERS = {
    "documents": documents,
    "keyworker_changes": keyworker_changes,
    "covers": covers,
    "contact_choices": contact_choices,
    "messages": messages,
    "join_requests": join_requests,
    "notes": notes,
    "referrals": referrals,
    "outcomes": outcomes,
    "pipeline_stage_changes": pipeline_stage_changes,
    "engagement_pauses": engagement_pauses,
    "record_closures": record_closures,
    "session_feedback": session_feedback,
    "ideas": ideas,
    "plans": plans,
    **dict.fromkeys(PLAN_TABLES, made_with_the_plan),
    "access_tokens": access_tokens,
    "outbox_mail": outbox_mail,
    "audit_events": audit_events,
    "erasure_requests": erasure_requests,
    "checkins": checkins,
    "two_factor_credentials": two_factor_credentials,
    "recovery_codes": recovery_codes,
    "sessions": sessions,
    "reminders": reminders,
    "free_windows": free_windows,
    "calendar_feed_tokens": calendar_feed_tokens,
    "push_subscriptions": push_subscriptions,
    "group_sessions": group_sessions,
    "group_attendees": group_attendees,
    "availability_rules": availability_rules,
    "time_off": time_off,
    "keyworker_settings": keyworker_settings,
}
# The participant's own rows, made by the factories.
MADE_BY_FACTORIES = {"users", "participant_profiles"}
