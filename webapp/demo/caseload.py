"""Demo data for the service record: notes, a referral, outcomes, stages and the parents' voice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import (
    ContractType,
    Idea,
    IdeaStatus,
    Locality,
    Note,
    Outcome,
    OutcomeKind,
    PipelineStageChange,
    Referral,
    ReferralKind,
    ReferralStatus,
    SessionFeedback,
    User,
    utcnow,
)


def seed_service_record(session: Session, locality: Locality) -> None:
    people = {
        u.email or u.name: u
        for u in session.scalars(select(User).where(User.locality_id == locality.id))
    }
    ewan = people["keyworker@example.org"]
    manager = people["manager@example.org"]
    aisha = people["parent@example.org"]
    kirsty = people["kirsty.d@example.org"]
    gemma = people["gemma.r@example.org"]
    now = utcnow()

    def ago(days: int, hours: int = 0):
        return now - timedelta(days=days, hours=hours)

    session.add_all(
        [
            Note(
                participant_id=aisha.id,
                author_id=ewan.id,
                body="Lovely to meet you at the school gate. We talked about the childcare "
                "course at the college: I'll find out the start dates.",
                created_at=ago(20),
            ),
            Note(
                participant_id=aisha.id,
                author_id=ewan.id,
                body="Aisha mentioned rent arrears. Referred to money advice; check in "
                "about it next week.",
                staff_only=True,
                created_at=ago(12),
            ),
            Note(
                participant_id=aisha.id,
                author_id=ewan.id,
                body="Great news about the course place! Bring your ID on the first day.",
                created_at=ago(3),
            ),
            Note(
                participant_id=kirsty.id,
                author_id=ewan.id,
                body="Phoned about the volunteering at the community café.",
                created_at=ago(26),
            ),
            Note(
                participant_id=kirsty.id,
                author_id=kirsty.id,
                body="Can you phone me after 3 on Thursday?",
                asks_for_contact=True,
                created_at=ago(1),
            ),
        ]
    )
    session.add(
        Referral(
            participant_id=aisha.id,
            made_by_id=ewan.id,
            kind=ReferralKind.MONEY_ADVICE,
            organisation="Citizens Advice Glasgow North East",
            status=ReferralStatus.ACCEPTED,
            made_on=ago(12).date(),
            created_at=ago(12),
        )
    )
    session.add_all(
        [
            Outcome(
                participant_id=aisha.id,
                kind=OutcomeKind.TRAINING_STARTED,
                achieved_on=ago(3).date(),
                detail="SVQ Social Services (Children and Young People)",
                recorded_by_id=ewan.id,
                recorded_at=ago(3),
            ),
            Outcome(
                participant_id=aisha.id,
                kind=OutcomeKind.INCOME_MAXIMISED,
                achieved_on=ago(6).date(),
                recorded_by_id=ewan.id,
                recorded_at=ago(6),
            ),
            Outcome(
                participant_id=gemma.id,
                kind=OutcomeKind.ENTERED_WORK,
                achieved_on=ago(15).date(),
                hours_per_week=16,
                contract_type=ContractType.PERMANENT,
                detail="Classroom assistant",
                recorded_by_id=ewan.id,
                recorded_at=ago(15),
            ),
        ]
    )
    for participant, stages in ((aisha, [1, 2, 3]), (kirsty, [1, 2]), (gemma, [1, 3, 4, 5])):
        previous = None
        for step, stage in enumerate(stages):
            session.add(
                PipelineStageChange(
                    participant_id=participant.id,
                    from_stage=previous,
                    stage=stage,
                    changed_at=ago(60 - 15 * step),
                    changed_by_id=ewan.id,
                )
            )
            previous = stage
    session.add_all(
        [
            Idea(
                locality_id=locality.id,
                author_id=kirsty.id,
                body="Could the peer support group meet after the school drop-off, not before?",
                created_at=ago(30),
                status=IdeaStatus.DONE,
                answer="Yes: from January the Tuesday group starts at 9:30, after drop-off.",
                answered_by_id=manager.id,
                answered_at=ago(25),
            ),
            Idea(
                locality_id=locality.id,
                author_id=aisha.id,
                body="A WhatsApp reminder the day before would help me remember sessions.",
                created_at=ago(4),
            ),
            SessionFeedback(
                locality_id=locality.id,
                participant_id=aisha.id,
                about="Confidence workshop",
                helpful=True,
                comment="I felt listened to.",
                created_at=ago(8),
            ),
        ]
    )
    session.flush()
