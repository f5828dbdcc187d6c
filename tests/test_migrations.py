"""The schema comes from the migrations, and the migrations match the models."""

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from webapp.web.extensions import db


def test_one_head(app_context, app):
    config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migrated_schema_matches_models(app_context):
    # The session's database was built by `flask db upgrade`; autogenerate must find nothing to do.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_run_from_empty_and_back(app, tmp_path):
    """Upgrade an empty SQLite database to head and down again (PostgreSQL is upgraded per run)."""
    from flask_migrate import downgrade, upgrade

    from tests.conftest import TestConfig
    from webapp import create_app

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    fresh = create_app(type("Fresh", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with fresh.app_context():
        upgrade()
        assert "users" in db.inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert "users" not in db.inspect(db.engine).get_table_names()
        db.engine.dispose()


@pytest.fixture
def fresh_database_url(database_url, tmp_path):
    """An empty database of the kind the tests run on, to migrate up and down."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"{url.database}_fresh"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
def migrated_to(fresh_database_url):
    """``with migrated_to("0008") as locality:`` an app on the empty database, upgraded to that
    revision, with one locality to put people in."""
    from contextlib import contextmanager

    from flask_migrate import upgrade

    from tests.conftest import TestConfig
    from webapp import create_app
    from webapp.models import Locality

    config = type("Fresh", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": fresh_database_url})

    @contextmanager
    def at(revision: str):
        with create_app(config).app_context():
            upgrade(revision=revision)
            locality = Locality(name="Glasgow North East")
            db.session.add(locality)
            db.session.flush()
            try:
                yield locality
            finally:
                db.session.remove()
                db.engine.dispose()

    return at


def test_places_booked_before_group_reminders_get_theirs(migrated_to):
    """0009 gives places already booked their reminders, and taking it away drops them."""
    from flask_migrate import downgrade, upgrade

    from webapp.auth.operations import create_user
    from webapp.models import GroupPlace, GroupSession, Reminder, Role, SessionStatus, utcnow

    with migrated_to("0008") as locality:
        parents = [
            create_user(db.session, role=Role.PARTICIPANT, name=f"P{n}", locality_id=locality.id)
            for n in range(3)
        ]
        start = utcnow().replace(microsecond=0) + timedelta(days=3)
        groups = [
            GroupSession(
                locality_id=locality.id,
                title=title,
                starts_at=start + timedelta(days=offset),
                ends_at=start + timedelta(days=offset, hours=2),
                capacity=8,
                is_cancelled=cancelled,
            )
            for title, offset, cancelled in [("On", 0, False), ("Off", 0, True), ("Was", -9, False)]
        ]
        db.session.add_all(groups)
        db.session.flush()
        on, off, over = groups
        booked = GroupPlace(group_session_id=on.id, participant_id=parents[0].id)
        given_up = GroupPlace(
            group_session_id=on.id, participant_id=parents[1].id, status=SessionStatus.CANCELLED
        )
        others = [
            GroupPlace(group_session_id=group.id, participant_id=parents[2].id)
            for group in (off, over)
        ]
        db.session.add_all([booked, given_up, *others])
        db.session.commit()
        booked_id = booked.id
        db.session.remove()

        upgrade()
        reminders = db.session.scalars(select(Reminder)).all()
        assert sorted((r.group_attendee_id, r.channel, r.session_id) for r in reminders) == [
            (booked_id, "email", None),
            (booked_id, "push", None),
        ]
        assert {r.due_at for r in reminders} == {start - timedelta(days=1)}
        db.session.remove()
        # A reminder is of a session or of a place: of neither is refused.
        with db.engine.connect() as connection, pytest.raises(IntegrityError):
            connection.execute(
                text("INSERT INTO reminders (channel, due_at, attempts) VALUES ('email', :d, 0)"),
                {"d": start.replace(tzinfo=None)},
            )

        downgrade(revision="0008")
        assert db.session.scalar(text("SELECT count(*) FROM reminders")) == 0
        db.session.remove()
        columns = {c["name"] for c in db.inspect(db.engine).get_columns("reminders")}
        assert "group_attendee_id" not in columns


def test_authenticator_secrets_are_encrypted_by_the_migration_and_decrypted_back(migrated_to):
    from flask_migrate import downgrade, upgrade

    from webapp.auth.operations import create_user
    from webapp.models import Role, TwoFactorCredential

    with migrated_to("0009") as locality:
        keyworker = create_user(db.session, role=Role.KEYWORKER, name="K", locality_id=locality.id)
        db.session.commit()
        keyworker_id = keyworker.id
        # Before 0010 the secret was kept as it is.
        db.session.execute(
            text("INSERT INTO two_factor_credentials (user_id, secret) VALUES (:u, :s)"),
            {"u": keyworker_id, "s": "JBSWY3DPEHPK3PXP"},
        )
        db.session.commit()
        db.session.remove()

        upgrade()
        stored = db.session.scalar(text("SELECT secret FROM two_factor_credentials"))
        assert "JBSWY3DPEHPK3PXP" not in stored
        assert db.session.get(TwoFactorCredential, keyworker_id).secret == "JBSWY3DPEHPK3PXP"
        db.session.remove()

        downgrade(revision="0009")
        stored = db.session.scalar(text("SELECT secret FROM two_factor_credentials"))
        assert stored == "JBSWY3DPEHPK3PXP"
