"""What makes CoPlan installable and usable offline: the manifest, the service worker and
the offline page."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, url_for

from webapp.web.assets import asset_url
from webapp.web.policy import public
from webapp.web.security import fetched_by_the_browser

bp = Blueprint("pwa", __name__)

# The app shell: fetched once, then served from the phone. Never pages with personal data.
SHELL_ASSETS = [
    "css/app.css",
    "js/app.js",
    "js/htmx-2.0.11.min.js",
    "js/outbox.js",
    "icons/icon-192.png",
]


# Phone screenshots shown by the install dialog, made from the demo data by
# `make screenshots` (bin/screenshots.py): (file under static/, what it shows).
SCREENSHOTS = [
    ("screenshots/today.png", "Today: what's next for you"),
    ("screenshots/check-in.png", "A check-in takes under a minute, even with no signal"),
]

# Long-press shortcuts on the home-screen icon.
SHORTCUTS = [
    ("checkins.new", "Check in", "Say how you're doing"),
    ("sessions.my_sessions", "Sessions", "Book or change a session"),
    ("plans.my_plan", "My plan", "Your goals and next steps"),
]


def png_size(path: Path) -> str:
    """ "WIDTHxHEIGHT" read from a PNG's header."""
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return f"{width}x{height}"


def manifest_screenshots() -> list[dict]:
    static = Path(current_app.static_folder)
    return [
        {
            "src": asset_url(name),
            "sizes": png_size(static / name),
            "type": "image/png",
            "form_factor": "narrow",
            "label": label,
        }
        for name, label in SCREENSHOTS
        if (static / name).exists()
    ]


def manifest_shortcuts() -> list[dict]:
    icon = [{"src": asset_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}]
    return [
        {"name": name, "description": description, "url": url_for(endpoint), "icons": icon}
        for endpoint, name, description in SHORTCUTS
    ]


# Pages kept for no signal, and the pages they stand in for. They hold nothing personal: the
# offline check-in form is a blank form that the outbox fills in on the phone.
OFFLINE_STAND_INS = {
    "checkins.new": "checkins.offline_form",
}


def offline_stand_ins() -> dict[str, str]:
    """{path of a page: path of the shell page served in its place with no signal}."""
    stand_ins = {}
    for endpoint, shell in OFFLINE_STAND_INS.items():
        stand_ins[url_for(endpoint)] = url_for(shell)
        stand_ins[url_for(shell)] = url_for(shell)
    return stand_ins


def templates_fingerprint() -> str:
    """Changes whenever a template does, so that the offline pages kept on phones are renewed."""
    hashes = current_app.extensions.setdefault("coplan.template_hashes", {})
    if "all" not in hashes or current_app.debug:
        digest = hashlib.sha256()
        for path in sorted(Path(current_app.template_folder).rglob("*")):
            if path.is_file():
                digest.update(path.read_bytes())
        hashes["all"] = digest.hexdigest()[:12]
    return hashes["all"]


@bp.route("/manifest.webmanifest")
@public
@fetched_by_the_browser
def manifest():
    response = jsonify(web_app_manifest())
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


def web_app_manifest() -> dict:
    """What a phone needs to install CoPlan: names, colours, icons, screenshots, shortcuts."""
    return {
        "name": "CoPlan",
        "short_name": "CoPlan",
        "description": "Your plan, your sessions and how you're doing, with your keyworker.",
        "id": "/",
        "start_url": url_for("home.index") + "?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1d5c63",
        "lang": "en-GB",
        "dir": "ltr",
        "categories": ["lifestyle", "productivity"],
        "prefer_related_applications": False,
        "icons": [
            {"src": asset_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": asset_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": asset_url("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        "screenshots": manifest_screenshots(),
        "shortcuts": manifest_shortcuts(),
    }


@bp.route("/sw.js")
@public
@fetched_by_the_browser
def service_worker():
    stand_ins = offline_stand_ins()
    shell = [asset_url(name) for name in SHELL_ASSETS] + [url_for("pwa.offline")]
    shell += sorted(set(stand_ins.values()))
    fingerprint = "\n".join([*shell, templates_fingerprint()])
    version = hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
    body = render_template("pwa/sw.js", shell=shell, version=version, stand_ins=stand_ins)
    response = current_app.response_class(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/offline")
@public
@fetched_by_the_browser
def offline():
    return render_template("pwa/offline.html")
