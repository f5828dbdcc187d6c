"""What a parent's own data rights pages read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from webapp.checkins.questions import CONFIDENCE_SCALES
from webapp.models import (
    AuditEvent,
    BookedSession,
    CheckIn,
    ErasureRequest,
    ErasureStatus,
    GroupPlace,
    Message,
    Note,
    Outcome,
    Plan,
    Referral,
    SessionFeedback,
    User,
)

LOOKS_SHOWN = 200


def pending_erasure(session: Session, participant: User) -> ErasureRequest | None:
    """The parent's request to be forgotten that waits for a manager, if there is one."""
    return session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.participant_id == participant.id,
            ErasureRequest.status == ErasureStatus.PENDING,
        )
    )


def staff_looks(session: Session, participant: User, actions) -> list:
    """Who on the staff looked at what of the parent's, newest first: (event, user) rows."""
    return session.execute(
        select(AuditEvent, User)
        .join(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.participant_id == participant.id,
            AuditEvent.action.in_(actions),
            AuditEvent.actor_id != participant.id,
        )
        .order_by(AuditEvent.at.desc())
        .limit(LOOKS_SHOWN)
    ).all()


# Everything held about a parent as they would recognise it, read through the models (no ids,
# no account secrets). The downloads (export.py) stay the complete, machine-readable copy.


@dataclass
class Summary:
    """What a parent's "Read it as a page" shows, group by group."""

    participant: User
    plan: Plan | None
    sessions: list[BookedSession]
    group_places: list[GroupPlace]
    checkins: list[CheckIn]
    notes: list[Note]
    referrals: list[Referral]
    outcomes: list[Outcome]
    messages: list[Message]
    feedback: list[SessionFeedback]

    @property
    def confidence_scales(self):
        return CONFIDENCE_SCALES


def readable_summary(session: Session, participant: User) -> Summary:
    """Read everything the parent can see about themselves, oldest first within each group."""
    pid = participant.id

    def rows(model, *order, options=()):
        query = select(model).where(model.participant_id == pid).order_by(*order)
        return list(session.scalars(query.options(*options)))

    return Summary(
        participant=participant,
        plan=session.scalar(select(Plan).where(Plan.participant_id == pid)),
        sessions=rows(
            BookedSession,
            BookedSession.starts_at,
            options=(selectinload(BookedSession.keyworker), selectinload(BookedSession.venue)),
        ),
        group_places=rows(
            GroupPlace, GroupPlace.id, options=(selectinload(GroupPlace.group_session),)
        ),
        checkins=rows(CheckIn, CheckIn.recorded_at),
        # Notes staff keep for themselves are never shown to the parent (see export.py).
        notes=[
            n
            for n in rows(Note, Note.created_at, options=(selectinload(Note.author),))
            if not n.staff_only
        ],
        referrals=rows(Referral, Referral.made_on),
        outcomes=rows(Outcome, Outcome.achieved_on),
        messages=rows(Message, Message.sent_at, options=(selectinload(Message.author),)),
        feedback=rows(SessionFeedback, SessionFeedback.created_at),
    )
