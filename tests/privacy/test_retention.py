from datetime import timedelta

from sqlalchemy import select

from webapp.models import AuditEvent, ParticipantStatus, User, utcnow
from webapp.privacy.erasure import ERASED_NAME


def close(session, user_id, days_ago):
    profile = session.get(User, user_id).profile
    profile.status = ParticipantStatus.CLOSED
    profile.closed_at = utcnow() - timedelta(days=days_ago)
    session.commit()


def test_retention_dry_run_then_apply_then_again(app, make, session):
    locality = make.locality()
    old = make.participant(locality=locality, name="Old Record")
    recent = make.participant(locality=locality, name="Recent Record")
    active = make.participant(locality=locality, name="Still Here")
    close(session, old.id, days_ago=app.config["RETENTION_DAYS"] + 1)
    close(session, recent.id, days_ago=10)
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
    assert session.get(User, recent.id).name == "Recent Record"
    assert session.get(User, active.id).name == "Still Here"
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "retention.anonymised")
    ).all()
    assert [e.participant_id for e in events] == [old.id]
