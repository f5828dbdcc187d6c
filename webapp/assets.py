"""Static files addressed by a hash of their content, so browsers may keep them for a year."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app, request, url_for

IMMUTABLE = "public, max-age=31536000, immutable"


def init_app(app: Flask) -> None:
    app.extensions["coplan.asset_hashes"] = {}
    app.jinja_env.globals["asset_url"] = asset_url
    app.after_request(cache_fingerprinted)


def content_hash(filename: str) -> str:
    """The first 12 hex digits of the file's SHA-256 (recomputed in debug mode)."""
    hashes: dict[str, str] = current_app.extensions["coplan.asset_hashes"]
    if filename not in hashes or current_app.debug:
        path = Path(current_app.static_folder) / filename
        hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return hashes[filename]


def asset_url(filename: str, **kwargs) -> str:
    """The URL of a static file, fingerprinted by its content."""
    return url_for("static", filename=filename, v=content_hash(filename), **kwargs)


def cache_fingerprinted(response):
    if request.endpoint == "static" and response.status_code == 200:
        filename = request.view_args.get("filename", "")
        if request.args.get("v") == content_hash(filename):
            response.headers["Cache-Control"] = IMMUTABLE
        else:
            response.headers["Cache-Control"] = "no-cache"
    return response
