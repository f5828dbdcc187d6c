"""The audit log records who did what, and cannot be changed."""

import pytest
from sqlalchemy import select, text

from webapp.models import AuditEvent, AuditLogIsAppendOnly
from webapp.services import audit


def actions(session):
    return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_ins_and_failures_are_recorded(pages, make, session):
    parent = make.participant(locality=make.locality())
    pages.post(
        "auth.sign_in", {"identifier": parent.email, "password": "wrong one"}, _expected_status=200
    )
    pages.sign_in(parent)
    assert actions(session) == ["sign_in.failed", "sign_in.succeeded"]
    failed = session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in.failed"))
    assert failed.detail == {"account": parent.id}


def test_staff_view_of_a_record_is_recorded(pages, make, session):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality)
    parent = make.participant(locality=locality)
    pages.sign_in(keyworker)
    pages.get("caseload.record", participant_id=parent.id)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "record.viewed")).one()
    assert (event.actor_id, event.actor_role, event.participant_id) == (
        keyworker.id,
        "keyworker",
        parent.id,
    )


def test_audit_rows_cannot_be_changed_through_the_app(session, make):
    audit.record(session, "sign_in.failed")
    session.commit()
    event = session.scalars(select(AuditEvent)).one()
    event.action = "sign_in.succeeded"
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    session.delete(session.scalars(select(AuditEvent)).one())
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()


def test_database_refuses_changes_to_the_audit_log_on_postgresql(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    from sqlalchemy.exc import DBAPIError

    audit.record(session, "sign_in.failed")
    session.commit()
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        session.rollback()


def test_unknown_actions_are_refused(session):
    with pytest.raises(ValueError):
        audit.record(session, "something.made.up")
