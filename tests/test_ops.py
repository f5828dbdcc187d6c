"""Health checks, request logs and production safety."""

import json
import logging

import pytest
from sqlalchemy import event

from webapp.config import ProductionConfig, UnsafeConfiguration, check_production
from webapp.web.extensions import db
from webapp.web.logs import JsonLineFormatter


def test_healthz_and_readyz_need_no_sign_in_and_hold_no_personal_data(client):
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {"status": "ok", "database": "ok"}


def test_readyz_fails_when_the_database_cannot_be_reached(another_app):
    broken = another_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_request_id_is_returned_and_logged_without_personal_data(pages, make, caplog):
    parent = make.participant(locality=make.locality(), name="Gemma Robertson")
    pages.sign_in(parent)
    with caplog.at_level(logging.INFO, logger="coplan.requests"):
        response = pages.client.get("/today", headers={"X-Request-ID": "abc12345-test"})
    assert response.headers["X-Request-ID"] == "abc12345-test"
    record = next(r for r in caplog.records if r.name == "coplan.requests")
    line = json.loads(JsonLineFormatter().format(record))
    assert line["request_id"] == "abc12345-test"
    assert line["endpoint"] == "home.today" and line["status"] == 200
    assert line["user_id"] == parent.id
    assert "Gemma" not in json.dumps(line) and parent.email not in json.dumps(line)


def test_a_page_that_commits_logs_its_user_without_loading_them_again(app, pages, make, caplog):
    # The record commits its audit rows after the page is made, which expires the keyworker.
    locality = make.locality()
    keyworker = make.keyworker(locality=locality)
    parent = make.participant(locality=locality, keyworker=keyworker)
    pages.sign_in(keyworker)
    after_commit: list[str] = []
    with app.app_context():
        engine = db.engine
    listeners = [
        ("commit", lambda connection: after_commit.clear()),
        ("before_cursor_execute", lambda *args: after_commit.append(args[2])),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        with caplog.at_level(logging.INFO, logger="coplan.requests"):
            assert pages.client.get(f"/people/{parent.id}").status_code == 200
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)
    record = next(r for r in caplog.records if r.name == "coplan.requests")
    assert json.loads(JsonLineFormatter().format(record))["user_id"] == keyworker.id
    assert after_commit == []


def test_an_unsafe_request_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response.headers["X-Request-ID"] != "<script>"
    assert len(response.headers["X-Request-ID"]) == 32


TWO_FACTOR_KEY = "kZmRy3sF1y0XkdTQ8gWQeMN0nE0iVd3NQnXqwrbu1q4="


def safe_production_settings(**overrides):
    settings = {
        "SECRET_KEY": "x" * 48,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://coplan@db/coplan",
        "DEBUG": False,
        "DEMO_DATA_ALLOWED": False,
        "BASE_URL": "https://coplan.example.org",
        "TWO_FACTOR_KEYS": [TWO_FACTOR_KEY],
        "MAIL_SERVER": "smtp.example.org",
    }
    settings.update(overrides)
    return settings


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:///coplan.db"}, "must point at PostgreSQL"),
        ({"DEBUG": True}, "Debug mode must be off"),
        ({"DEMO_DATA_ALLOWED": True}, "Demo data must not be allowed"),
        ({"BASE_URL": None}, "BASE_URL must be set"),
        ({"TWO_FACTOR_KEYS": [""]}, "TWO_FACTOR_KEYS must be set"),
        ({"TWO_FACTOR_KEYS": [TWO_FACTOR_KEY, "not a key"]}, "TWO_FACTOR_KEYS must be set"),
        ({"VAPID_PRIVATE_KEY": "k", "VAPID_SUBJECT": "ops@example.org"}, "VAPID_SUBJECT must be"),
        ({"MAIL_SERVER": None}, "MAIL_SERVER must be set"),
    ],
)
def test_production_refuses_each_unsafe_setting(override, message):
    with pytest.raises(UnsafeConfiguration, match=message):
        check_production(safe_production_settings(**override))


def test_production_accepts_safe_settings():
    check_production(safe_production_settings())
    # Without a mail server only when it is said on purpose.
    check_production(safe_production_settings(MAIL_SERVER=None, MAIL_DISABLED=True))
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.STAFF_TWO_FACTOR_REQUIRED


def test_production_app_refuses_demo_data(monkeypatch, tmp_path):
    from webapp import create_app

    monkeypatch.setenv("COPLAN_INSTANCE_PATH", str(tmp_path))
    settings = type(
        "Live",
        (ProductionConfig,),
        {"SECRET_KEY": "k" * 48, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"},
    )
    with pytest.raises(UnsafeConfiguration, match="PostgreSQL"):
        create_app(settings)


def test_forwarded_headers_are_trusted_only_when_configured(another_app):
    trusting = another_app(TRUSTED_PROXY_HOPS=1)
    response = trusting.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
    plain = another_app()
    response = plain.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_postgresql_sessions_are_in_utc_whatever_the_servers_zone(app, another_app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the session's zone is PostgreSQL's")
    from datetime import UTC, datetime

    from sqlalchemy import select, text

    from webapp.models import AuditEvent

    # A server set to London time: moments still come back in UTC, as Python's own UTC.
    london = another_app(
        SQLALCHEMY_ENGINE_OPTIONS={
            "pool_pre_ping": True,
            "connect_args": {"options": "-c timezone=Europe/London"},
        }
    )
    with london.app_context():
        assert db.session.execute(text("SHOW TIME ZONE")).scalar() == "UTC"
        moment = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
        db.session.add(AuditEvent(action="sign_in.failed", at=moment))
        db.session.flush()
        stored = db.session.execute(select(AuditEvent.at).order_by(AuditEvent.id.desc())).scalar()
        assert stored == moment and stored.tzinfo is UTC
        db.session.rollback()
