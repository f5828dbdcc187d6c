"""Group sessions and places at them (only flushed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from webapp.models import GroupPlace, GroupSession, Locality, User, Venue, utcnow


def make_group(
    session,
    *,
    locality: Locality,
    starts_at: datetime | None = None,
    hours: float = 2,
    capacity: int = 8,
    title: str = "Peer support",
    led_by: User | None = None,
    venue: Venue | None = None,
    places=(),
    **columns,
) -> GroupSession:
    """A group session in a locality (five days ahead unless told), with a place for ``places``."""
    starts_at = starts_at or utcnow() + timedelta(days=5)
    group = GroupSession(
        locality_id=locality.id,
        led_by_id=led_by.id if led_by else None,
        venue_id=venue.id if venue else None,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        capacity=capacity,
        **columns,
    )
    session.add(group)
    session.flush()
    for participant in places:
        make_place(session, group=group, participant=participant)
    return group


def make_place(session, *, group: GroupSession, participant: User) -> GroupPlace:
    """A participant's place at a group session."""
    place = GroupPlace(group_session_id=group.id, participant_id=participant.id)
    session.add(place)
    session.flush()
    return place
