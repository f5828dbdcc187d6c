def test_manifest_is_complete(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.json
    assert manifest["display"] == "standalone"
    assert manifest["short_name"] == "CoPlan"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).mimetype == "image/png"


def test_service_worker_is_served_at_root_scope(client):
    response = client.get("/sw.js")
    assert response.mimetype == "application/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert "/offline" in body and "/static/css/app.css?v=" in body


def test_service_worker_shows_reminders_and_opens_the_sessions_page(client):
    body = client.get("/sw.js").get_data(as_text=True)
    assert 'addEventListener("push"' in body and "showNotification" in body
    assert 'addEventListener("notificationclick"' in body and "openWindow" in body
    assert 'const SESSIONS_URL = "/sessions";' in body


def test_offline_page_says_what_still_works(pages):
    page = pages.get("pwa.offline")
    assert "check-in" in page.text


def test_offline_page_never_carries_personal_details(pages, make):
    parent = make.participant(locality=make.locality(), name="Shannon McBride")
    pages.sign_in(parent)
    page = pages.get("pwa.offline")
    assert "Shannon" not in page.text
    assert not page.body.has_attr("data-user")


def test_static_files_are_fingerprinted_and_cached_for_a_year(client, pages):
    page = pages.get("auth.sign_in")
    href = page.select_one("link[rel=stylesheet]")["href"]
    assert "?v=" in href
    response = client.get(href)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    stale = client.get(href.split("?")[0] + "?v=old")
    assert stale.headers["Cache-Control"] == "no-cache"


def test_htmx_is_vendored_with_its_version(pages):
    page = pages.get("auth.sign_in")
    assert any("htmx-2.0.11.min.js" in s["src"] for s in page.select("script"))


def test_pages_and_assets_are_compressed(client, pages):
    page = pages.get("auth.sign_in")
    for url in ("/sign-in", page.select_one("link[rel=stylesheet]")["href"]):
        response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
        assert response.headers["Content-Encoding"] in ("br", "gzip")
        assert "Accept-Encoding" in response.headers["Vary"]
