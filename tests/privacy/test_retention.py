from datetime import timedelta

from sqlalchemy import select

from webapp.caseload.lifecycle import close_record, reopen_record
from webapp.models import AuditEvent, ClosureReason, User, utcnow
from webapp.privacy.erasure import ERASED_NAME


def close(app, session, user_id, staff, days_ago):
    """Close the record as staff do, from the record, as long ago as asked."""
    with app.test_request_context():
        close_record(
            session,
            participant=session.get(User, user_id),
            by=session.get(User, staff.id),
            reason=ClosureReason.MOVED_AWAY,
            now=utcnow() - timedelta(days=days_ago),
        )
    session.commit()


def test_retention_dry_run_then_apply_then_again(app, make, session):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality)
    old = make.participant(locality=locality, name="Old Record")
    recent = make.participant(locality=locality, name="Recent Record")
    active = make.participant(locality=locality, name="Still Here")
    close(app, session, old.id, keyworker, days_ago=app.config["RETENTION_DAYS"] + 1)
    close(app, session, recent.id, keyworker, days_ago=10)
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["apply-retention", "--dry-run"])
    assert "Would anonymise 1 record(s)" in dry.output
    assert f"participant {old.id}" in dry.output
    session.expire_all()
    assert session.get(User, old.id).name == "Old Record"

    first = runner.invoke(args=["apply-retention"])
    assert "Anonymised 1 record(s)" in first.output
    second = runner.invoke(args=["apply-retention"])
    assert "Anonymised 0 record(s)" in second.output
    session.expire_all()
    assert session.get(User, old.id).name == ERASED_NAME
    assert session.get(User, old.id).profile.is_erased
    assert session.get(User, recent.id).name == "Recent Record"
    assert session.get(User, active.id).name == "Still Here"
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "retention.anonymised")
    ).all()
    assert [e.participant_id for e in events] == [old.id]


def test_a_reopened_record_is_not_anonymised(app, make, session):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality)
    back = make.participant(locality=locality, name="Came Back")
    close(app, session, back.id, keyworker, days_ago=app.config["RETENTION_DAYS"] + 1)
    reopen_record(
        session, participant=session.get(User, back.id), by=session.get(User, keyworker.id)
    )
    session.commit()

    result = app.test_cli_runner().invoke(args=["apply-retention"])
    assert "Anonymised 0 record(s)" in result.output
    session.expire_all()
    assert session.get(User, back.id).name == "Came Back"
