"""The demo data in a browser test, and the pages each role can reach from its nav."""

from __future__ import annotations

import re

import pytest
from flask import url_for

from webapp import areas
from webapp.demo import DEMO_PASSWORD, seed_demo
from webapp.models import Role
from webapp.web.extensions import db

PARENT = "parent@example.org"
KEYWORKER = "keyworker@example.org"
MANAGER = "manager@example.org"


@pytest.fixture
def demo_data(app):
    """The same believable data as `flask seed-demo`, areas' data included."""
    with app.app_context():
        seed_demo(db.session)
        db.session.commit()


def nav_pages(app, role: Role) -> list[tuple[str, str]]:
    """(endpoint, path) of every page in the role's nav."""
    with app.test_request_context():
        return [(link.endpoint, url_for(link.endpoint)) for link in areas.of(app).navigation[role]]


def sign_in_without_loading_pages(context, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in with plain HTTP requests that share the context's cookies, so the browser's
    caches stay cold."""
    form = context.request.get("/sign-in").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    response = context.request.post(
        "/sign-in",
        form={"identifier": email, "password": password, "csrf_token": token},
        max_redirects=0,
    )
    assert response.status == 302, f"sign-in as {email} failed ({response.status})"
