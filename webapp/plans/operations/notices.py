"""Telling the other side of a plan what changed, and marking it read once seen."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.models import Notice, Plan, User, utcnow


def notify_other_side(
    session: Session, plan: Plan, actor: User, what: str = "changed"
) -> list[Notice]:
    """Tell the people on the other side of the plan, gathering a run of changes into one."""
    participant = plan.participant
    keyworker = participant.profile.keyworker if participant.profile else None
    recipients = [u for u in (participant, keyworker) if u is not None and u.id != actor.id]
    notices = []
    now = utcnow()
    for recipient in recipients:
        message = _notice_message(actor, recipient, participant, keyworker, what)
        unread = session.scalar(
            select(Notice).where(
                Notice.user_id == recipient.id,
                Notice.plan_id == plan.id,
                Notice.actor_id == actor.id,
                Notice.message == message,
                Notice.read_at.is_(None),
            )
        )
        if unread is None:
            unread = Notice(
                user_id=recipient.id, actor_id=actor.id, plan_id=plan.id, message=message
            )
            session.add(unread)
        else:
            unread.changes = Notice.changes + 1
            unread.updated_at = now
        notices.append(unread)
    return notices


def _notice_message(actor, recipient, participant, keyworker, what: str) -> str:
    if recipient.id == participant.id:
        who = "Your keyworker" if keyworker and actor.id == keyworker.id else actor.name
        if what == "asked you to agree":
            return f"{who} agreed your plan and asked you to agree it too"
        if what == "agreed":
            return f"{who} agreed your plan: you both agree it now"
        return f"{who} {what} your plan"
    whose = f"{participant.first_name}'s plan"
    if what == "asked you to agree":
        return f"{actor.name} agreed {whose} and asked you to agree it too"
    if what == "agreed":
        return f"{actor.name} agreed {whose}: you both agree it now"
    return f"{actor.name} {what} {whose}"


def mark_read(session: Session, user: User, plan: Plan) -> None:
    """The person has seen their plan, so its notices are read."""
    session.execute(
        update(Notice)
        .where(
            Notice.user_id == user.id,
            Notice.plan_id == plan.id,
            Notice.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
