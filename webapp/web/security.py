"""Security headers and cookie flags on every response."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


FETCHED_BY_THE_BROWSER = "coplan_fetched_by_the_browser"


def fetched_by_the_browser(view: Callable) -> Callable:
    """The browser fetches this view by itself, not at the person's tap: the service worker's
    update check, the pages it keeps for no signal, the manifest. Its answers never set the
    session cookie: one can set out before a sign-in and come back after it, and the cookie
    from before would sign the person straight out again."""
    setattr(view, FETCHED_BY_THE_BROWSER, True)
    return view


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over https, and is left alone by
    what the browser fetches by itself."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not is_fetched_by_the_browser(app, request.endpoint):
            super().save_session(app, session, response)


def is_fetched_by_the_browser(app: Flask, endpoint: str | None) -> bool:
    if endpoint == "static":
        return True
    view = app.view_functions.get(endpoint or "")
    return getattr(view, FETCHED_BY_THE_BROWSER, False)


def init_app(app: Flask) -> None:
    """Call before other extensions add cookies: after_request hooks run last-registered first,
    so this one sees every cookie they set."""
    app.session_interface = HttpsAwareSessionInterface()
    app.after_request(add_security_headers)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if response.mimetype == "text/html" and current_user and current_user.is_authenticated:
        # Pages about a person are never kept by the browser or a shared phone's cache.
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        _secure_cookies(response)
    return response


def _secure_cookies(response) -> None:
    """Over https every cookie is Secure, whatever the config says."""
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        if "; secure" not in cookie.lower():
            cookie += "; Secure"
        response.headers.add("Set-Cookie", cookie)
