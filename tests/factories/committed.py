"""The ``make`` fixture: the people factories, each in its own short committed transaction.

Each returns a detached object with its columns loaded, so a test never holds a transaction
(and SQLite's write lock) while the app under test, or a browser, does its work."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

from flask import has_app_context
from sqlalchemy.orm import Session

from tests.factories import people
from webapp.models import Base, Locality, User
from webapp.web.extensions import db


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

    def _made(self, factory, **kwargs):
        # Read the ids of what is passed in now: once the test's session commits, reading one
        # would reload it in that session and hold SQLite's lock against this transaction.
        kwargs = {
            key: SimpleNamespace(id=value.id) if isinstance(value, Base) else value
            for key, value in kwargs.items()
        }
        with self._transaction() as session:
            return factory(session, **kwargs)

    def locality(self, **kwargs) -> Locality:
        return self._made(people.make_locality, **kwargs)

    def staff(self, **kwargs) -> User:
        return self._made(people.make_staff, **kwargs)

    def keyworker(self, **kwargs) -> User:
        return self._made(people.make_keyworker, **kwargs)

    def manager(self, **kwargs) -> User:
        return self._made(people.make_manager, **kwargs)

    def admin(self, **kwargs) -> User:
        return self._made(people.make_admin, **kwargs)

    def participant(self, **kwargs) -> User:
        return self._made(people.make_participant, **kwargs)
