"""What the handover pages, the caseload and a parent's Today read about keyworker changes and
cover."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased, joinedload

from webapp.caseload.timeline import TimelineFilters, TimelineItem, newest_first
from webapp.clock import london_today
from webapp.models import BookedSession, Cover, KeyworkerChange, Role, User
from webapp.sessions.handing import sessions_ahead
from webapp.web.policy import participants_in_scope

# A parent is told their keyworker changed on Today for a fortnight; after that it's just who
# their keyworker is.
NEWS_SHOWN_FOR = timedelta(days=14)


def covered_keyworkers(keyworker_id: int, today: date) -> Select[tuple[int]]:
    """SQL: the ids of the keyworkers this one covers for today."""
    return select(Cover.absent_id).where(
        Cover.cover_id == keyworker_id,
        Cover.ended_at.is_(None),
        Cover.starts_on <= today,
        Cover.ends_on >= today,
    )


def covers_ahead(session: Session, viewer: User, today: date) -> list[Cover]:
    """Cover now or to come in the viewer's locality (everywhere, for an admin)."""
    query = (
        select(Cover)
        .join(User, User.id == Cover.absent_id)
        .where(Cover.ended_at.is_(None), Cover.ends_on >= today)
        .options(joinedload(Cover.absent), joinedload(Cover.cover))
        .order_by(Cover.starts_on, Cover.id)
    )
    if viewer.role != Role.ADMIN:
        query = query.where(User.locality_id == viewer.locality_id)
    return list(session.scalars(query))


def cover_or_404(session: Session, viewer: User, cover_id: int) -> Cover:
    cover = session.get(Cover, cover_id)
    if cover is None or (
        viewer.role != Role.ADMIN and cover.absent.locality_id != viewer.locality_id
    ):
        abort(404)
    return cover


def keyworkers_in(session: Session, locality_id: int | None) -> list[User]:
    """The locality's active keyworkers, by name."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.role == Role.KEYWORKER,
                User.is_active.is_(True),
                User.locality_id == locality_id,
            )
            .order_by(User.name)
        )
    )


def keyworker_or_none(session: Session, user_id: int | None) -> User | None:
    return session.get(User, user_id) if user_id else None


@dataclass(frozen=True)
class KeyworkerCard:
    """What a parent's Today says about who works with them."""

    keyworker: User | None
    news: KeyworkerChange | None  # a change in the last fortnight
    cover: Cover | None  # their keyworker is away and someone is covering


def keyworker_card(session: Session, parent: User, now: datetime) -> KeyworkerCard:
    profile = parent.profile
    keyworker = profile.keyworker if profile else None
    news = session.scalar(
        select(KeyworkerChange)
        .where(
            KeyworkerChange.participant_id == parent.id,
            KeyworkerChange.changed_at > now - NEWS_SHOWN_FOR,
        )
        .order_by(KeyworkerChange.changed_at.desc(), KeyworkerChange.id.desc())
        .limit(1)
    )
    cover = None
    if keyworker is not None:
        today = london_today()
        cover = session.scalar(
            select(Cover)
            .where(
                Cover.absent_id == keyworker.id,
                Cover.ended_at.is_(None),
                Cover.starts_on <= today,
                Cover.ends_on >= today,
            )
            .options(joinedload(Cover.cover))
            .limit(1)
        )
    return KeyworkerCard(keyworker=keyworker, news=news, cover=cover)


@dataclass(frozen=True)
class ChangeShown:
    """A keyworker change as its result page shows it: the change, and the parent's sessions
    to come as they are now."""

    change: KeyworkerChange
    sessions: list[BookedSession]


def changes_for_viewer(
    session: Session, viewer: User, ids: Sequence[int], now: datetime
) -> list[ChangeShown]:
    """The keyworker changes named, of parents the viewer may see, in their parents' order."""
    if not ids:
        return []
    in_scope = participants_in_scope(viewer).with_only_columns(User.id)
    changes = session.scalars(
        select(KeyworkerChange)
        .join(User, User.id == KeyworkerChange.participant_id)
        .where(KeyworkerChange.id.in_(ids), KeyworkerChange.participant_id.in_(in_scope))
        .options(
            joinedload(KeyworkerChange.participant),
            joinedload(KeyworkerChange.to_keyworker),
            joinedload(KeyworkerChange.from_keyworker),
        )
        .order_by(User.name)
    ).all()
    return [
        ChangeShown(change, sessions_ahead(session, now, participant=change.participant))
        for change in changes
    ]


_FROM = aliased(User, name="from_keyworker")
_TO = aliased(User, name="to_keyworker")
_BY = aliased(User, name="changed_by")


def keyworker_change_items(
    session: Session, ids: Sequence[int], filters: TimelineFilters
) -> list[TimelineItem]:
    """Keyworker changes on the record's timeline."""
    query = (
        select(KeyworkerChange, _FROM.name, _TO.name, _BY.name)
        .outerjoin(_FROM, _FROM.id == KeyworkerChange.from_keyworker_id)
        .join(_TO, _TO.id == KeyworkerChange.to_keyworker_id)
        .join(_BY, _BY.id == KeyworkerChange.changed_by_id)
    )
    query = newest_first(
        query,
        KeyworkerChange.participant_id,
        KeyworkerChange.changed_at,
        KeyworkerChange.id,
        ids,
        filters,
    )
    return [
        TimelineItem(
            when=change.changed_at,
            kind="keyworker",
            title=f"Keyworker now {to_name}" + (f" (was {from_name})" if from_name else ""),
            detail=sessions_detail(change),
            by=by_name,
            participant_id=change.participant_id,
            ref=("keyworker_change", change.id),
        )
        for change, from_name, to_name, by_name in session.execute(query)
    ]


def sessions_detail(change: KeyworkerChange) -> str | None:
    parts = [
        f"{count} {what}"
        for count, what in (
            (change.sessions_moved, "moved to the new keyworker"),
            (change.sessions_kept, "kept with the keyworker they were booked with"),
            (change.sessions_cancelled, "cancelled"),
        )
        if count
    ]
    if not parts:
        return None
    return "Booked sessions: " + "; ".join(parts) + "."
