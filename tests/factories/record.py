"""What staff write on a participant's record: notes, outcomes, referrals (only flushed)."""

from __future__ import annotations

from datetime import date

from webapp.models import Note, Outcome, OutcomeKind, Referral, ReferralKind, User


def make_note(
    session, *, participant: User, author: User, body: str = "Called.", staff_only: bool = False
) -> Note:
    """A note on a participant's record."""
    note = Note(
        participant_id=participant.id, author_id=author.id, body=body, staff_only=staff_only
    )
    session.add(note)
    session.flush()
    return note


def make_outcome(
    session,
    *,
    participant: User,
    recorded_by: User,
    kind: OutcomeKind = OutcomeKind.QUALIFICATION,
    achieved_on: date = date(2026, 11, 1),
    detail: str = "",
) -> Outcome:
    """An outcome a participant achieved."""
    outcome = Outcome(
        participant_id=participant.id,
        kind=kind,
        achieved_on=achieved_on,
        detail=detail,
        recorded_by_id=recorded_by.id,
    )
    session.add(outcome)
    session.flush()
    return outcome


def make_referral(
    session,
    *,
    participant: User,
    made_by: User,
    kind: ReferralKind = ReferralKind.OTHER,
    organisation: str = "Citizens Advice",
    made_on: date = date(2026, 11, 1),
) -> Referral:
    """A referral made for a participant."""
    referral = Referral(
        participant_id=participant.id,
        made_by_id=made_by.id,
        kind=kind,
        organisation=organisation,
        made_on=made_on,
    )
    session.add(referral)
    session.flush()
    return referral
