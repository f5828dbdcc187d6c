"""What the phone may keep and how small each response travels."""

from pathlib import Path

import pytest

from webapp.web.assets import IMMUTABLE, asset_url

STATIC = Path(__file__).resolve().parents[2] / "static"
TEXT_FILES = sorted(
    str(path.relative_to(STATIC)) for path in STATIC.rglob("*") if path.suffix in (".css", ".js")
)


@pytest.mark.parametrize("filename", TEXT_FILES)
def test_every_style_and_script_is_compressed_and_kept_for_a_year(app, client, filename):
    with app.test_request_context():
        url = asset_url(filename)
    plain = client.get(url)
    for encoding in ("br", "gzip"):
        response = client.get(url, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response.headers["Vary"]
        assert len(response.data) < len(plain.data) * 0.6


def test_pages_about_a_person_are_compressed_and_never_stored(client, pages, make):
    parent = make.participant(locality=make.locality())
    pages.sign_in(parent)
    response = client.get("/today", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "no-store"


def test_manifest_and_service_worker_are_always_checked_for_updates(client):
    for url in ("/manifest.webmanifest", "/sw.js"):
        assert client.get(url).headers["Cache-Control"] == "no-cache"
