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


def parse_strictly(html: str) -> Page:
    """Parse HTML, failing on parse errors and on duplicate ids."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(html)
    page = Page(html, "html5lib")
    ids = Counter(tag["id"] for tag in page.select("[id]"))
    duplicated = [id_ for id_, count in ids.items() if count > 1]
    assert not duplicated, f"duplicate ids on the page: {duplicated}"
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

    def get(self, endpoint: str, _expected_status: int = 200, **values) -> Page:
        response = self.client.get(self.url(endpoint, **values))
        assert response.status_code == _expected_status, (
            f"GET {endpoint} gave {response.status_code}, expected {_expected_status}"
        )
        page = (
            parse_strictly(response.get_data(as_text=True))
            if response.mimetype == "text/html"
            else Page("", "html5lib")
        )
        page.response = response
        return page

    def post(
        self,
        endpoint: str,
        _data: dict | None = None,
        _expected_status: int = 302,
        _csrf: bool = True,
        _headers: dict | None = None,
        **values,
    ) -> Page:
        data = dict(_data or {})
        if _csrf:
            data.setdefault("csrf_token", self.csrf_token())
        response = self.client.post(self.url(endpoint, **values), data=data, headers=_headers)
        assert response.status_code == _expected_status, (
            f"POST {endpoint} gave {response.status_code}, expected {_expected_status}:\n"
            + response.get_data(as_text=True)[:2000]
        )
        body = response.get_data(as_text=True)
        page = (
            parse_strictly(body)
            if response.mimetype == "text/html" and body.strip().startswith("<!doctype")
            else Page(body, "html5lib")
        )
        page.response = response
        return page

    def sign_in(self, user, password: str = PASSWORD, remember: bool = False):
        data = {"identifier": user.email or user.phone, "password": password}
        if remember:
            data["remember"] = "y"
        return self.post("auth.sign_in", data, _expected_status=302)

    def sign_out(self):
        return self.post("auth.sign_out", _expected_status=302)
