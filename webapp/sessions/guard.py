"""No double booking: what refuses a booking, and the locks and savepoints that make the
database have the last word.

The Python checks in ``operations.py`` give good answers, but the database decides (exclusion
constraints on PostgreSQL, triggers under BEGIN IMMEDIATE on SQLite). A clash the database
refuses becomes ``SlotTaken`` with the nearest free times, never a server error. Group places
and the group sessions staff lead take the same per-person locks (``queue_for_people``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from webapp import clock
from webapp.models import BookedSession, GroupPlace, GroupSession, SessionStatus, User
from webapp.models.sessions import ACTIVE_STATUSES
from webapp.sessions.queries import keyworker_timing
from webapp.sessions.slots import (
    Slot,
)


class BookingProblem(Exception):
    """A booking that cannot be made, with a message for the person trying."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SlotNotOffered(BookingProblem):
    """The time asked for is not one CoPlan offers this parent (outside their windows, school
    hours, the keyworker's availability, the notice period or the horizon)."""


class SlotTaken(BookingProblem):
    """Someone else got that time first."""

    def __init__(self, alternatives: Sequence[Slot], message: str | None = None):
        super().__init__(
            message or "That time has just been taken. Here are the nearest free times."
        )
        self.alternatives = list(alternatives)


class AlreadyBooked(BookingProblem):
    """The parent already has this very session booked (another tab, a double tap)."""

    def __init__(self, booking: BookedSession):
        super().__init__("You've already booked this.")
        self.booking = booking


def already_booked(session: Session, *, slot: Slot, participant_id: int) -> BookedSession | None:
    """The parent's booked session at exactly this slot with this keyworker, if there is one."""
    return session.scalar(
        select(BookedSession).where(
            BookedSession.participant_id == participant_id,
            BookedSession.keyworker_id == slot.keyworker_id,
            BookedSession.starts_at == slot.starts_at,
            BookedSession.status == SessionStatus.BOOKED,
        )
    )


def overlapping(model, starts_at: datetime, ends_at: datetime, gap=timedelta(0)):
    """SQL: the row's time (a session's or a group session's) overlaps ``starts_at`` to
    ``ends_at``, widened by ``gap`` on both sides (a keyworker's gap between sessions)."""
    return and_(model.starts_at < ends_at + gap, model.ends_at > starts_at - gap)


def hours(start: datetime, end: datetime) -> str:
    """'10:00 to 11:00', in Scotland's time."""
    return clock.hours(start, end)


def queue_for_people(session: Session, *user_ids: int) -> None:
    """On PostgreSQL, make bookings that involve the same keyworker or parent take turns.

    Without this, two bookings for one parent with two keyworkers can each wait for the other
    inside the exclusion check and deadlock. Locking both people's rows in id order first
    (FOR NO KEY UPDATE, which does not block foreign-key checks) gives every booking the same
    lock order. The exclusion constraints still have the last word for one-to-one sessions.

    Group places and the group sessions staff lead take the same locks (in ``groups``): no
    constraint spans a session and a group session, so checking for a clash while holding the
    person's lock is what keeps a parent (or a keyworker) in one place at a time. SQLite needs
    nothing: BEGIN IMMEDIATE already lets one writer in at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        select(User.id)
        .where(User.id.in_(sorted(set(user_ids))))
        .order_by(User.id)
        .with_for_update(key_share=True)
    ).all()


DEADLOCK = "40P01"


DEADLOCK_RETRIES = 5


def guarded_change(session: Session, change) -> bool:
    """Make a change and flush it inside a savepoint; False when the database refuses it as
    an overlapping session (the change is then undone and the transaction stays usable).

    On PostgreSQL two bookings that each wait for the other's exclusion check (one parent, two
    keyworkers) can deadlock; the one PostgreSQL picks as victim simply tries again, and then
    meets the other's committed row as an ordinary conflict.
    """
    for attempt in range(DEADLOCK_RETRIES):
        try:
            with session.begin_nested():
                change()
                session.flush()
        except IntegrityError as error:
            if "no_overlap" not in str(error.orig):
                raise
            return False
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) != DEADLOCK or attempt + 1 == DEADLOCK_RETRIES:
                raise
            continue
        return True
    return False


def clashes(
    session: Session, *, slot: Slot, participant_id: int, ignore_session_id: int | None
) -> bool:
    """Whether the keyworker (with their gap) or the parent has a session then."""
    gap = timedelta(minutes=keyworker_timing(session, slot.keyworker_id).buffer_minutes)
    query = select(BookedSession.id).where(
        BookedSession.status.in_(ACTIVE_STATUSES),
        or_(
            (BookedSession.keyworker_id == slot.keyworker_id)
            & overlapping(BookedSession, slot.starts_at, slot.ends_at, gap),
            (BookedSession.participant_id == participant_id)
            & overlapping(BookedSession, slot.starts_at, slot.ends_at),
        ),
    )
    if ignore_session_id is not None:
        query = query.where(BookedSession.id != ignore_session_id)
    return session.execute(query.limit(1)).first() is not None


def group_clash(
    session: Session, *, slot: Slot, participant_id: int, keyworker: User
) -> str | None:
    """Why the slot can't be booked because of a group session, or None: the parent has a
    place at one then, or the keyworker leads one then (or within their gap)."""
    gap = timedelta(minutes=keyworker_timing(session, keyworker.id).buffer_minutes)
    row = session.execute(
        select(GroupSession.title, GroupSession.starts_at, GroupSession.ends_at, GroupPlace.id)
        .outerjoin(
            GroupPlace,
            (GroupPlace.group_session_id == GroupSession.id)
            & (GroupPlace.participant_id == participant_id)
            & (GroupPlace.status != SessionStatus.CANCELLED),
        )
        .where(
            GroupSession.is_cancelled.is_(False),
            or_(
                (GroupSession.led_by_id == keyworker.id)
                & overlapping(GroupSession, slot.starts_at, slot.ends_at, gap),
                GroupPlace.id.is_not(None)
                & overlapping(GroupSession, slot.starts_at, slot.ends_at),
            ),
        )
        # The parent's own place first: it is the clash they can do something about.
        .order_by(GroupPlace.id.is_(None), GroupSession.starts_at)
        .limit(1)
    ).first()
    if row is None:
        return None
    title, starts_at, ends_at, place_id = row
    if place_id is not None:
        return (
            f"That time clashes with {title}, a group session from {hours(starts_at, ends_at)}. "
            "Here are the nearest free times."
        )
    return f"{keyworker.name} is leading a group session then. Here are the nearest free times."
