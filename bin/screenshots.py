"""Phone-sized screenshots of CoPlan with the demo data, for the README and the manifest.

    make screenshots

Builds a fresh SQLite database with the demo data in a temporary folder, serves it on a free
port of 127.0.0.1 and photographs the pages in Debian's Chromium at 360 x 740 (twice that in
pixels). Pages the app doesn't have yet are skipped, so the pictures stay true."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from webapp.web.extensions import db  # noqa: E402

CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
DOCS = ROOT / "docs" / "screenshots"
# The manifest's screenshots (see webapp/pwa/views.py) are copies of some of these.
MANIFEST = ROOT / "static" / "screenshots"
MANIFEST_SHOTS = {"today", "check-in"}

# (file name, who, endpoint)
SHOTS = [
    ("today", "parent@example.org", "home.today"),
    ("plan", "parent@example.org", "plans.my_plan"),
    ("booking", "parent@example.org", "sessions.my_sessions"),
    ("check-in", "parent@example.org", "checkins.new"),
    ("caseload", "keyworker@example.org", "caseload.index"),
]


def demo_app(folder: Path):
    os.environ["COPLAN_INSTANCE_PATH"] = str(folder / "instance")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'coplan.db'}"
    os.environ.pop("COPLAN_ENV", None)
    app = create_app()
    for name in ("coplan.requests", "werkzeug", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        seed_demo(db.session)
        db.session.commit()
    return app


def main() -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    MANIFEST.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app = demo_app(Path(folder))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base_url = f"http://127.0.0.1:{server.server_port}"
        with app.test_request_context():
            from flask import url_for

            shots = [(name, who, url_for(endpoint)) for name, who, endpoint in SHOTS]
        try:
            take(base_url, shots)
        finally:
            server.shutdown()


def take(base_url: str, shots: list[tuple[str, str, str]]) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for name, who, path in shots:
            context = browser.new_context(
                base_url=base_url,
                viewport={"width": 360, "height": 740},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                locale="en-GB",
                timezone_id="Europe/London",
                reduced_motion="reduce",
            )
            page = context.new_page()
            page.goto("/sign-in")
            page.get_by_label("Email or mobile number").fill(who)
            page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            page.goto(path)
            page.wait_for_load_state("networkidle")
            image = page.screenshot(type="png")
            (DOCS / f"{name}.png").write_bytes(image)
            if name in MANIFEST_SHOTS:
                (MANIFEST / f"{name}.png").write_bytes(image)
            print(f"docs/screenshots/{name}.png  ({who} on {path})")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
