"""Changing keyworkers and arranging cover, as plain functions over a session. They flush;
the view commits once, so a caseload moves whole or not at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.clock import day_and_time, show
from webapp.contact.telling import tell_parent
from webapp.models import BookedSession, Cover, KeyworkerChange, Role, SessionsRule, User
from webapp.services import audit
from webapp.services.records import ensure_record_open
from webapp.sessions.handing import hand_session_to, sessions_ahead
from webapp.sessions.operations import cancel_session

# Cover is arranged for a stretch of leave, not a career: a year at most.
LONGEST_COVER = timedelta(days=366)
CHANGED_REASON = "Your keyworker changed"


class HandoverRefused(Exception):
    """A keyworker change or a cover that can't be made; the message says why, for staff."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Transfer:
    """What changing one parent's keyworker did."""

    participant: User
    previous: User | None
    moved: list[BookedSession] = field(default_factory=list)
    kept: list[BookedSession] = field(default_factory=list)
    cancelled: list[BookedSession] = field(default_factory=list)
    told: list[str] = field(default_factory=list)
    change: KeyworkerChange | None = None


def _check_new_keyworker(participant: User, keyworker: User) -> None:
    if keyworker.role != Role.KEYWORKER or not keyworker.is_active:
        raise HandoverRefused(f"{keyworker.name} isn't an active keyworker.", "keyworker_id")
    if keyworker.locality_id != participant.locality_id:
        raise HandoverRefused(
            f"{keyworker.name} works in another locality from {participant.name}.", "keyworker_id"
        )


def change_keyworker(
    session: Session,
    *,
    participant: User,
    keyworker: User,
    by: User,
    rule: SessionsRule,
    now: datetime,
) -> Transfer:
    """Make ``keyworker`` the parent's keyworker, doing ``rule`` with their booked sessions,
    and tell the parent who their keyworker is now (on Today, and by their chosen channel)."""
    ensure_record_open(participant, HandoverRefused)
    profile = participant.profile
    if profile.keyworker_id == keyworker.id:
        raise HandoverRefused(
            f"{keyworker.name} is already {participant.first_name}'s keyworker.", "keyworker_id"
        )
    _check_new_keyworker(participant, keyworker)
    transfer = Transfer(participant=participant, previous=profile.keyworker)
    for booking in sessions_ahead(session, now, participant=participant):
        if rule == SessionsRule.CANCEL:
            cancel_session(session, booking=booking, reason=CHANGED_REASON, now=now)
            transfer.cancelled.append(booking)
        elif rule == SessionsRule.MOVE and hand_session_to(
            session, booking=booking, keyworker=keyworker, now=now
        ):
            transfer.moved.append(booking)
        else:
            transfer.kept.append(booking)
    profile.keyworker = keyworker
    transfer.change = KeyworkerChange(
        participant_id=participant.id,
        from_keyworker_id=transfer.previous.id if transfer.previous else None,
        to_keyworker_id=keyworker.id,
        changed_by_id=by.id,
        changed_at=now,
        sessions_rule=rule,
        sessions_moved=len(transfer.moved),
        sessions_kept=len(transfer.kept),
        sessions_cancelled=len(transfer.cancelled),
    )
    session.add(transfer.change)
    session.flush()
    audit.record(
        session,
        "keyworker.changed",
        actor=by,
        participant=participant,
        to=keyworker.id,
        previous=transfer.previous.id if transfer.previous else None,
        sessions=rule.value,
        moved=len(transfer.moved),
        kept=len(transfer.kept),
        cancelled=len(transfer.cancelled),
    )
    transfer.told = tell_parent(
        session,
        participant,
        "reminders",  # told as their sessions are: who they'll meet is part of that
        subject="Your keyworker has changed",
        words=news_for_parent(transfer, keyworker),
        link=url_for("home.today", _external=True),
        reference=f"keyworker-{participant.id}",
    )
    transfer.change.told = ",".join(transfer.told)
    session.flush()
    return transfer


def news_for_parent(transfer: Transfer, keyworker: User) -> str:
    """The change in the parent's words: who, and what became of their sessions."""
    words = [f"Your keyworker is now {keyworker.name}."]
    if transfer.moved:
        words.append(f"Your {_sessions(transfer.moved)} now with {keyworker.first_name}.")
    if transfer.kept and transfer.previous:
        words.append(f"Your {_sessions(transfer.kept)} still with {transfer.previous.first_name}.")
    if transfer.cancelled:
        words.append(
            f"Your {_sessions(transfer.cancelled, 'was', 'were')} cancelled: "
            f"{keyworker.first_name} will find a new time with you."
        )
    return " ".join(words)


def _sessions(bookings: list[BookedSession], one: str = "is", many: str = "are") -> str:
    times = ", ".join(day_and_time(b.starts_at, joiner=" at ") for b in bookings[:3])
    more = f" and {len(bookings) - 3} more" if len(bookings) > 3 else ""
    if len(bookings) == 1:
        return f"session on {times} {one}"
    return f"sessions on {times}{more} {many}"


def change_keyworkers(
    session: Session,
    *,
    participants: list[User],
    keyworker: User,
    by: User,
    rule: SessionsRule,
    now: datetime,
) -> list[Transfer]:
    """Move several parents (a whole caseload) to ``keyworker`` at once; any refusal refuses
    them all (the caller rolls back)."""
    if not participants:
        raise HandoverRefused("Choose at least one parent to move.", "participant_ids")
    if len(participants) > 1:
        # Moving a caseload: anyone already with the new keyworker simply stays.
        participants = [p for p in participants if p.profile.keyworker_id != keyworker.id]
    return [
        change_keyworker(session, participant=p, keyworker=keyworker, by=by, rule=rule, now=now)
        for p in participants
    ]


# Cover ---------------------------------------------------------------------------------------


def arrange_cover(
    session: Session,
    *,
    absent: User,
    cover: User,
    starts_on: date,
    ends_on: date,
    by: User,
    today: date,
) -> Cover:
    """``cover`` covers ``absent``'s caseload from one day to another (both included)."""
    if absent.id == cover.id:
        raise HandoverRefused("Choose someone else to cover.", "cover_id")
    for person, name in ((absent, "absent_id"), (cover, "cover_id")):
        here = by.role == Role.ADMIN or person.locality_id == by.locality_id
        if person.role != Role.KEYWORKER or not here:
            raise HandoverRefused(f"{person.name} isn't a keyworker here.", name)
    if cover.locality_id != absent.locality_id:
        raise HandoverRefused("Cover has to come from the same locality.", "cover_id")
    if not cover.is_active:
        raise HandoverRefused(f"{cover.name} can't sign in, so can't cover.", "cover_id")
    if ends_on < starts_on:
        raise HandoverRefused("The last day has to be on or after the first day.", "ends_on")
    if ends_on < today:
        raise HandoverRefused("The last day has already gone.", "ends_on")
    if ends_on - starts_on > LONGEST_COVER:
        raise HandoverRefused("Cover can be arranged for up to a year at a time.", "ends_on")
    if starts_on > today + LONGEST_COVER:
        raise HandoverRefused("Cover can be arranged up to a year ahead.", "starts_on")
    clash = session.scalar(
        select(Cover).where(
            Cover.absent_id == absent.id,
            Cover.ended_at.is_(None),
            Cover.starts_on <= ends_on,
            Cover.ends_on >= starts_on,
        )
    )
    if clash is not None:
        raise HandoverRefused(
            f"{clash.cover.name} is already covering for {absent.first_name} then "
            f"({show(clash.starts_on, 'day_month')} to {show(clash.ends_on, 'day_month')}).",
            "starts_on",
        )
    arranged = Cover(
        absent_id=absent.id,
        cover_id=cover.id,
        starts_on=starts_on,
        ends_on=ends_on,
        arranged_by_id=by.id,
    )
    session.add(arranged)
    session.flush()
    audit.record(
        session,
        "cover.arranged",
        actor=by,
        cover=arranged.id,
        absent=absent.id,
        covering=cover.id,
        days=[starts_on.isoformat(), ends_on.isoformat()],
    )
    return arranged


def end_cover(session: Session, *, cover: Cover, by: User, now: datetime) -> None:
    """Call off or end a cover early; from now on the absent keyworker's parents are theirs."""
    if cover.ended_at is not None:
        return
    cover.ended_at = now
    audit.record(session, "cover.ended", actor=by, cover=cover.id)
    session.flush()
