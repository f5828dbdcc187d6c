"""Keyword-only factories for the people and places tests need."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from webapp.auth.operations import create_user
from webapp.models import Locality, ParticipantProfile, ParticipantStatus, Role, User, utcnow

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


class Factories:
    def __init__(self, session: Session):
        self.session = session

    def locality(self, *, name: str | None = None) -> Locality:
        locality = Locality(name=name or f"Locality {next(_counter)}")
        self.session.add(locality)
        self.session.commit()
        return locality

    def staff(
        self,
        *,
        role: Role,
        locality: Locality | None,
        name: str | None = None,
        email: str | None = None,
        password: str = PASSWORD,
    ) -> User:
        n = next(_counter)
        user = create_user(
            self.session,
            role=role,
            name=name or f"{role.value.title()} {n}",
            email=email or f"{role.value}{n}@example.org",
            password=password,
            locality_id=locality.id if locality else None,
        )
        self.session.commit()
        return user

    def keyworker(self, *, locality: Locality, **kwargs) -> User:
        return self.staff(role=Role.KEYWORKER, locality=locality, **kwargs)

    def manager(self, *, locality: Locality, **kwargs) -> User:
        return self.staff(role=Role.MANAGER, locality=locality, **kwargs)

    def admin(self, **kwargs) -> User:
        return self.staff(role=Role.ADMIN, locality=None, **kwargs)

    def participant(
        self,
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
        n = next(_counter)
        user = create_user(
            self.session,
            role=Role.PARTICIPANT,
            name=name or f"Parent Number{n}",
            email=email if email is not None or phone else f"parent{n}@example.org",
            phone=phone,
            password=password,
            locality_id=locality.id,
        )
        consented = status != ParticipantStatus.INVITED
        user.profile = ParticipantProfile(
            keyworker=keyworker,
            children_stages=children_stages or ["primary"],
            status=status,
            consent_version="2026-11" if consented else None,
            consented_at=utcnow() if consented else None,
        )
        self.session.commit()
        return user
