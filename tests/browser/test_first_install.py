"""A new service's first day, as docs/deploy.md "First steps on an empty server" tells it (the
comments name its steps): on PostgreSQL, with production settings, served by gunicorn, from an
empty database to a parent's booked session following her to a new keyworker.

The app runs here as its own server process with COPLAN_ENV=production (two-step sign-in for
staff, Secure cookies, real argon2 cost, no demo data, no mail server), on a database made for
this module, not the session's test server and its test settings."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.browser.conftest import PHONE_CONTEXT, assert_accessible
from webapp.config import normalise_database_url
from webapp.services.crypto import generate_key

PROJECT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "webapp"]
# Settings a developer's shell may carry that a fresh server doesn't have: no mail server, no
# Redis, no texts, no push.
NOT_ON_A_FRESH_SERVER = re.compile(r"^(MAIL_|REDIS_URL|SMS_|NOTIFY_|VAPID_|SESSION_COOKIE_)")
PASSWORDS = {
    "admin": "heather moor lantern",
    "manager": "kestrel harbour fiddle",
    "kw1": "bracken otter teapot",
    "kw2": "thistle ferry compass",
    "parent": "kettle purple seaside",
}


@dataclass
class Server:
    """The production-configured app, and the environment its commands run with."""

    url: str
    env: dict
    log: Path
    database: str

    def failed_requests(self) -> list[dict]:
        """The requests the server answered with a 5xx, from its JSON request log."""
        lines = (line for line in self.log.read_text().splitlines() if line.startswith("{"))
        return [entry for entry in map(json.loads, lines) if entry.get("status", 0) >= 500]

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*FLASK, *args],
            env=self.env,
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=120,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def admin_engine(url: str):
    """A connection to the test database's server that may create and drop databases."""
    return create_engine(url, isolation_level="AUTOCOMMIT")


def wait_until_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn did not answer /readyz in 60 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """One gunicorn worker with production settings on a database of its own, for the module."""
    test_url = normalise_database_url(os.environ.get("TEST_DATABASE_URL", ""))
    if not test_url or make_url(test_url).get_backend_name() != "postgresql":
        pytest.skip("the first-install journey runs on PostgreSQL: set TEST_DATABASE_URL to one")
    database = f"{make_url(test_url).database}_first_install"
    engine = admin_engine(test_url)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    port = free_port()
    # Chromium keeps Secure cookies on http://localhost (a "potentially trustworthy" origin),
    # so production's SESSION_COOKIE_SECURE stays on and sign-in still sticks.
    url = f"http://localhost:{port}"
    tmp = tmp_path_factory.mktemp("first-install")
    env = {
        **{k: v for k, v in os.environ.items() if not NOT_ON_A_FRESH_SERVER.match(k)},
        "COPLAN_ENV": "production",
        # An empty server with no mail server yet, said on purpose: pages show the links.
        "MAIL_DISABLED": "1",
        "DATABASE_URL": make_url(test_url).set(database=database).render_as_string(False),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "TWO_FACTOR_KEYS": generate_key(),
        "BASE_URL": url,
        "COPLAN_INSTANCE_PATH": str(tmp / "instance"),
    }
    server = Server(url=url, env=env, log=tmp / "gunicorn.log", database=database)
    process = None
    try:
        upgraded = server.flask("db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        with server.log.open("w") as log:
            process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"),
                    *("-w", "1", "-b", f"127.0.0.1:{port}", "webapp:create_app()"),
                ],
                env=env,
                cwd=PROJECT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_ready(f"http://127.0.0.1:{port}", process, server.log)
        yield server
    finally:
        if process is not None:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            process.wait(timeout=30)
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="module")
def browser_context_args(production_server):
    """Every phone in this module opens the production server, not the session's test one."""
    return {**PHONE_CONTEXT, "base_url": production_server.url}


@dataclass
class Authenticator:
    """A member of staff's authenticator app: a new code each 30 s, each used once."""

    totp: pyotp.TOTP
    used: set[int] = field(default_factory=set)

    def code(self) -> str:
        while int(time.time()) // self.totp.interval in self.used:
            time.sleep(0.5)
        step = int(time.time()) // self.totp.interval
        self.used.add(step)
        return self.totp.at(step * self.totp.interval)


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def set_password(page: Page, password: str) -> None:
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("I have read how CoPlan uses my information and I agree").check()
    page.get_by_role("button", name="Join CoPlan").click()


def join_as_staff(page: Page, link: str, password: str, *, check: bool = False) -> Authenticator:
    """Open a set-up link, choose a password and set up two-step sign-in."""
    page.goto(link)
    expect(heading(page)).to_have_text("Set up your CoPlan account")
    if check:
        assert_accessible(page)
    set_password(page, password)
    # Signed in (the Secure cookie stuck), and sent to two-step set-up before anything else.
    expect(heading(page)).to_have_text("Set up two-step sign-in")
    if check:
        assert_accessible(page)
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    authenticator = Authenticator(pyotp.TOTP(secret))
    page.get_by_label("Code").fill(authenticator.code())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(heading(page)).to_have_text("Two-step sign-in is on")
    expect(page.locator("[data-recovery-codes] li")).not_to_have_count(0)
    if check:
        assert_accessible(page)
    page.get_by_role("link", name="Carry on").click()
    return authenticator


def invite_staff(page: Page, name: str, email: str, role: str, *, check: bool = False) -> str:
    page.get_by_role("link", name="Staff", exact=True).click()
    expect(heading(page)).to_have_text("Staff")
    page.get_by_role("link", name="Invite a member of staff").click()
    if check:
        assert_accessible(page)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Work email address").fill(email)
    page.get_by_label("Role").select_option(label=role)
    page.get_by_label("Locality").select_option(label="Inverclyde")
    page.get_by_role("button", name="Invite").click()
    expect(heading(page)).to_have_text("Invitation ready")
    # No mail server: the page says so and gives the link to pass on.
    expect(page.get_by_text(re.compile("this link yourself"))).to_be_visible()
    if check:
        assert_accessible(page)
    return page.locator("[data-invite-link]").inner_text()


def sign_in_with_code(page: Page, email: str, password: str, authenticator: Authenticator):
    page.goto("/sign-in")
    page.get_by_label("Email or mobile number").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text("Enter your code")
    assert_accessible(page)
    page.get_by_label("Code").fill(authenticator.code())
    page.get_by_role("button", name="Continue").click()


def test_a_new_service_from_create_admin_to_a_caseload_handed_on(
    production_server, page, new_phone
):
    today = date.today()

    # Step 5: the first admin, from the command line, with a set-up link and no password.
    made = production_server.flask("create-admin", "lead@inverclyde.example", "--name", "Iona")
    assert made.returncode == 0, made.stderr
    link = re.search(rf"{re.escape(production_server.url)}/invite/\S+", made.stdout)
    assert link, made.stdout
    assert "within 24 hours" in made.stdout

    # Step 6: the admin sets a password and two-step sign-in.
    admin = page
    join_as_staff(admin, link.group(0), PASSWORDS["admin"], check=True)
    expect(heading(admin)).to_be_visible()
    # Production's Secure session cookie, kept on http://localhost, as Chromium does.
    cookies = {cookie["name"]: cookie for cookie in admin.context.cookies()}
    assert cookies["session"]["secure"] and cookies["session"]["httpOnly"]
    assert_accessible(admin)

    # Step 7: a locality and its rules; a rule out of bounds is refused and what was typed is kept.
    admin.get_by_role("link", name="Localities").click()
    expect(heading(admin)).to_have_text("Localities")
    assert_accessible(admin)
    admin.get_by_label("Name of the locality").fill("Inverclyde")
    admin.get_by_role("button", name="Add the locality").click()
    expect(heading(admin)).to_have_text("Inverclyde: rules")
    admin.get_by_label("Least notice for a booking, in hours").fill("24")
    admin.get_by_label("How far ahead parents can book, in days").fill("400")
    admin.get_by_label("Travel time kept free before and after a session").fill("15")
    admin.get_by_label("The team's phone number, for parents").fill("01475 714 000")
    admin.get_by_label("When the phone is answered").fill("Monday to Thursday, 9am to 3pm")
    admin.get_by_role("button", name="Save the rules").click()
    expect(admin.locator("#horizon_days-error")).to_contain_text("from 7 to 182")
    expect(admin.get_by_label("The team's phone number, for parents")).to_have_value(
        "01475 714 000"
    )
    assert_accessible(admin)
    admin.get_by_label("How far ahead parents can book, in days").fill("28")
    admin.get_by_role("button", name="Save the rules").click()
    expect(admin.locator(".notice--success")).to_contain_text("Inverclyde's rules are saved.")

    # Step 8: a manager and two keyworkers, invited by the admin; each joins on their own phone.
    links = {
        "manager": invite_staff(
            admin, "Morag Campbell", "morag@inverclyde.example", "Service manager", check=True
        ),
        "kw1": invite_staff(admin, "Ewan MacLeod", "ewan@inverclyde.example", "Keyworker"),
        "kw2": invite_staff(admin, "Priya Shah", "priya@inverclyde.example", "Keyworker"),
    }
    manager, kw1, kw2 = new_phone(), new_phone(), new_phone()
    manager_app = join_as_staff(manager, links["manager"], PASSWORDS["manager"])
    join_as_staff(kw1, links["kw1"], PASSWORDS["kw1"])
    join_as_staff(kw2, links["kw2"], PASSWORDS["kw2"])
    admin.get_by_role("link", name="Staff", exact=True).click()
    assert_accessible(admin)
    for name in ("Morag Campbell", "Ewan MacLeod", "Priya Shah"):
        expect(admin.get_by_role("row", name=re.compile(name))).to_contain_text("Active")

    # Step 9: the manager adds a venue and the school calendar: the day, and a term.
    manager.get_by_role("link", name="Venues").click()
    expect(heading(manager)).to_have_text("Venues")
    assert_accessible(manager)
    manager.get_by_label("Name").fill("Greenock Family Centre")
    manager.get_by_label("Address").fill("12 Kelly Street, Greenock PA16 8TX")
    manager.get_by_role("button", name="Add venue").click()
    expect(manager.locator(".notice--success")).to_contain_text("Added Greenock Family Centre.")
    manager.get_by_role("link", name="School calendar").click()
    expect(heading(manager)).to_have_text("School calendar")
    assert_accessible(manager)
    manager.get_by_label("School day starts").fill("09:00")
    manager.get_by_label("School day ends").fill("15:00")
    manager.get_by_role("button", name="Save the school day").click()
    expect(manager.locator(".notice--success")).to_contain_text("School day saved.")
    manager.get_by_label("What").select_option(label="Term")
    manager.get_by_label("Name").fill("This term")
    manager.get_by_label("First day").fill((today - timedelta(days=7)).isoformat())
    manager.get_by_label("Last day").fill((today + timedelta(days=90)).isoformat())
    manager.get_by_role("button", name="Add", exact=True).click()
    expect(manager.locator(".notice--success")).to_contain_text("Added This term.")
    # The manager signs out, and signs in again later with a password and a code.
    manager.get_by_role("button", name="Sign out").click()
    expect(heading(manager)).to_have_text("Sign in")

    # Step 10: keyworker 1 says when they can see people: Wednesdays at the family centre.
    kw1.get_by_role("link", name="Diary").click()
    assert_accessible(kw1)
    kw1.get_by_role("link", name="Your availability and time off").click()
    expect(heading(kw1)).to_have_text("Your availability")
    assert_accessible(kw1)
    kw1.get_by_label("Day", exact=True).select_option(label="Wednesday")
    kw1.get_by_label("How").select_option(label="At the office")
    kw1.get_by_label("Where").select_option(label="Greenock Family Centre")
    kw1.get_by_role("button", name="Add", exact=True).click()
    expect(kw1.locator(".notice--success")).to_contain_text("Availability added.")

    # Step 11: keyworker 1 invites a parent, who joins on her phone.
    kw1.get_by_role("link", name="Invite a parent").first.click()
    expect(heading(kw1)).to_have_text("Invite a parent")
    assert_accessible(kw1)
    kw1.get_by_label("Full name").fill("Kirsty Donnelly")
    kw1.get_by_label("Email address (optional)").fill("kirsty@example.org")
    kw1.get_by_label("Primary school").check()
    kw1.get_by_role("button", name="Invite").click()
    expect(heading(kw1)).to_have_text("Invitation ready")
    assert_accessible(kw1)
    parent = new_phone()
    parent.goto(kw1.locator("[data-invite-link]").inner_text())
    expect(heading(parent)).to_have_text("Welcome, Kirsty")
    assert_accessible(parent)
    set_password(parent, PASSWORDS["parent"])
    expect(heading(parent)).to_have_text("Hello, Kirsty")
    expect(parent.get_by_text("Or call your local team on")).to_contain_text(
        "01475 714 000 (Monday to Thursday, 9am to 3pm)"
    )
    assert_accessible(parent)

    # Step 12: the parent books the first time offered: a Wednesday, with Ewan.
    parent.get_by_role("link", name="Sessions", exact=True).click()
    expect(heading(parent)).to_have_text("Your sessions")
    assert_accessible(parent)
    parent.get_by_role("link", name="Book a session").click()
    expect(heading(parent)).to_have_text("Find a time")
    assert_accessible(parent)
    first = parent.locator("[data-slot]").first
    when = first.locator(".slot__time").inner_text().split(" to ")[0]
    first.click()
    expect(heading(parent)).to_have_text("Book this session?")
    parent.get_by_role("button", name="Book it").click()
    expect(parent.locator(".notice--success")).to_contain_text("Booked")
    booked = parent.locator(".session").first
    expect(booked).to_contain_text(when)
    expect(booked).to_contain_text("At the office with Ewan MacLeod")
    expect(booked).to_contain_text("Greenock Family Centre")

    # Step 13: Ewan leaves: the manager signs in, deactivates him and moves his parents to Priya.
    sign_in_with_code(manager, "morag@inverclyde.example", PASSWORDS["manager"], manager_app)
    expect(heading(manager)).to_be_visible()
    manager.get_by_role("link", name="Staff", exact=True).click()
    manager.get_by_role("link", name="Ewan MacLeod").click()
    expect(heading(manager)).to_have_text("Ewan MacLeod")
    assert_accessible(manager)
    expect(manager.get_by_text("Booked sessions to come").locator("xpath=..")).to_contain_text(
        "Kirsty Donnelly"
    )
    manager.get_by_role("button", name="Deactivate: they can no longer sign in").click()
    expect(manager.locator(".notice--success")).to_contain_text(
        "Ewan MacLeod can no longer sign in."
    )
    manager.get_by_role("link", name="Move Ewan's parents to another keyworker").click()
    expect(heading(manager)).to_have_text("Move Ewan MacLeod's parents to another keyworker")
    assert_accessible(manager)
    expect(manager.get_by_label("Kirsty Donnelly")).to_be_checked()
    manager.get_by_label("New keyworker", exact=True).select_option(label="Priya Shah")
    manager.get_by_label("Move them to the new keyworker where they're free").check()
    manager.get_by_role("button", name="Move these parents").click()
    expect(heading(manager)).to_have_text("Kirsty Donnelly's keyworker is now Priya Shah")
    expect(manager.get_by_text("1 booked session moved to Priya.")).to_be_visible()
    expect(manager.locator("main")).to_contain_text("with Priya Shah")
    assert_accessible(manager)

    # Ewan's open session ended with his account: his next page asks him to sign in.
    kw1.reload()
    expect(heading(kw1)).to_have_text("Sign in")

    # Kirsty reads who her keyworker is now, and her session is with Priya.
    parent.get_by_role("link", name="Today", exact=True).click()
    expect(parent.locator(".notice--info")).to_contain_text("Your keyworker is now Priya Shah")
    parent.get_by_role("link", name="Sessions", exact=True).click()
    booked = parent.locator(".session").first
    expect(booked).to_contain_text(when)
    expect(booked).to_contain_text("At the office with Priya Shah")

    # Priya finds it in her diary.
    kw2.get_by_role("link", name="Diary").click()
    expect(kw2.get_by_role("link", name="Kirsty Donnelly")).to_be_visible()
    assert production_server.failed_requests() == []
