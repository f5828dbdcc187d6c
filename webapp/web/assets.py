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


def _read_for_compression(response) -> None:
    """Hand the compressor the file's bytes, and close the file at once.

    Static text files are small; read here, they can be compressed without leaving the
    file open until the server gets round to closing the response."""
    if response.direct_passthrough and response.mimetype in current_app.config.get(
        "COMPRESS_MIMETYPES", ()
    ):
        wrapped = response.response
        response.direct_passthrough = False
        try:
            response.set_data(b"".join(wrapped))
        finally:
            close = getattr(wrapped, "close", None)
            if close:
                close()


def cache_fingerprinted(response):
    if request.endpoint == "static" and response.status_code == 200:
        _read_for_compression(response)
        filename = request.view_args.get("filename", "")
        if request.args.get("v") == content_hash(filename):
            response.headers["Cache-Control"] = IMMUTABLE
        else:
            response.headers["Cache-Control"] = "no-cache"
    return response
