"""Writing to the audit log. Every staff view of a participant's record, every change of
access, and every sign-in attempt is recorded here."""

from __future__ import annotations

from typing import TypeVar

from flask_login import current_user
from sqlalchemy import insert
from sqlalchemy.orm import Session

from webapp.models import AuditEvent, User

Answer = TypeVar("Answer")

# What the log records, in one place so that managers can filter by it.
ACTIONS = {
    "record.viewed": "Looked at the record",
    "plan.viewed": "Looked at the plan",
    "checkins.viewed": "Looked at check-ins",
    "journey.viewed": "Looked at the journey",
    "notes.viewed": "Looked at notes",
    "messages.viewed": "Looked at messages",
    "document.uploaded": "Added a document",
    "document.downloaded": "Downloaded a document",
    "note.staff_only_created": "Wrote a staff-only note",
    "note.staff_only_viewed": "Read a staff-only note",
    "note.created": "Wrote a note shared with the participant",
    "referral.made": "Made a referral",
    "referral.updated": "Changed a referral's status",
    "outcome.recorded": "Recorded an outcome",
    "stage.changed": "Moved to a pipeline stage",
    "participant.details_changed": "Changed a parent's details",
    "session.booked_by_agreement": "Booked a time agreed with the parent",
    "attendance.corrected": "Corrected a session's attendance",
    "engagement.paused": "Paused involvement",
    "engagement.resumed": "Resumed involvement",
    "record.closed": "Closed the record",
    "record.reopened": "Reopened the record",
    "idea.answered": "Answered an idea",
    "idea.hidden": "Hid an idea from the ideas board",
    "idea.shown_again": "Put a hidden idea back on the ideas board",
    "report.downloaded": "Downloaded a report",
    "audit.downloaded": "Downloaded the audit log",
    "export.downloaded": "Downloaded everything held",
    "erasure.requested": "Asked for the record to be deleted",
    "erasure.approved": "Approved deletion",
    "erasure.withdrawn": "Took back the request to delete the record",
    "account.password_changed": "Changed their password",
    "account.email_changed": "Changed their email address",
    "account.mobile_changed": "Changed their mobile number",
    "retention.anonymised": "Anonymised after the retention period",
    "role.changed": "Changed a role",
    "invite.issued": "Made an invitation link",
    "reset.issued": "Made a password reset link",
    "sign_in.succeeded": "Signed in",
    "sign_in.failed": "Failed to sign in",
    "two_factor.enrolled": "Set up two-step sign-in",
    "two_factor.moved": "Moved two-step sign-in to a new phone",
    "two_factor.recovery_codes_renewed": "Made new recovery codes",
    "caseload.imported": "Imported a caseload from a spreadsheet",
    "join_request.accepted": "Accepted a request to join",
    "join_request.declined": "Declined a request to join",
    "staff.invited": "Invited a member of staff",
    "keyworker.changed": "Changed a parent's keyworker",
    "cover.arranged": "Arranged cover for a keyworker",
    "cover.ended": "Ended cover for a keyworker",
    "staff.deactivated": "Deactivated a member of staff",
    "staff.reactivated": "Reactivated a member of staff",
    "staff.two_step_reset": "Reset a member of staff's two-step sign-in",
    "staff.admin_set_up_link": "Made an admin's set-up link from the command line",
}


def record(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    participant: User | int | None = None,
    **detail,
) -> AuditEvent:
    """Append one event to the audit log."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    participant_id = participant.id if isinstance(participant, User) else participant
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else None,
        participant_id=participant_id,
        detail=detail,
    )
    session.add(event)
    return event


def kept_with(session: Session, answer: Answer) -> Answer:
    """Commit the audit events of a page that is made, and hand the page on to be sent.

    A view commits its "looked at" events after rendering, not before: a commit expires
    everything the view has loaded, and the template would load it again (on the record, the
    participant once more). A page that fails to render was not seen, and is not logged."""
    session.commit()
    return answer


def staff_viewed(session: Session, action: str, participant: User, **detail) -> None:
    """Record that the signed-in member of staff looked at part of a participant's record."""
    if current_user.is_authenticated and current_user.is_staff:
        record(session, action, actor=current_user, participant=participant, **detail)


def staff_viewed_each(
    session: Session, action: str, participant: User, details: list[dict]
) -> None:
    """Record one event per thing the signed-in member of staff looked at, in one statement."""
    if not details or not (current_user.is_authenticated and current_user.is_staff):
        return
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}")
    session.execute(
        insert(AuditEvent),
        [
            {
                "action": action,
                "actor_id": current_user.id,
                "actor_role": current_user.role.value,
                "participant_id": participant.id,
                "detail": detail,
            }
            for detail in details
        ],
    )
