"""What the sessions pages read: a parent's sessions, a keyworker's diary and availability,
calendar feeds. Plain functions of a database session and plain values."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from webapp.clock import utcnow
from webapp.contact.choices import channels_for
from webapp.groups import queries as group_queries
from webapp.models import (
    AvailabilityRule,
    BookedSession,
    CalendarFeedToken,
    FreeWindow,
    GroupPlace,
    GroupSession,
    KeyworkerSettings,
    Notice,
    Role,
    SessionFeedback,
    SessionMode,
    SessionStatus,
    TimeOff,
    User,
    Venue,
)
from webapp.sessions.search import search_slots
from webapp.sessions.slots import LONDON, SearchLimits, Slot, Timing
from webapp.sessions.telling import SESSION_NOTICE


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


@dataclass(frozen=True)
class ProposedSession:
    """A session as it would be booked, shown for checking before it is made."""

    starts_at: datetime
    ends_at: datetime
    mode: SessionMode
    keyworker: User
    venue: Venue | None
    is_group = False


def proposed_session(
    session: Session, *, keyworker_id: int, starts_at: datetime, mode: str, venue_id: int | None
) -> ProposedSession:
    """What booking this time would make: how long, where and with whom (nothing is kept)."""
    minutes = keyworker_timing(session, keyworker_id).session_minutes
    return ProposedSession(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        mode=SessionMode(mode),
        keyworker=session.get(User, keyworker_id),
        venue=session.get(Venue, venue_id) if venue_id else None,
    )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_feed_token(session: Session, token: str) -> User | None:
    feed = session.scalar(
        select(CalendarFeedToken).where(
            CalendarFeedToken.token_hash == hash_token(token),
            CalendarFeedToken.revoked_at.is_(None),
        )
    )
    return feed.user if feed else None


def booked_session(session: Session, booking_id: int) -> BookedSession | None:
    """One booked session by id (whose it is, the caller checks)."""
    return session.get(BookedSession, booking_id)


def parent_sessions(session: Session, participant: User, now: datetime):
    """A parent's sessions page: (what's coming up, what went before, groups they could book).

    One-to-one sessions and group places are listed together in time order, each as
    ("session", booked) or ("group", place); what went before is latest first, ten at most."""
    appointments = session.scalars(
        select(BookedSession)
        .where(BookedSession.participant_id == participant.id)
        .options(selectinload(BookedSession.venue), selectinload(BookedSession.keyworker))
        .order_by(BookedSession.starts_at)
    ).all()
    upcoming = [b for b in appointments if b.ends_at >= now and b.status == SessionStatus.BOOKED]
    past = [b for b in appointments if b not in upcoming][-10:]
    going, others = group_queries.groups_for_parent(session, participant, now)
    coming_up = sorted(
        [("session", b.starts_at, b) for b in upcoming]
        + [("group", g.group.starts_at, g) for g in going],
        key=lambda item: item[1],
    )
    before = sorted(
        [("session", b.starts_at, b) for b in past]
        + [
            ("group", p.group_session.starts_at, p)
            for p in group_queries.past_group_places(session, participant, now)
        ],
        key=lambda item: item[1],
        reverse=True,
    )[:10]
    return (
        [(kind, item) for kind, _, item in coming_up],
        [(kind, item) for kind, _, item in before],
        others,
    )


def reminder_ways(session: Session, parent: User) -> dict[str, bool]:
    """How this parent's reminders come, as the sessions page says it."""
    channels = channels_for(session, parent, "reminders")
    return {"by_text": "text" in channels, "by_email": "email" in channels}


def diary(session: Session, keyworker_id: int, now: datetime):
    """A keyworker's diary: (sessions started and not yet marked, sessions to come, sessions
    marked recently enough to correct, newest first)."""
    appointments = session.scalars(
        select(BookedSession)
        .where(
            BookedSession.keyworker_id == keyworker_id,
            BookedSession.starts_at >= now - timedelta(days=14),
            BookedSession.status != SessionStatus.CANCELLED,
        )
        .options(selectinload(BookedSession.participant), selectinload(BookedSession.venue))
        .order_by(BookedSession.starts_at)
    ).all()
    to_mark = [b for b in appointments if b.starts_at <= now and b.status == SessionStatus.BOOKED]
    marked = [b for b in reversed(appointments) if b.correctable(now)]
    return to_mark, [b for b in appointments if b.starts_at > now], marked


def feed_sessions(session: Session, user: User, since: datetime) -> list[BookedSession]:
    """A calendar feed's one-to-one sessions: a parent's own, or a keyworker's."""
    column = (
        BookedSession.participant_id
        if user.role == Role.PARTICIPANT
        else BookedSession.keyworker_id
    )
    return list(
        session.scalars(
            select(BookedSession)
            .where(column == user.id, BookedSession.starts_at >= since)
            .options(
                selectinload(BookedSession.venue),
                selectinload(BookedSession.keyworker),
                selectinload(BookedSession.participant),
            )
            .order_by(BookedSession.starts_at)
        )
    )


def free_windows(session: Session, participant_id: int) -> list[FreeWindow]:
    """The weekly times a parent said they are free."""
    return list(
        session.scalars(
            select(FreeWindow)
            .where(FreeWindow.participant_id == participant_id)
            .order_by(FreeWindow.weekday, FreeWindow.starts_at)
        )
    )


def availability_rules(session: Session, keyworker_id: int) -> list[AvailabilityRule]:
    """A keyworker's weekly availability, with its venues."""
    return list(
        session.scalars(
            select(AvailabilityRule)
            .where(AvailabilityRule.keyworker_id == keyworker_id)
            .options(selectinload(AvailabilityRule.venue))
            .order_by(AvailabilityRule.weekday, AvailabilityRule.starts_at)
        )
    )


def time_off_ahead(session: Session, keyworker_id: int, now: datetime) -> list[TimeOff]:
    """A keyworker's time off not yet over."""
    return list(
        session.scalars(
            select(TimeOff)
            .where(TimeOff.keyworker_id == keyworker_id, TimeOff.ends_at >= now)
            .order_by(TimeOff.starts_at)
        )
    )


def booked_during(session: Session, keyworker_id: int, off: TimeOff) -> list[BookedSession]:
    """The keyworker's sessions still booked in their time off, in time order."""
    return list(
        session.scalars(
            select(BookedSession)
            .where(
                BookedSession.keyworker_id == keyworker_id,
                BookedSession.status == SessionStatus.BOOKED,
                BookedSession.starts_at < off.ends_at,
                BookedSession.ends_at > off.starts_at,
            )
            .options(selectinload(BookedSession.participant), selectinload(BookedSession.venue))
            .order_by(BookedSession.starts_at)
        )
    )


def own_row(session: Session, model, row_id: int, owner: str, user_id: int):
    """A free window, availability rule or time off of this person's, or None."""
    row = session.get(model, row_id)
    return row if row is not None and getattr(row, owner) == user_id else None


def week_of_slots(
    session: Session,
    participant: User,
    keyworker_id: int,
    week: int,
    limits: SearchLimits,
    ignore: int | None = None,
):
    """One week of offered slots (week 0 starts now) and whether later weeks exist."""
    now = utcnow()
    start = now + timedelta(weeks=week)
    weeks = max(1, -(-limits.horizon.days // 7))
    slots = search_slots(
        session,
        participant=participant,
        keyworker_ids=[keyworker_id],
        now=now,
        limits=limits,
        on_or_after=start,
        before=start + timedelta(weeks=1),
        ignore_session_id=ignore,
    )
    return slots, week + 1 < weeks


def slots_by_day(slots: list[Slot]) -> list[tuple[date, list[Slot]]]:
    """Slots by the day (in Scotland) they fall on, in date order."""
    days: dict[date, list[Slot]] = {}
    for slot in slots:
        days.setdefault(slot.starts_at.astimezone(LONDON).date(), []).append(slot)
    return sorted(days.items())


LABEL_LENGTH = 120  # SessionFeedback.about


def next_booked_session(session: Session, participant_id: int) -> BookedSession | None:
    """The parent's next booked one-to-one session, with its venue and keyworker."""
    return session.scalar(
        select(BookedSession)
        .where(
            BookedSession.participant_id == participant_id,
            BookedSession.status == SessionStatus.BOOKED,
            BookedSession.ends_at >= utcnow(),
        )
        .options(selectinload(BookedSession.venue), selectinload(BookedSession.keyworker))
        .order_by(BookedSession.starts_at)
        .limit(1)
    )


def unread_session_notices(session: Session, user_id: int, limit: int = 5) -> list[Notice]:
    """The parent's unread notices about their sessions, newest first."""
    return list(
        session.scalars(
            select(Notice)
            .where(Notice.user_id == user_id, SESSION_NOTICE, Notice.read_at.is_(None))
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .limit(limit)
        )
    )


FEEDBACK_ASKED_FOR = timedelta(days=14)  # how long Today asks about a session just had


def today_panel(session: Session, parent: User) -> dict:
    """The parent's next session and next group session, and the session they last attended
    when it was lately and they have not yet said how it went, for their Today page."""
    return {
        "upcoming": next_booked_session(session, parent.id),
        "next_group": group_queries.next_group_place(session, parent),
        "notices": unread_session_notices(session, parent.id),
        "to_review": session_to_review(session, parent.id),
    }


def session_to_review(session: Session, participant_id: int) -> BookedSession | None:
    """The latest session the parent attended in the last fortnight, if they have not yet
    said whether it helped."""
    given = select(SessionFeedback.booking_id).where(SessionFeedback.booking_id.is_not(None))
    return session.scalar(
        select(BookedSession)
        .where(
            BookedSession.participant_id == participant_id,
            BookedSession.status == SessionStatus.ATTENDED,
            BookedSession.starts_at >= utcnow() - FEEDBACK_ASKED_FOR,
            BookedSession.id.not_in(given.where(SessionFeedback.participant_id == participant_id)),
        )
        .options(selectinload(BookedSession.keyworker))
        .order_by(BookedSession.starts_at.desc())
        .limit(1)
    )


def upcoming_bookings(
    session: Session, participant_id: int, now: datetime | None = None
) -> tuple[list[BookedSession], list[GroupPlace]]:
    """The parent's booked sessions and group places still to come, soonest first."""
    now = now or utcnow()
    sessions = session.scalars(
        select(BookedSession)
        .where(
            BookedSession.participant_id == participant_id,
            BookedSession.status == SessionStatus.BOOKED,
            BookedSession.starts_at > now,
        )
        .options(selectinload(BookedSession.keyworker))
        .order_by(BookedSession.starts_at)
    ).all()
    places = session.scalars(
        select(GroupPlace)
        .join(GroupPlace.group_session)
        .where(
            GroupPlace.participant_id == participant_id,
            GroupPlace.status == SessionStatus.BOOKED,
            GroupSession.starts_at > now,
            GroupSession.cancelled_at.is_(None),
        )
        .options(selectinload(GroupPlace.group_session))
        .order_by(GroupSession.starts_at)
    ).all()
    return list(sessions), list(places)


def break_panel(session: Session, parent: User) -> dict:
    """Whether the parent is on a break and how many bookings (with reminders) they still
    have, for Today: what a break means for their sessions."""
    sessions, places = upcoming_bookings(session, parent.id)
    return {"profile": parent.profile, "booked": len(sessions) + len(places)}


def sessions_with_feedback(session: Session, participant_id: int) -> set[int]:
    """The parent's sessions they have already said were helpful or not."""
    return set(
        session.scalars(
            select(SessionFeedback.booking_id).where(
                SessionFeedback.participant_id == participant_id,
                SessionFeedback.booking_id.is_not(None),
            )
        )
    )


def attended_session_label(session: Session, participant: User, booking_id: int) -> str | None:
    """What the parent's feedback is about ("Session with Ewan MacLeod on Tue 1 December"),
    when the booking is a session they attended; otherwise None."""
    booked = session.scalar(
        select(BookedSession)
        .where(
            BookedSession.id == booking_id,
            BookedSession.participant_id == participant.id,
            BookedSession.status == SessionStatus.ATTENDED,
        )
        .options(joinedload(BookedSession.keyworker))
    )
    if booked is None:
        return None
    day = booked.starts_at.astimezone(LONDON)
    label = f"Session with {booked.keyworker.name} on {day:%a} {day.day} {day:%B}"
    return label[:LABEL_LENGTH]
