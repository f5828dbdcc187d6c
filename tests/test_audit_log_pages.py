"""The audit log pages through every entry, downloads as CSV, and says which report was
downloaded."""

import csv
import io
from datetime import timedelta

from sqlalchemy import insert

from webapp.models import AuditEvent, utcnow


def add_events(session, actor, parent, count):
    now = utcnow()
    session.execute(
        insert(AuditEvent),
        [
            {
                "action": "record.viewed",
                "actor_id": actor.id,
                "actor_role": "keyworker",
                "participant_id": parent.id,
                "detail": {},
                "at": now - timedelta(minutes=n + 10),
            }
            for n in range(count)
        ],
    )
    session.commit()


def test_a_manager_pages_back_through_all_250_entries_not_only_the_newest_100(pages, make, session):
    here = make.locality()
    keyworker = make.keyworker(locality=here)
    parent = make.participant(locality=here, keyworker=keyworker)
    add_events(session, keyworker, parent, 250)
    pages.sign_in(make.manager(locality=here))
    seen = []
    page, number = pages.get("admin.audit_log"), 0
    while True:
        seen += page.select("tbody tr")
        older = page.find("a", string="Older events")
        if older is None:
            break
        number += 1
        page = pages.get("admin.audit_log", page=number)
    assert number == 2
    assert len([r for r in seen if "Looked at the record" in r.text]) == 250


def test_the_audit_log_downloads_as_csv_and_names_the_report_downloaded(pages, make, session):
    here = make.locality()
    keyworker = make.keyworker(locality=here)
    parent = make.participant(locality=here, keyworker=keyworker)
    add_events(session, keyworker, parent, 120)
    manager = make.manager(locality=here)
    pages.sign_in(manager)
    pages.client.get(pages.url("reports.download", key="sessions"))
    page = pages.get("admin.audit_log")
    assert "Downloaded a report: sessions" in page.select_one("tbody").text
    link = page.find("a", href=pages.url("admin.audit_csv"))
    assert link is not None
    response = pages.client.get(link["href"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["When (UTC)", "Who", "Their role", "What"]
    assert sum(1 for r in rows if r[3] == "Looked at the record") == 120
    assert any(r[3] == "Downloaded a report: sessions" for r in rows)
