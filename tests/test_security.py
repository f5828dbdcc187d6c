"""CSRF, headers, cookies and error pages."""

from webapp.web.security import CONTENT_SECURITY_POLICY


def test_form_without_csrf_token_is_refused(pages, make):
    parent = make.participant(locality=make.locality())
    page = pages.post(
        "auth.sign_in",
        {"identifier": parent.email, "password": "correct horse battery"},
        _csrf=False,
        _expected_status=400,
    )
    assert "The form had expired" in page.h1.text


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts_or_styles(pages):
    page = pages.get("auth.sign_in")
    assert all(script.has_attr("src") for script in page.select("script"))
    assert not page.select("[style]")
    assert not page.select("style")


def test_cookies_are_secure_over_https(client, pages, make):
    parent = make.participant(locality=make.locality())
    token = pages.csrf_token()
    response = client.post(
        "/sign-in",
        data={
            "identifier": parent.email,
            "password": "correct horse battery",
            "csrf_token": token,
            "remember": "y",
        },
        base_url="https://localhost",
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    for cookie in cookies:
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


BROWSER_FETCHES = ["/sw.js", "/manifest.webmanifest", "/offline", "/checkin/offline-form"]


def test_what_the_browser_fetches_by_itself_cannot_undo_a_sign_in(app, client, pages, make):
    """The service worker's update check sets out from the sign-in page with the cookie from
    before; when its answer comes back after the sign-in, that cookie must not replace the new
    one (it did: the offline check-in test's parent landed on "Sign in" again)."""
    parent = make.participant(locality=make.locality())
    pages.csrf_token()
    cookie_before = client.get_cookie("session").value
    pages.sign_in(parent)
    signed_in_cookie = client.get_cookie("session").value
    assert signed_in_cookie != cookie_before

    in_flight = app.test_client()
    in_flight.set_cookie("session", cookie_before)
    for url in [*BROWSER_FETCHES, "/static/css/app.css"]:
        response = in_flight.get(url)
        assert response.status_code == 200, url
        assert not response.headers.getlist("Set-Cookie"), f"{url} sent a session cookie back"
    assert pages.get("home.today").h1.text.startswith("Hello")


def test_a_background_fetch_is_not_staff_activity(app, client, pages, make):
    keyworker = make.keyworker(locality=make.locality())
    pages.sign_in(keyworker)
    for url in BROWSER_FETCHES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.headers.getlist("Set-Cookie"), f"{url} moved the idle clock on"
    assert pages.get("caseload.index").response.headers.getlist("Set-Cookie")


def test_pages_kept_for_no_signal_hold_no_message_and_leave_it_for_the_next_page(pages, make):
    """A message can name someone ("Note saved. Amy can see it."): the offline pages the
    service worker keeps on a shared phone never carry it, and the person still sees it."""
    keyworker = make.keyworker(locality=make.locality())
    pages.sign_in(keyworker)
    with pages.client.session_transaction() as session:
        session["_flashes"] = [("success", "Note saved. Amy can see it.")]
    for url in ("/offline", "/checkin/offline-form"):
        assert "Amy" not in pages.client.get(url).get_data(as_text=True), url
    assert "Note saved. Amy can see it." in pages.get("caseload.index").text


def test_signed_in_pages_are_not_stored(pages, make):
    pages.sign_in(make.participant(locality=make.locality()))
    assert pages.get("home.today").response.headers["Cache-Control"] == "no-store"


def test_not_found_page_is_friendly(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_errors_are_json_for_json_clients(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"] == 404


def test_unexpected_error_gives_a_calm_500_page(another_app):
    fresh = another_app()

    def broken():
        raise RuntimeError("boom")

    broken.coplan_policy = "public"
    fresh.add_url_rule("/broken", "broken", broken)
    response = fresh.test_client().get("/broken")
    assert response.status_code == 500
    assert "Your work has not been lost" in response.get_data(as_text=True)
