"""Browser tests: Debian's Chromium, driven by Playwright, on a phone-sized screen, against
the app served on 127.0.0.1 by one server for the whole session."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
PHONE = {"width": 360, "height": 740}
# A phone's browser: what every browser context opens as, whichever server it talks to.
PHONE_CONTEXT = {
    "viewport": PHONE,
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
    "timezone_id": "Europe/London",
}

# Let Playwright report the service worker's own requests, so page weights count what the
# worker fetches too (tests/browser/network.py). Read when Playwright starts its driver.
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
# Two cores shared with PostgreSQL and the app's own server: Playwright's 5 s for a page to show
# what is expected was once too short for an offline reload served by the service worker.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free port of 127.0.0.1, in a thread, for the whole test session."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, **PHONE_CONTEXT, "base_url": live_server}


@pytest.fixture
def new_phone(browser, browser_context_args):
    """Open another phone (a fresh browser context), e.g. the keyworker's beside the parent's."""
    contexts = []

    def open_phone():
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def sign_in(page, user_or_identifier, password: str = "correct horse battery"):
    identifier = getattr(user_or_identifier, "email", None) or getattr(
        user_or_identifier, "phone", user_or_identifier
    )
    page.goto("/sign-in")
    page.get_by_label("Email or mobile number").fill(identifier)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def controlled_by_service_worker(page) -> None:
    """Wait until the service worker is active and controls the page.

    A page whose navigation began while the worker was still installing (signing in right
    after the sign-in page registered it) can miss the worker's clients.claim() and stay
    uncontrolled until the next load, as on a real phone; so load it once more then."""
    page.evaluate("() => navigator.serviceWorker.ready")
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.2 A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, so the page's CSP does not block it.
        page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    assert not violations, f"{page.url}: " + json.dumps(violations, indent=2)
