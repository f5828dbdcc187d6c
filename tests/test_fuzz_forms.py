"""Generated input to every form: never a server error, and nothing stored from a rejected
request. Hypothesis writes the input; the routes and their fields come from the app itself."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_authorization_matrix import (
    SKIPPED_ENDPOINTS,
    SKIPPED_PARAMETERS,
    allowed_person,
    build_world,
    row_counts,
    url_values,
)
from webapp.policy import POLICY_ATTRIBUTE

TOTAL_EXAMPLES = 2000
# Answers that are a success, so the request may well have stored something.
SUCCESS_MARKERS = ("data-invite-link", "data-recovery-codes")

awkward_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "99999999999999999999",
            "2026-02-30",
            "1970-01-01",
            "=cmd|' /C calc'!A0",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "null",
            "true",
            "07700 900123",
            "someone@example.org",
            "primary",
            "me",
            "yes",
            "on",
            "y",
        ]
    ),
)


def form_fields(client, url: str) -> list[str]:
    """The names of the fields in the page's forms that post back to this URL."""
    response = client.get(url)
    if response.status_code != 200 or response.mimetype != "text/html":
        return []
    page = BeautifulSoup(response.get_data(as_text=True), "html5lib")
    names = {
        tag["name"]
        for form in page.select("form[method=post]")
        for tag in form.select("input[name], select[name], textarea[name]")
    }
    return sorted(names - {"csrf_token"})


def post_routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        skipped = rule.endpoint in SKIPPED_ENDPOINTS or rule.arguments & SKIPPED_PARAMETERS
        if "POST" in rule.methods and not skipped:
            yield rule


def fuzz_route(pages, url: str, fields: list[str], examples: int, failures: list[str]) -> int:
    """Post generated data to one route; returns how many requests were sent."""
    token = pages.csrf_token()
    sent = 0

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(fields, awkward_text)))
    def post(data):
        nonlocal sent
        before = row_counts()
        response = pages.client.post(url, data={**data, "csrf_token": token})
        sent += 1
        body = response.get_data(as_text=True)
        if response.status_code >= 500:
            failures.append(f"{url} {json.dumps(data)[:300]} -> {response.status_code}")
            return
        succeeded = response.status_code in (301, 302, 303) or any(
            marker in body for marker in SUCCESS_MARKERS
        )
        if not succeeded and row_counts() != before:
            failures.append(f"{url} stored something from a rejected request: {data}")

    post()
    return sent


def test_generated_form_posts_never_break_anything(app, make, session, pages):
    world = build_world(make, session)
    rules = list(post_routes(app))
    per_route = -(-TOTAL_EXAMPLES // max(1, len(rules))) + 5
    sent = 0
    failures: list[str] = []
    for rule in rules:
        policy = getattr(app.view_functions[rule.endpoint], POLICY_ATTRIBUTE)
        person = allowed_person(policy)
        pages.client.delete_cookie("session")
        if person:
            pages.sign_in(world.people[person])
        url = pages.url(rule.endpoint, **url_values(app, rule, world))
        fields = form_fields(pages.client, url) or ["name", "text", "code"]
        sent += fuzz_route(pages, url, fields, per_route, failures)
        session.rollback()
    assert not failures, "\n".join(failures[:20])
    assert sent >= TOTAL_EXAMPLES
