"""Helpers for the service record's tests: bulk rows for the query-count tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from webapp.models import (
    Note,
    Outcome,
    OutcomeKind,
    ParticipantProfile,
    ParticipantStatus,
    PipelineStageChange,
    Role,
    User,
    utcnow,
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


@pytest.fixture
def restore_registries():
    """Lets a test register an extra caseload fact or timeline source, then puts things back."""
    from webapp.caseload import facts, timeline

    saved = (
        list(facts.CASELOAD_FACTS),
        list(facts.CASELOAD_FLAGS),
        list(timeline.TIMELINE_SOURCES),
    )
    yield
    facts.CASELOAD_FACTS[:], facts.CASELOAD_FLAGS[:], timeline.TIMELINE_SOURCES[:] = saved
