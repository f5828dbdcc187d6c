"""What makes CoPlan installable and usable offline: the manifest, the service worker and
the offline page."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, jsonify, render_template, url_for

from webapp.assets import asset_url
from webapp.policy import public

bp = Blueprint("pwa", __name__)

# The app shell: fetched once, then served from the phone. Never pages with personal data.
SHELL_ASSETS = [
    "css/app.css",
    "js/app.js",
    "js/htmx-2.0.11.min.js",
    "icons/icon-192.png",
]


@bp.route("/manifest.webmanifest")
@public
def manifest():
    response = jsonify(
        {
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
        }
    )
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sw.js")
@public
def service_worker():
    shell = [asset_url(name) for name in SHELL_ASSETS] + [url_for("pwa.offline")]
    version = hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12]
    body = render_template("pwa/sw.js", shell=shell, version=version)
    response = current_app.response_class(body, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/offline")
@public
def offline():
    return render_template("pwa/offline.html")
