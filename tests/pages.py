"""A test client that speaks in endpoints and checks every page is well-formed HTML."""

from __future__ import annotations

import json
from collections import Counter

import html5lib
from bs4 import BeautifulSoup
from flask import url_for

from tests.factories import PASSWORD


class Page(BeautifulSoup):
    response = None


def is_full_page(html: str) -> bool:
    return html.lstrip()[:9].lower() == "<!doctype"


def parse_strictly(html: str) -> Page:
    """Parse a page or an htmx fragment, failing on parse errors and on duplicate ids.

    A full page must also have exactly one ``<h1>``: it is what a screen reader user jumps to.
    """
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    full = is_full_page(html)
    if full:
        parser.parse(html)
    else:
        parser.parseFragment(html)
    page = Page(html, "html5lib")
    ids = Counter(tag["id"] for tag in page.select("[id]"))
    duplicated = [id_ for id_, count in ids.items() if count > 1]
    assert not duplicated, f"duplicate ids on the page: {duplicated}"
    if full:
        headings = len(page.find_all("h1"))
        assert headings == 1, f"a page needs exactly one <h1>; this one has {headings}"
    return page


def check_status(method: str, endpoint: str, response, expected: int) -> None:
    """Fail unless the status is the expected one; a redirect must be expected by name."""
    if response.status_code == expected:
        return
    where = response.headers.get("Location")
    detail = (
        f" to {where} (pass expect={response.status_code} if the redirect is meant)"
        if where
        else ":\n" + response.get_data(as_text=True)[:2000]
    )
    raise AssertionError(
        f"{method} {endpoint} gave {response.status_code}, expected {expected}{detail}"
    )


def parsed(response) -> Page:
    body = response.get_data(as_text=True)
    # A redirect's body is Werkzeug's, not ours; only what we render is checked.
    if response.mimetype == "text/html" and body.strip() and not 300 <= response.status_code < 400:
        page = parse_strictly(body)
    else:
        page = Page(body if response.mimetype == "text/html" else "", "html5lib")
    page.response = response
    return page


class PageClient:
    def __init__(self, client, app):
        self.client = client
        self.app = app

    def url(self, endpoint: str, **values) -> str:
        with self.app.test_request_context():
            return url_for(endpoint, **values)

    def csrf_token(self) -> str:
        response = self.client.get(self.url("auth.privacy"))
        page = BeautifulSoup(response.get_data(as_text=True), "html5lib")
        return json.loads(page.body["hx-headers"])["X-CSRFToken"]

    def get(
        self,
        endpoint: str,
        _expected_status: int = 200,
        *,
        expect: int | None = None,
        _headers: dict | None = None,
        **values,
    ) -> Page:
        """GET by endpoint; a 3xx fails unless ``expect`` (or the status) names it."""
        response = self.client.get(self.url(endpoint, **values), headers=_headers)
        check_status("GET", endpoint, response, expect or _expected_status)
        return parsed(response)

    def post(
        self,
        endpoint: str,
        _data: dict | None = None,
        _expected_status: int = 302,
        _csrf: bool = True,
        _headers: dict | None = None,
        *,
        expect: int | None = None,
        **values,
    ) -> Page:
        """POST by endpoint; by default a post must redirect (post/redirect/get)."""
        data = dict(_data or {})
        if _csrf:
            data.setdefault("csrf_token", self.csrf_token())
        response = self.client.post(self.url(endpoint, **values), data=data, headers=_headers)
        check_status("POST", endpoint, response, expect or _expected_status)
        return parsed(response)

    def sign_in(self, user, password: str = PASSWORD, remember: bool = False):
        data = {"identifier": user.email or user.phone, "password": password}
        if remember:
            data["remember"] = "y"
        return self.post("auth.sign_in", data, expect=302)

    def sign_out(self):
        return self.post("auth.sign_out", expect=302)
