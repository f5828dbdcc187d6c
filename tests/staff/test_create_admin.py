"""First install: `flask create-admin` makes the first admin with a set-up link, and COPLAN_ENV
names the settings CoPlan runs with."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.config import Config, ProductionConfig, UnsafeConfiguration, config_for_environment
from webapp.models import AuditEvent, Role, User
from webapp.services.crypto import generate_key

PROJECT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"https?://\S+/invite/(\S+)")


def create_admin(app, *args):
    return app.test_cli_runner().invoke(args=["create-admin", *args])


def set_up_token(output: str) -> str:
    found = LINK.search(output)
    assert found, output
    return found.group(1)


def test_create_admin_prints_a_set_up_link_and_no_password(app, session, pages):
    result = create_admin(app, "Lead@Example.org", "--name", "Iona Grant")

    assert result.exit_code == 0, result.output
    assert "Made an admin account for lead@example.org" in result.output
    assert "within 24 hours" in result.output
    admin = session.scalar(select(User).where(User.email == "lead@example.org"))
    assert admin.role == Role.ADMIN and admin.name == "Iona Grant"
    assert admin.password_hash is None
    token = set_up_token(result.output)

    page = pages.get("auth.accept_invitation", token=token)
    assert page.h1.get_text(strip=True) == "Set up your CoPlan account"
    pages.post(
        "auth.accept_invitation",
        {"password": "heather moor lantern", "agree": "y"},
        token=token,
    )
    pages.sign_out()
    signed_in = pages.sign_in(admin, password="heather moor lantern")
    assert signed_in.response.status_code == 302
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "staff.admin_set_up_link")
        )
        == 1
    )


def test_running_it_again_before_set_up_gives_a_new_link_and_voids_the_old(app, session, pages):
    first = set_up_token(create_admin(app, "lead@example.org").output)
    again = create_admin(app, "lead@example.org")

    assert again.exit_code == 0, again.output
    assert "A new set-up link for lead@example.org" in again.output
    assert session.scalar(select(func.count()).select_from(User)) == 1
    pages.get("auth.accept_invitation", 410, token=first)
    pages.get("auth.accept_invitation", token=set_up_token(again.output))


def test_an_admin_already_set_up_gets_no_link(app, session, pages):
    token = set_up_token(create_admin(app, "lead@example.org").output)
    pages.post(
        "auth.accept_invitation", {"password": "heather moor lantern", "agree": "y"}, token=token
    )

    result = create_admin(app, "lead@example.org")

    assert result.exit_code == 0
    assert "already set up" in result.output
    assert not LINK.search(result.output)


@pytest.mark.parametrize(
    ("email", "message"),
    [("not an address", "is not an email address"), ("kw@example.org", "keyworker account")],
)
def test_it_refuses_what_it_cannot_do_and_changes_nothing(app, make, session, email, message):
    locality = make.locality()
    make.keyworker(locality=locality, email="kw@example.org")

    result = create_admin(app, email)

    assert result.exit_code != 0
    assert message in result.output
    assert (
        session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN)) == 0
    )


@pytest.mark.parametrize(
    ("value", "config"),
    [
        (None, Config),
        ("", Config),
        ("Production", ProductionConfig),
        (" PRODUCTION ", ProductionConfig),
        ("development", Config),
    ],
)
def test_coplan_env_is_read_in_any_case(value, config):
    assert config_for_environment(value) is config


@pytest.mark.parametrize("value", ["prod", "live", "staging"])
def test_an_unknown_coplan_env_refuses_to_start(monkeypatch, value):
    monkeypatch.setenv("COPLAN_ENV", value)
    with pytest.raises(UnsafeConfiguration, match="COPLAN_ENV"):
        create_app()


def test_create_admin_works_under_production_settings(app, database_url, tmp_path):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("production settings need PostgreSQL")
    env = {
        **os.environ,
        "COPLAN_ENV": "Production",
        "MAIL_DISABLED": "1",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "x" * 48,
        "TWO_FACTOR_KEYS": generate_key(),
        "BASE_URL": "https://coplan.example.org",
        "COPLAN_INSTANCE_PATH": str(tmp_path),
    }
    flask = [sys.executable, "-m", "flask", "--app", "webapp"]
    result = subprocess.run(
        [*flask, "create-admin", "lead@example.org"],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "https://coplan.example.org/invite/" in result.stdout
    demo = subprocess.run(
        [*flask, "seed-demo"], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=60
    )
    assert demo.returncode != 0 and "refused" in demo.stderr
