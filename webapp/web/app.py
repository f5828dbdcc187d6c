"""The application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import areas, cli
from webapp.areas import Area
from webapp.config import (
    Config,
    UnsafeConfiguration,
    check_production,
    config_for_environment,
    instance_secret_key,
    text_message_problems,
)
from webapp.web import assets, errors, logs, navigation, policy, security, templating
from webapp.web.extensions import compress, csrf, db, limiter, migrate

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def create_app(config: type[Config] | dict | None = None) -> Flask:
    """Build a CoPlan app. ``config`` is a config class, or a dict of overrides on the default."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("COPLAN_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    load_config(app, config)
    logs.init_app(app)
    trust_proxy(app)
    setup_database(app)
    security.init_app(app)
    setup_accounts(app)
    csrf.init_app(app)
    policy.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    assets.init_app(app)
    navigation.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    areas.init_app(app, all_areas())
    cli.init_app(app)
    return app


def load_config(app: Flask, config: type[Config] | dict | None) -> None:
    if config is None:
        config = config_for_environment(os.environ.get("COPLAN_ENV"))
    if isinstance(config, dict):
        app.config.from_object(Config)
        app.config.update(config)
    else:
        app.config.from_object(config)
    if problems := text_message_problems(app.config):
        raise UnsafeConfiguration("CoPlan will not start: " + " ".join(problems))
    if app.config.get("ENV_NAME") == "production":
        check_production(app.config)
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def trust_proxy(app: Flask) -> None:
    """Believe X-Forwarded-* only from as many proxies as the operator says are in front."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def setup_database(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        elif db.engine.dialect.name == "postgresql":
            configure_postgresql(db.engine)


def configure_postgresql(engine) -> None:
    """Talk to PostgreSQL in UTC, whatever zone the server is set to.

    CoPlan stores and compares moments in UTC (UTCDateTime), and no query depends on the
    session's zone. In a UTC session psycopg hands times back with Python's own UTC, which
    needs no converting; in any other (even "Etc/UTC") each one is converted as it is read,
    thousands for a manager's caseload."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True  # a SET inside a transaction could be rolled back
        dbapi_connection.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.autocommit = autocommit


def configure_sqlite(engine) -> None:
    """Make SQLite behave for several web workers at once.

    Every transaction takes the write lock up front (BEGIN IMMEDIATE), so two requests that
    both read and then write queue politely instead of one failing with "database is locked".
    This follows SQLAlchemy's documented recipe for pysqlite's transaction handling.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let SQLAlchemy, not pysqlite, emit BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def setup_accounts(app: Flask) -> None:
    from webapp.auth.session import init_login

    init_login(app)


def all_areas() -> tuple[Area, ...]:
    """Every area of CoPlan, in the one order their parts are put together (a parent's Today
    page shows the plan, then the check-in, then the next session)."""
    from webapp.admin.area import AREA as admin
    from webapp.api.area import AREA as api
    from webapp.auth.area import AREA as auth
    from webapp.caseload.area import AREA as caseload
    from webapp.checkins.area import AREA as checkins
    from webapp.contact.area import AREA as contact
    from webapp.documents.area import AREA as documents
    from webapp.groups.area import AREA as groups
    from webapp.handover.area import AREA as handover
    from webapp.home.area import AREA as home
    from webapp.imports.area import AREA as imports
    from webapp.joining.area import AREA as joining
    from webapp.locality.area import AREA as locality
    from webapp.messages.area import AREA as messages
    from webapp.ops.area import AREA as ops
    from webapp.plans.area import AREA as plans
    from webapp.privacy.area import AREA as privacy
    from webapp.pwa.area import AREA as pwa
    from webapp.reports.area import AREA as reports
    from webapp.sessions.area import AREA as sessions
    from webapp.staff.area import AREA as staff
    from webapp.voice.area import AREA as voice

    return (
        auth,
        home,
        caseload,
        plans,
        checkins,
        sessions,
        groups,
        locality,
        messages,
        documents,
        contact,
        reports,
        voice,
        privacy,
        admin,
        staff,
        handover,
        joining,
        imports,
        pwa,
        api,
        ops,
    )
