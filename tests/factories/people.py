"""Localities, staff and participants, made in the caller's session (only flushed)."""

from __future__ import annotations

import itertools

from webapp.auth.operations import create_user
from webapp.models import Locality, ParticipantProfile, ParticipantStatus, Role, User, utcnow

PASSWORD = "correct horse battery"
counter = itertools.count(1)


def make_locality(session, *, name: str | None = None) -> Locality:
    """A locality."""
    locality = Locality(name=name or f"Locality {next(counter)}")
    session.add(locality)
    session.flush()
    return locality


def make_staff(
    session,
    *,
    role: Role,
    locality: Locality | None,
    name: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
) -> User:
    """A member of staff with the given role."""
    n = next(counter)
    return create_user(
        session,
        role=role,
        name=name or f"{role.value.title()} {n}",
        email=email or f"{role.value}{n}@example.org",
        password=password,
        locality_id=locality.id if locality else None,
    )


def make_keyworker(session, *, locality: Locality, **kwargs) -> User:
    """A keyworker in a locality."""
    return make_staff(session, role=Role.KEYWORKER, locality=locality, **kwargs)


def make_manager(session, *, locality: Locality, **kwargs) -> User:
    """A manager of a locality."""
    return make_staff(session, role=Role.MANAGER, locality=locality, **kwargs)


def make_admin(session, **kwargs) -> User:
    """An administrator, in no locality."""
    return make_staff(session, role=Role.ADMIN, locality=None, **kwargs)


def make_participant(
    session,
    *,
    locality: Locality,
    keyworker: User | None = None,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    password: str | None = PASSWORD,
    status: ParticipantStatus = ParticipantStatus.ACTIVE,
    children_stages: list[str] | None = None,
) -> User:
    """A parent with a profile; consented unless still invited."""
    n = next(counter)
    consented = status != ParticipantStatus.INVITED
    user = create_user(
        session,
        role=Role.PARTICIPANT,
        name=name or f"Parent Number{n}",
        email=email if email is not None or phone else f"parent{n}@example.org",
        phone=phone,
        password=password,
        locality_id=locality.id,
    )
    user.profile = ParticipantProfile(
        keyworker_id=keyworker.id if keyworker else None,
        children_stages=children_stages or ["primary"],
        status=status,
        consent_version="2026-11" if consented else None,
        consented_at=utcnow() if consented else None,
    )
    session.flush()
    return user
