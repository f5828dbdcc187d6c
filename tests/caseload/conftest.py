"""Helpers for the service record's tests: bulk rows for the query-count tests."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from webapp.checkins.scoring import metric_table
from webapp.models import (
    Area,
    BookedSession,
    CheckIn,
    EventKind,
    Goal,
    Note,
    Outcome,
    OutcomeKind,
    ParticipantProfile,
    ParticipantStatus,
    PipelineStageChange,
    Plan,
    PlanEvent,
    Role,
    SessionMode,
    SessionStatus,
    Step,
    User,
    utcnow,
)
from webapp.models.checkins import CONFIDENCE_COLUMNS, SWEMWBS_COLUMNS


def checkin_row(participant_id: int, when, *, level: int = 3, **extra) -> dict:
    """A valid check-in with every wellbeing answer at ``level`` (1 to 5)."""
    raw = 7 * level
    return {
        "uuid": uuid.uuid4(),
        "participant_id": participant_id,
        "recorded_at": when,
        "received_at": when,
        **dict.fromkeys(SWEMWBS_COLUMNS, level),
        "swemwbs_raw": raw,
        "swemwbs_metric": float(metric_table()[raw]),
        **dict.fromkeys(CONFIDENCE_COLUMNS, 5),
        "note": None,
        "note_shared": False,
        "contact_me": False,
    } | extra


def session_row(participant_id: int, keyworker_id: int, starts, status, **extra) -> dict:
    return {
        "participant_id": participant_id,
        "keyworker_id": keyworker_id,
        "mode": SessionMode.PHONE,
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=45),
        "status": status,
        "sequence": 0,
        "created_at": starts - timedelta(days=7),
        "updated_at": starts - timedelta(days=7),
    } | extra


def add_plans(session, participant_ids, actor_id: int, *, events: int = 1) -> None:
    """A plan each, with one goal, an overdue step and ``events`` plan events."""
    now = utcnow()
    plan_ids = list(
        session.scalars(
            insert(Plan).returning(Plan.id, sort_by_parameter_order=True),
            [{"participant_id": pid} for pid in participant_ids],
        )
    )
    goal_ids = list(
        session.scalars(
            insert(Goal).returning(Goal.id, sort_by_parameter_order=True),
            [
                {
                    "plan_id": plan_id,
                    "title": "Find work",
                    "area": Area.MONEY,
                    "created_by_id": actor_id,
                }
                for plan_id in plan_ids
            ],
        )
    )
    session.execute(
        insert(Step),
        [
            {
                "goal_id": goal_id,
                "text": "Update my CV",
                "created_by_id": actor_id,
                "due_on": (now - timedelta(days=3)).date(),
            }
            for goal_id in goal_ids
        ],
    )
    if not events:
        return
    session.execute(
        insert(PlanEvent),
        [
            {
                "plan_id": plan_id,
                "actor_id": actor_id,
                "kind": EventKind.STEP_ADDED,
                "subject": f"Step {n}",
                "created_at": now - timedelta(hours=n, minutes=10),
            }
            for plan_id in plan_ids
            for n in range(events)
        ],
    )


def bulk_participants(session, *, locality, keyworker, count: int) -> list[int]:
    """``count`` active participants of the keyworker, each with a note, an outcome and a stage."""
    now = utcnow()
    start = session.scalar(select(func.count()).select_from(User))
    users = [
        {
            "role": Role.PARTICIPANT,
            "name": f"Bulk Parent {n:04d}",
            "email": f"bulk{start + n}@example.org",
            "session_token": f"t{start + n}",
            "locality_id": locality.id,
            "is_active": True,
            "created_at": now - timedelta(days=60),
        }
        for n in range(count)
    ]
    ids = list(
        session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), users)
    )
    session.execute(
        insert(ParticipantProfile),
        [
            {
                "user_id": pid,
                "keyworker_id": keyworker.id,
                "children_stages": ["primary"],
                "status": ParticipantStatus.ACTIVE,
                "consented_at": now - timedelta(days=60),
            }
            for pid in ids
        ],
    )
    session.execute(
        insert(Note),
        [
            {
                "participant_id": pid,
                "author_id": keyworker.id,
                "body": "Met at the school gate.",
                "staff_only": False,
                "asks_for_contact": False,
                "created_at": now - timedelta(days=n % 40),
            }
            for n, pid in enumerate(ids)
        ],
    )
    session.execute(
        insert(Outcome),
        [
            {
                "participant_id": pid,
                "kind": OutcomeKind.VOLUNTEERING,
                "achieved_on": (now - timedelta(days=3)).date(),
                "recorded_by_id": keyworker.id,
                "recorded_at": now - timedelta(days=30),
            }
            for pid in ids
        ],
    )
    session.execute(
        insert(PipelineStageChange),
        [
            {"participant_id": pid, "stage": 1 + n % 5, "changed_at": now, "changed_by_id": None}
            for n, pid in enumerate(ids)
        ],
    )
    # Plans, bookings and check-ins too, so their caseload columns and flags have data.
    add_plans(session, ids, keyworker.id)
    session.execute(
        insert(CheckIn),
        [
            checkin_row(pid, now - timedelta(days=days), level=level)
            for n, pid in enumerate(ids)
            for days, level in ((20, 4), (6, 3 if n % 2 else 4))
        ],
    )
    # Each session its own hour, so the keyworker never has two at once.
    session.execute(
        insert(BookedSession),
        [
            session_row(
                pid, keyworker.id, now + timedelta(hours=sign * (start + n) + sign * 24), status
            )
            for n, pid in enumerate(ids)
            for sign, status in ((-1, SessionStatus.ATTENDED), (1, SessionStatus.BOOKED))
        ],
    )
    session.commit()
    return ids


@pytest.fixture
def bulk(session):
    return lambda **kwargs: bulk_participants(session, **kwargs)


@pytest.fixture
def team(make):
    """A locality with a keyworker, a manager and a parent, and another locality's keyworker."""
    here = make.locality(name="Here")
    keyworker = make.keyworker(locality=here)
    return {
        "locality": here,
        "keyworker": keyworker,
        "manager": make.manager(locality=here),
        "parent": make.participant(locality=here, keyworker=keyworker, name="Aisha Rahman"),
        "outsider": make.keyworker(locality=make.locality(name="There")),
    }
