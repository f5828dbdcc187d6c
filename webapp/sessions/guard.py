"""No double booking: what refuses a booking, and the locks and savepoints that make the
database have the last word.

The Python checks in ``operations.py`` give good answers, but the database decides (exclusion
constraints on PostgreSQL, triggers under BEGIN IMMEDIATE on SQLite). A clash the database
refuses becomes ``SlotTaken`` with the nearest free times, never a server error. Group places
and the group sessions staff lead take the same per-person locks (``queue_for_people``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from webapp.models import (
    SessionStatus,
    User,
)
from webapp.sessions.slots import (
    LONDON,
    Slot,
)

ACTIVE_STATUSES = (SessionStatus.BOOKED, SessionStatus.ATTENDED, SessionStatus.DID_NOT_ATTEND)


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


def overlapping(model, starts_at: datetime, ends_at: datetime, gap=timedelta(0)):
    """SQL: the row's time (a session's or a group session's) overlaps ``starts_at`` to
    ``ends_at``, widened by ``gap`` on both sides (a keyworker's gap between sessions)."""
    return and_(model.starts_at < ends_at + gap, model.ends_at > starts_at - gap)


def hours(start: datetime, end: datetime) -> str:
    """'10:00 to 11:00', in Scotland's time."""
    return f"{start.astimezone(LONDON):%H:%M} to {end.astimezone(LONDON):%H:%M}"


def queue_for_people(session: Session, *user_ids: int) -> None:
    """On PostgreSQL, make bookings that involve the same keyworker or parent take turns.

    Without this, two bookings for one parent with two keyworkers can each wait for the other
    inside the exclusion check and deadlock. Locking both people's rows in id order first
    (FOR NO KEY UPDATE, which does not block foreign-key checks) gives every booking the same
    lock order. The exclusion constraints still have the last word for one-to-one sessions.

    Group places and the group sessions staff lead take the same locks (``groups.py``): no
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
