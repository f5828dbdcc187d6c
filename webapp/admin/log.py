"""The audit log as people read it: each event in words, on the page and in its CSV."""

from __future__ import annotations

from collections.abc import Iterable

from webapp.models import AuditEvent
from webapp.services.audit import ACTIONS

CSV_HEADER = ["When (UTC)", "Who", "Their role", "What", "About", "Detail"]


def describe(event: AuditEvent) -> str:
    """'Downloaded a report: sessions': the action, with what it was about when that helps."""
    words = ACTIONS.get(event.action, event.action)
    detail = event.detail or {}
    if event.action == "report.downloaded" and detail.get("report"):
        return f"{words}: {detail['report']}"
    return words


def csv_rows(rows: Iterable) -> Iterable[tuple]:
    for event, actor, participant in rows:
        yield (
            event.at.isoformat(),
            actor.name if actor else "Someone not signed in",
            event.actor_role or "",
            describe(event),
            participant.name if participant else "",
            event.detail or "",
        )
