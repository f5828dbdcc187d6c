"""Fixtures shared by every test: one app and database per session, emptied after each test."""

from __future__ import annotations

import contextvars
import os
import re

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.factories import Factories
from tests.pages import PageClient
from webapp import create_app
from webapp.config import TestConfig, normalise_database_url
from webapp.web.extensions import db, limiter


def choose_database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'coplan-test.db'}"


def reset_postgres(url: str) -> None:
    """Start from an empty public schema, as a fresh database would be."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = choose_database_url(tmp_path_factory)
    if make_url(url).get_backend_name() == "postgresql":
        reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    os.environ["COPLAN_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    config = type("SessionTestConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url})
    app = create_app(config)
    app.test_client_class = IsolatedClient
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the test's app context.

    Flask reuses an app context that is already pushed, which would share ``g`` and the
    database session between the test and its requests and hide real bugs. Each request runs
    in an empty context instead. The test's own transaction is committed first, so the request
    sees what the test set up and SQLite's write lock is free; afterwards the test's session
    forgets what it loaded, so assertions read what the request really stored.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        kwargs.setdefault("buffered", True)  # read and close file responses at once
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


APPEND_ONLY_TABLES = {"audit_events"}


def delete_all_rows() -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name in APPEND_ONLY_TABLES and connection.dialect.name == "postgresql":
                # A trigger refuses DELETE on the audit log; TRUNCATE is the test's way round.
                connection.execute(text(f"TRUNCATE {table.name}"))
            else:
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def clean_database(request):
    """Each test starts with empty tables and fresh rate limits."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        delete_all_rows()
        limiter.reset()


@pytest.fixture
def another_app(app):
    """A second app on the same database, for tests that add routes or change settings."""

    built = []

    def build(**settings):
        attributes = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **settings}
        other = create_app(type("OtherTestConfig", (TestConfig,), attributes))
        other.test_client_class = IsolatedClient
        built.append(other)
        return other

    yield build
    # Close the other apps' connections now, not whenever the garbage collector gets to them
    # (on PostgreSQL an unclosed connection is a ResourceWarning, which fails a later test).
    for other in built:
        with other.app_context():
            db.engine.dispose()


VAPID_SETTINGS = ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT")


@pytest.fixture
def vapid(app):
    """Web Push switched on for one test, with a fresh VAPID key pair. Gives the public key."""
    from webapp.services.push import generate_vapid_keys

    public, private = generate_vapid_keys()
    saved = {key: app.config.get(key) for key in VAPID_SETTINGS}
    app.config.update(
        VAPID_PUBLIC_KEY=public, VAPID_PRIVATE_KEY=private, VAPID_SUBJECT="mailto:ops@example.org"
    )
    yield public
    app.config.update(saved)


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def session(app_context):
    """The database session, for tests of domain functions."""
    return db.session


@pytest.fixture
def make(app_context) -> Factories:
    """Keyword-only factories that commit what they make (see tests/factories.py)."""
    return Factories(db.engine)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def pages(client, app) -> PageClient:
    """Get and post by endpoint, check the status, and parse the page strictly."""
    return PageClient(client, app)


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a ``with count_queries() as counter`` block."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", statement, re.I):
                statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting
