"""Booking, rescheduling and cancelling sessions. Functions take a database session and plain
values, only flush, and leave the commit to the caller.

No double booking: the Python checks here give good answers, but the database has the last
word (exclusion constraints on PostgreSQL, triggers under BEGIN IMMEDIATE on SQLite). A clash
the database refuses becomes ``SlotTaken`` with the nearest free times, never a server error.

A one-to-one session never overlaps the parent's place at a group session, nor a group session
the keyworker leads: the slot search leaves that time out, and booking checks it again while
holding both people's locks (``queue_for_people``), as a group place does.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, and_, bindparam, cast, func, null, or_, select, union_all
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload

from webapp import clock
from webapp.bookings.slots import (
    DEFAULT_LIMITS,
    LONDON,
    SESSION_GAPS,
    SESSION_LENGTHS,
    Rule,
    SchoolTerms,
    SearchLimits,
    Slot,
    Timing,
    Window,
    find_slots,
    local_moment,
    nearest,
)
from webapp.models import (
    AvailabilityRule,
    BookedSession,
    CalendarEntryKind,
    CalendarFeedToken,
    FreeWindow,
    GroupAttendee,
    GroupSession,
    KeyworkerSettings,
    Locality,
    Reminder,
    ReminderChannel,
    Role,
    SchoolCalendar,
    SchoolCalendarEntry,
    SessionMode,
    SessionStatus,
    TimeOff,
    User,
    Venue,
    utcnow,
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


# Loading what the slot search needs ---------------------------------------------------------


CALENDAR_QUERY = (
    select(
        SchoolCalendar.day_starts,
        SchoolCalendar.day_ends,
        SchoolCalendarEntry.kind,
        SchoolCalendarEntry.starts_on,
        SchoolCalendarEntry.ends_on,
    )
    .select_from(Locality)
    .outerjoin(SchoolCalendar, SchoolCalendar.locality_id == Locality.id)
    .outerjoin(SchoolCalendarEntry, SchoolCalendarEntry.locality_id == Locality.id)
    .where(Locality.id == bindparam("locality_id"))
)


def school_terms(session: Session, locality_id: int | None) -> SchoolTerms:
    """The locality's school day, terms and closures as the slot search wants them."""
    # One query of plain columns: the slot search runs on every "find a time" page.
    rows = session.execute(CALENDAR_QUERY, {"locality_id": locality_id}).all()
    terms = [(r.starts_on, r.ends_on) for r in rows if r.kind == CalendarEntryKind.TERM]
    closures = [
        (r.starts_on, r.ends_on)
        for r in rows
        if r.kind is not None and r.kind != CalendarEntryKind.TERM
    ]
    if not rows or rows[0].day_starts is None:
        return SchoolTerms(terms=terms, closures=closures)
    return SchoolTerms(rows[0].day_starts, rows[0].day_ends, terms, closures)


def _intervals_by(rows) -> dict[int, list[tuple[datetime, datetime]]]:
    grouped: dict[int, list[tuple[datetime, datetime]]] = {}
    for owner, start, end in rows:
        grouped.setdefault(owner, []).append((start, end))
    return grouped


# The slot search's queries, built once: "find a time" runs them on every page view.
_KEYWORKERS = bindparam("keyworker_ids", expanding=True)
RULES_QUERY = (
    select(
        AvailabilityRule.keyworker_id,
        AvailabilityRule.weekday,
        AvailabilityRule.starts_at,
        AvailabilityRule.ends_at,
        AvailabilityRule.mode,
        AvailabilityRule.venue_id,
        AvailabilityRule.valid_from,
        AvailabilityRule.valid_until,
        Venue.has_creche,
        KeyworkerSettings.session_minutes,
        KeyworkerSettings.buffer_minutes,
    )
    .outerjoin(Venue, Venue.id == AvailabilityRule.venue_id)
    .outerjoin(KeyworkerSettings, KeyworkerSettings.keyworker_id == AvailabilityRule.keyworker_id)
    .where(
        AvailabilityRule.keyworker_id.in_(_KEYWORKERS),
        or_(AvailabilityRule.venue_id.is_(None), Venue.is_active.is_(True)),
        AvailabilityRule.valid_from <= bindparam("last_day"),
        or_(
            AvailabilityRule.valid_until.is_(None),
            AvailabilityRule.valid_until >= bindparam("first_day"),
        ),
    )
)
_ONE_TO_ONE_BUSY = select(
    BookedSession.keyworker_id,
    BookedSession.participant_id,
    BookedSession.starts_at,
    BookedSession.ends_at,
).where(
    BookedSession.status.in_(ACTIVE_STATUSES),
    BookedSession.starts_at < bindparam("end"),
    BookedSession.ends_at > bindparam("start"),
    BookedSession.id != bindparam("ignore_id"),
    or_(
        BookedSession.keyworker_id.in_(_KEYWORKERS),
        BookedSession.participant_id == bindparam("participant_id"),
    ),
)
_GROUP_TIME = (
    GroupSession.is_cancelled.is_(False),
    GroupSession.starts_at < bindparam("end"),
    GroupSession.ends_at > bindparam("start"),
)
# Group sessions a keyworker leads keep them busy (with their gap, like their sessions) ...
_LEADING_BUSY = select(
    GroupSession.led_by_id,
    cast(null(), Integer),
    GroupSession.starts_at,
    GroupSession.ends_at,
).where(*_GROUP_TIME, GroupSession.led_by_id.in_(_KEYWORKERS))
# ... and a parent's places at group sessions keep the parent busy.
_PLACES_BUSY = (
    select(
        cast(null(), Integer),
        GroupAttendee.participant_id,
        GroupSession.starts_at,
        GroupSession.ends_at,
    )
    .join(GroupSession, GroupSession.id == GroupAttendee.group_session_id)
    .where(
        *_GROUP_TIME,
        GroupAttendee.participant_id == bindparam("participant_id"),
        GroupAttendee.status != SessionStatus.CANCELLED,
    )
)
# One query for everything that makes the keyworkers or the parent busy: (keyworker_id,
# participant_id, starts_at, ends_at) rows, either id empty when the row isn't theirs.
BUSY_QUERY = union_all(_ONE_TO_ONE_BUSY, _LEADING_BUSY, _PLACES_BUSY)
TIME_OFF_QUERY = select(TimeOff.keyworker_id, TimeOff.starts_at, TimeOff.ends_at).where(
    TimeOff.keyworker_id.in_(_KEYWORKERS),
    TimeOff.starts_at < bindparam("end"),
    TimeOff.ends_at > bindparam("start"),
)
WINDOWS_QUERY = select(FreeWindow.weekday, FreeWindow.starts_at, FreeWindow.ends_at).where(
    FreeWindow.participant_id == bindparam("participant_id")
)


def search_slots(
    session: Session,
    *,
    participant: User,
    keyworker_ids: Sequence[int],
    now: datetime | None = None,
    limits: SearchLimits = DEFAULT_LIMITS,
    on_or_after: datetime | None = None,
    before: datetime | None = None,
    ignore_session_id: int | None = None,
    include_sessions: bool = True,
) -> list[Slot]:
    """The slots this parent may book with these keyworkers (five queries, whatever the
    number of keyworkers or sessions)."""
    now = now or utcnow()
    start = max(now + limits.min_notice, on_or_after or now) - timedelta(days=1)
    end = min(now + limits.horizon, before or now + limits.horizon) + timedelta(days=1)
    keyworker_ids = list(keyworker_ids)
    rows = session.execute(
        RULES_QUERY,
        {"keyworker_ids": keyworker_ids, "first_day": start.date(), "last_day": end.date()},
    ).all()
    rules = [
        Rule(
            keyworker_id=row.keyworker_id,
            weekday=row.weekday,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            mode=row.mode,
            venue_id=row.venue_id,
            venue_has_creche=bool(row.has_creche),
            valid_from=row.valid_from,
            valid_until=row.valid_until,
        )
        for row in rows
    ]
    timings = {
        row.keyworker_id: Timing(row.session_minutes, row.buffer_minutes)
        for row in rows
        if row.session_minutes is not None
    }
    if not rules:
        return []
    keyworker_busy: dict[int, list[tuple[datetime, datetime]]] = {}
    participant_busy: list[tuple[datetime, datetime]] = []
    if include_sessions:
        wanted = set(keyworker_ids)
        for keyworker_id, participant_id, starts_at, ends_at in session.execute(
            BUSY_QUERY,
            {
                "keyworker_ids": keyworker_ids,
                "participant_id": participant.id,
                "start": start,
                "end": end,
                "ignore_id": ignore_session_id if ignore_session_id is not None else -1,
            },
        ):
            if keyworker_id in wanted:
                keyworker_busy.setdefault(keyworker_id, []).append((starts_at, ends_at))
            if participant_id == participant.id:
                participant_busy.append((starts_at, ends_at))
    time_off = _intervals_by(
        session.execute(
            TIME_OFF_QUERY, {"keyworker_ids": keyworker_ids, "start": start, "end": end}
        )
    )
    windows = [
        Window(weekday, starts_at, ends_at)
        for weekday, starts_at, ends_at in session.execute(
            WINDOWS_QUERY, {"participant_id": participant.id}
        )
    ]
    return find_slots(
        now=now,
        rules=rules,
        school=school_terms(session, participant.locality_id),
        windows=windows,
        keyworker_busy=keyworker_busy,
        time_off=time_off,
        participant_busy=participant_busy,
        timings=timings,
        limits=limits,
        on_or_after=on_or_after,
        before=before,
    )


def keyworker_timing(session: Session, keyworker_id: int) -> Timing:
    settings = session.get(KeyworkerSettings, keyworker_id)
    return Timing(settings.session_minutes, settings.buffer_minutes) if settings else Timing()


def keyworker_settings_or_default(session: Session, keyworker_id: int) -> KeyworkerSettings:
    """The keyworker's session length and gap, or unsaved defaults (60 and 15 minutes)."""
    settings = session.get(KeyworkerSettings, keyworker_id)
    if settings is None:
        default = Timing()
        settings = KeyworkerSettings(
            keyworker_id=keyworker_id,
            session_minutes=default.session_minutes,
            buffer_minutes=default.buffer_minutes,
        )
    return settings


def set_session_timing(
    session: Session, *, keyworker: User, session_minutes: int, buffer_minutes: int
) -> KeyworkerSettings:
    """Save how long the keyworker's new sessions are and the gap kept around them.

    Sessions already booked keep their own start and end: only the times offered change.
    """
    if session_minutes not in SESSION_LENGTHS or buffer_minutes not in SESSION_GAPS:
        raise ValueError("a session length or gap CoPlan does not offer")
    settings = keyworker_settings_or_default(session, keyworker.id)
    settings.session_minutes, settings.buffer_minutes = session_minutes, buffer_minutes
    if settings not in session:
        session.add(settings)
    session.flush()
    return settings


# Booking one-to-one sessions ----------------------------------------------------------------


def _day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    day = moment.astimezone(LONDON).date()
    return local_moment(day, time(0)), local_moment(day + timedelta(days=1), time(0))


def _check_offered(
    session: Session,
    *,
    participant: User,
    keyworker: User,
    starts_at: datetime,
    mode: SessionMode,
    venue_id: int | None,
    now: datetime,
    limits: SearchLimits,
    ignore_session_id: int | None = None,
) -> Slot:
    """The slot asked for, if the rules allow it (ignoring other bookings); else refuse."""
    if (
        keyworker.role != Role.KEYWORKER
        or not keyworker.is_active
        or keyworker.locality_id != participant.locality_id
    ):
        raise SlotNotOffered("That keyworker can't be booked here.")
    day_start, day_end = _day_bounds(starts_at)
    allowed = search_slots(
        session,
        participant=participant,
        keyworker_ids=[keyworker.id],
        now=now,
        limits=limits,
        on_or_after=day_start,
        before=day_end,
        ignore_session_id=ignore_session_id,
        include_sessions=False,
    )
    for slot in allowed:
        if slot.starts_at == starts_at and slot.mode == mode and slot.venue_id == venue_id:
            return slot
    raise SlotNotOffered(
        "That time isn't one we can offer you. Choose one of the times on the list."
    )


def overlapping(model, starts_at: datetime, ends_at: datetime, gap=timedelta(0)):
    """SQL: the row's time (a session's or a group session's) overlaps ``starts_at`` to
    ``ends_at``, widened by ``gap`` on both sides (a keyworker's gap between sessions)."""
    return and_(model.starts_at < ends_at + gap, model.ends_at > starts_at - gap)


def hours(start: datetime, end: datetime) -> str:
    """'10:00 to 11:00', in Scotland's time."""
    return clock.hours(start, end)


def _clashes(
    session: Session, *, slot: Slot, participant_id: int, ignore_session_id: int | None
) -> bool:
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


def _group_clash(
    session: Session, *, slot: Slot, participant_id: int, keyworker: User
) -> str | None:
    """Why the slot can't be booked because of a group session, or None: the parent has a
    place at one then, or the keyworker leads one then (or within their gap)."""
    gap = timedelta(minutes=keyworker_timing(session, keyworker.id).buffer_minutes)
    row = session.execute(
        select(GroupSession.title, GroupSession.starts_at, GroupSession.ends_at, GroupAttendee.id)
        .outerjoin(
            GroupAttendee,
            (GroupAttendee.group_session_id == GroupSession.id)
            & (GroupAttendee.participant_id == participant_id)
            & (GroupAttendee.status != SessionStatus.CANCELLED),
        )
        .where(
            GroupSession.is_cancelled.is_(False),
            or_(
                (GroupSession.led_by_id == keyworker.id)
                & overlapping(GroupSession, slot.starts_at, slot.ends_at, gap),
                GroupAttendee.id.is_not(None)
                & overlapping(GroupSession, slot.starts_at, slot.ends_at),
            ),
        )
        # The parent's own place first: it is the clash they can do something about.
        .order_by(GroupAttendee.id.is_(None), GroupSession.starts_at)
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


def _taken(
    session: Session,
    *,
    participant: User,
    slot: Slot,
    now: datetime,
    limits: SearchLimits,
    message: str | None = None,
) -> SlotTaken:
    alternatives = search_slots(
        session, participant=participant, keyworker_ids=[slot.keyworker_id], now=now, limits=limits
    )
    return SlotTaken(nearest(alternatives, slot.starts_at), message)


def _guarded_change(session: Session, change) -> bool:
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


DEADLOCK = "40P01"
DEADLOCK_RETRIES = 5


def book_session(
    session: Session,
    *,
    participant: User,
    keyworker: User,
    starts_at: datetime,
    mode: SessionMode,
    venue_id: int | None = None,
    booked_by: User | None = None,
    now: datetime | None = None,
    limits: SearchLimits = DEFAULT_LIMITS,
) -> BookedSession:
    """Book a one-to-one session, or raise ``SlotNotOffered`` or ``SlotTaken``."""
    now = now or utcnow()
    slot = _check_offered(
        session,
        participant=participant,
        keyworker=keyworker,
        starts_at=starts_at,
        mode=mode,
        venue_id=venue_id,
        now=now,
        limits=limits,
    )
    queue_for_people(session, participant.id, keyworker.id)
    if _clashes(session, slot=slot, participant_id=participant.id, ignore_session_id=None):
        raise _taken(session, participant=participant, slot=slot, now=now, limits=limits)
    # Checked inside the people's locks: a group place for this parent takes the same lock.
    clash = _group_clash(session, slot=slot, participant_id=participant.id, keyworker=keyworker)
    if clash:
        raise _taken(
            session, participant=participant, slot=slot, now=now, limits=limits, message=clash
        )
    booking = BookedSession(
        keyworker_id=keyworker.id,
        participant_id=participant.id,
        venue_id=venue_id,
        mode=mode,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        booked_by_id=(booked_by or participant).id,
        created_at=now,
        updated_at=now,
    )
    if not _guarded_change(session, lambda: session.add(booking)):
        raise _taken(session, participant=participant, slot=slot, now=now, limits=limits)
    schedule_reminder(session, booking)
    return booking


def reschedule_session(
    session: Session,
    *,
    booking: BookedSession,
    starts_at: datetime,
    mode: SessionMode,
    venue_id: int | None = None,
    now: datetime | None = None,
    limits: SearchLimits = DEFAULT_LIMITS,
) -> BookedSession:
    """Move a booked session to another offered time, through the same guard as booking."""
    now = now or utcnow()
    if booking.status != SessionStatus.BOOKED or booking.starts_at <= now:
        raise SlotNotOffered("This session can't be moved now.")
    participant = session.get(User, booking.participant_id)
    keyworker = session.get(User, booking.keyworker_id)
    slot = _check_offered(
        session,
        participant=participant,
        keyworker=keyworker,
        starts_at=starts_at,
        mode=mode,
        venue_id=venue_id,
        now=now,
        limits=limits,
        ignore_session_id=booking.id,
    )
    queue_for_people(session, participant.id, keyworker.id)
    if _clashes(session, slot=slot, participant_id=participant.id, ignore_session_id=booking.id):
        raise _taken(session, participant=participant, slot=slot, now=now, limits=limits)
    clash = _group_clash(session, slot=slot, participant_id=participant.id, keyworker=keyworker)
    if clash:
        raise _taken(
            session, participant=participant, slot=slot, now=now, limits=limits, message=clash
        )

    def move():
        booking.starts_at, booking.ends_at = slot.starts_at, slot.ends_at
        booking.mode, booking.venue_id = mode, venue_id
        booking.sequence += 1
        booking.updated_at = now

    if not _guarded_change(session, move):
        raise _taken(session, participant=participant, slot=slot, now=now, limits=limits)
    schedule_reminder(session, booking)
    return booking


def cancel_session(
    session: Session, *, booking: BookedSession, reason: str, now: datetime | None = None
) -> BookedSession:
    """Cancel a booked session, keeping the reason; its time becomes free again."""
    now = now or utcnow()
    if booking.status != SessionStatus.BOOKED:
        raise BookingProblem("This session is not booked, so it can't be cancelled.")
    booking.status = SessionStatus.CANCELLED
    booking.cancel_reason = reason
    booking.cancelled_at = now
    booking.sequence += 1
    booking.updated_at = now
    session.flush()
    return booking


def mark_attendance(
    session: Session, *, booking: BookedSession, attended: bool, now: datetime | None = None
) -> BookedSession:
    """Record whether the parent came. Only once the session has started."""
    now = now or utcnow()
    if booking.status == SessionStatus.CANCELLED:
        raise BookingProblem("This session was cancelled.")
    if booking.starts_at > now:
        raise BookingProblem("You can mark attendance once the session has started.")
    booking.status = SessionStatus.ATTENDED if attended else SessionStatus.DID_NOT_ATTEND
    booking.updated_at = now
    session.flush()
    return booking


def _reset(reminder: Reminder, starts_at: datetime) -> None:
    reminder.due_at = starts_at - timedelta(days=1)
    reminder.claimed_at = reminder.claimed_by = reminder.sent_at = None
    reminder.attempts, reminder.last_error, reminder.failed_at = 0, None, None


def _schedule(session: Session, owner, owner_ids: Sequence[int], starts_at: datetime):
    """An email and a push reminder a day before ``starts_at`` for each owner (a session's id
    in ``Reminder.session_id``, or a group place's in ``Reminder.group_attendee_id``), made or
    reset, in one query."""
    if not owner_ids:
        return []
    existing = {
        (getattr(reminder, owner.key), reminder.channel): reminder
        for reminder in session.scalars(select(Reminder).where(owner.in_(owner_ids)))
    }
    reminders = []
    for owner_id in owner_ids:
        for channel in ReminderChannel:
            reminder = existing.get((owner_id, channel))
            if reminder is None:
                reminder = Reminder(channel=channel.value, **{owner.key: owner_id})
                session.add(reminder)
            _reset(reminder, starts_at)
            reminders.append(reminder)
    session.flush()
    return reminders


def schedule_reminder(session: Session, booking: BookedSession) -> list[Reminder]:
    """Reminders by email and by push a day before the session (reset when the session moves).

    The push reminder goes only to phones the parent asked for reminders on, if any, when it
    is due; so it is made for every session, whatever the parent has set up today."""
    return _schedule(session, Reminder.session_id, [booking.id], booking.starts_at)


def schedule_place_reminders(
    session: Session, places: Sequence[GroupAttendee], starts_at: datetime
) -> list[Reminder]:
    """Reminders by email and by push a day before a group session, for each of these places
    at it (reset when the place is booked again or the group moves)."""
    return _schedule(session, Reminder.group_attendee_id, [p.id for p in places], starts_at)


# Availability, windows and calendars ----------------------------------------------------------


def school_calendar_or_default(session: Session, locality_id: int) -> SchoolCalendar:
    """The locality's calendar, or an unsaved one with the usual school day (09:15–14:45)."""
    calendar = session.get(SchoolCalendar, locality_id)
    if calendar is None:
        calendar = SchoolCalendar(
            locality_id=locality_id, day_starts=time(9, 15), day_ends=time(14, 45)
        )
    return calendar


def ensure_school_calendar(session: Session, locality_id: int) -> SchoolCalendar:
    """The locality's calendar, saved, so that changes to it can be stored."""
    calendar = school_calendar_or_default(session, locality_id)
    if calendar not in session:
        session.add(calendar)
        session.flush()
    return calendar


@dataclass(frozen=True)
class VenueUse:
    """What refers to a venue from today on: what stopping it would change, and what it keeps."""

    rules: int  # availability rules there that still offer times now or later
    sessions: list[BookedSession]  # booked one-to-one sessions still to come
    groups: list[GroupSession]  # group sessions still to come


def venue_use(session: Session, venue: Venue, now: datetime | None = None) -> VenueUse:
    """The venue's current availability rules, and its sessions still to come."""
    now = now or utcnow()
    today = now.astimezone(LONDON).date()
    rules = session.scalar(
        select(func.count())
        .select_from(AvailabilityRule)
        .where(
            AvailabilityRule.venue_id == venue.id,
            or_(AvailabilityRule.valid_until.is_(None), AvailabilityRule.valid_until >= today),
        )
    )
    sessions = session.scalars(
        select(BookedSession)
        .where(
            BookedSession.venue_id == venue.id,
            BookedSession.status == SessionStatus.BOOKED,
            BookedSession.ends_at > now,
        )
        .options(selectinload(BookedSession.participant), selectinload(BookedSession.keyworker))
        .order_by(BookedSession.starts_at)
    ).all()
    groups = session.scalars(
        select(GroupSession)
        .where(
            GroupSession.venue_id == venue.id,
            GroupSession.is_cancelled.is_(False),
            GroupSession.ends_at > now,
        )
        .order_by(GroupSession.starts_at)
    ).all()
    return VenueUse(rules=rules, sessions=list(sessions), groups=list(groups))


def set_venue_in_use(session: Session, venue: Venue, in_use: bool) -> Venue:
    """Stop using a venue, or use it again. Never deleted: past sessions refer to it.

    A venue not in use offers no times (the slot search skips its rules) and can't be chosen
    for new availability; sessions already booked there are kept.
    """
    venue.is_active = in_use
    session.flush()
    return venue


def default_windows(session: Session, participant: User) -> list[Window]:
    """The windows a parent starts with: the school day, Monday to Friday."""
    terms = school_terms(session, participant.locality_id)
    return [Window(day, terms.day_starts, terms.day_ends) for day in range(5)]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed_token(session: Session, user: User, now: datetime | None = None) -> str:
    """A new private calendar feed address for ``user``; any earlier one stops working."""
    revoke_feed_tokens(session, user, now)
    token = secrets.token_urlsafe(32)
    session.add(CalendarFeedToken(user_id=user.id, token_hash=hash_token(token)))
    session.flush()
    return token


def revoke_feed_tokens(session: Session, user: User, now: datetime | None = None) -> None:
    for feed in session.scalars(
        select(CalendarFeedToken).where(
            CalendarFeedToken.user_id == user.id, CalendarFeedToken.revoked_at.is_(None)
        )
    ):
        feed.revoked_at = now or utcnow()
    session.flush()


def user_for_feed_token(session: Session, token: str) -> User | None:
    feed = session.scalar(
        select(CalendarFeedToken).where(
            CalendarFeedToken.token_hash == hash_token(token),
            CalendarFeedToken.revoked_at.is_(None),
        )
    )
    return feed.user if feed else None


def term_dates_between(terms: SchoolTerms, first: date, last: date) -> list[date]:
    return [
        first + timedelta(days=n)
        for n in range((last - first).days + 1)
        if terms.is_term_day(first + timedelta(days=n))
    ]
