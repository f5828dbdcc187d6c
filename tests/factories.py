"""Keyword-only factories for the people and places tests need.

Each factory writes in its own short transaction and returns detached objects with their
columns loaded, so a test never holds a transaction (and SQLite's write lock) while the app
under test, or a browser, does its work."""

from __future__ import annotations

import itertools
from contextlib import contextmanager

from flask import has_app_context
from sqlalchemy.orm import Session

from webapp.auth.operations import create_user
from webapp.models import Locality, ParticipantProfile, ParticipantStatus, Role, User, utcnow
from webapp.web.extensions import db

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


class Factories:
    def __init__(self, engine):
        self.engine = engine

    @contextmanager
    def _transaction(self):
        # End the test's own transaction first: on SQLite it would hold the write lock.
        if has_app_context():
            db.session.commit()
        with Session(self.engine, expire_on_commit=False) as session:
            self.session = session
            yield session
            session.commit()

    def locality(self, *, name: str | None = None) -> Locality:
        with self._transaction() as session:
            locality = Locality(name=name or f"Locality {next(_counter)}")
            session.add(locality)
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
        locality_id = locality.id if locality else None  # read before the test's commit
        with self._transaction() as session:
            user = create_user(
                session,
                role=role,
                name=name or f"{role.value.title()} {n}",
                email=email or f"{role.value}{n}@example.org",
                password=password,
                locality_id=locality_id,
            )
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
        consented = status != ParticipantStatus.INVITED
        locality_id, keyworker_id = locality.id, keyworker.id if keyworker else None
        with self._transaction() as session:
            user = create_user(
                session,
                role=Role.PARTICIPANT,
                name=name or f"Parent Number{n}",
                email=email if email is not None or phone else f"parent{n}@example.org",
                phone=phone,
                password=password,
                locality_id=locality_id,
            )
            user.profile = ParticipantProfile(
                keyworker_id=keyworker_id,
                children_stages=children_stages or ["primary"],
                status=status,
                consent_version="2026-11" if consented else None,
                consented_at=utcnow() if consented else None,
            )
        return user
