"""The schema comes from the migrations, and the migrations match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from webapp.extensions import db


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
