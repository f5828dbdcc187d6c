"""The application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import cli
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
    register_blueprints(app)
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


def register_blueprints(app: Flask) -> None:
    from webapp.admin.views import bp as admin_bp
    from webapp.api.views import bp as api_bp
    from webapp.auth.views import bp as auth_bp
    from webapp.bookings.views import bp as bookings_bp
    from webapp.caseload.views import bp as caseload_bp
    from webapp.checkins.views import bp as checkins_bp
    from webapp.contact.views import bp as contact_bp
    from webapp.home.views import bp as home_bp
    from webapp.imports.views import bp as imports_bp
    from webapp.joining.views import bp as joining_bp
    from webapp.messages.views import bp as messages_bp
    from webapp.ops.views import bp as ops_bp
    from webapp.plans.routes import bp as plans_bp
    from webapp.privacy.views import bp as privacy_bp
    from webapp.pwa.views import bp as pwa_bp
    from webapp.reports.views import bp as reports_bp
    from webapp.staff.views import bp as staff_bp
    from webapp.voice.views import bp as voice_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(caseload_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(ops_bp)
    app.register_blueprint(checkins_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(bookings_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(voice_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(joining_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(contact_bp)
    register_record_providers()


def register_record_providers() -> None:
    """Plans, bookings and check-ins plug their part into the service record's registries."""
    from webapp.bookings import record as bookings_record
    from webapp.checkins import record as checkins_record
    from webapp.plans import record as plans_record

    plans_record.register()
    bookings_record.register()
    checkins_record.register()
