"""Generated input to every form: never a server error, and nothing stored from a rejected
request. Hypothesis writes the input; the routes and their fields come from the app itself.

Each route is posted to by someone its declared policy lets in and whose scope covers the
record in the URL (the people and records of tests/test_authorization_matrix.py), with the
fields of the form that posts there, wherever that form is shown."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_authorization_matrix import (
    allowed_person,
    build_world,
    expected,
    in_scope,
    outcome,
    routes,
    row_counts,
    url_values,
)
from webapp.web.policy import POLICY_ATTRIBUTE, PUBLIC

TOTAL_EXAMPLES = 2000
# Pages that show a new secret once (an invitation, a calendar link, recovery codes) are a
# success answered 200 rather than a redirect, so the request may well have stored something.
SUCCESS_MARKERS = ("data-shown-once",)
# Every route is fuzzed in one world, and the posts really change it. Routes that end a record
# run last, so that the routes which need the record still find it; among them, a record's
# parts go before the record (a parent's place before the group session, a step before its
# goal). A route the fuzz never gets into fails the test, which is the cue to add to this.
RUN_LAST = [
    "sessions.remove_rule",
    "sessions.remove_time_off",
    "sessions.remove_window",
    "locality.remove_calendar_entry",
    "sessions.cancel",
    "groups.cancel_place",
    "groups.cancel",
    "plans.remove_step",
    "plans.remove_goal",
    # changing a keyworker may cancel the parent's sessions: after the sessions' own routes
    "handover.change_keyworker",
    "handover.move_caseload",
    # a request to join leaves the queue once accepted or declined
    "joining.decide",
    "joining.decline",
    # handing a parent on moves or cancels their sessions: their old keyworker's session
    # routes must have had their turn
    "handover.change_keyworker",
    "handover.move_caseload",
    # closing a record cancels what the parent has booked; reopening needs it closed
    "caseload.close",
    "caseload.reopen",
]
# Field names to try on a route whose form no page holds.
MADE_UP_FIELDS = ["name", "text", "code"]

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


@dataclass
class Form:
    """What a page offers to post to one URL: each field's name and the values it shows."""

    fields: dict[str, set[str]] = field(default_factory=dict)

    def add(self, name: str, value: str | None) -> None:
        values = self.fields.setdefault(name, set())
        if value:
            values.add(value)


def read_forms(html: str, page_url: str, forms: dict[str, Form]) -> None:
    """Add the page's post forms to ``forms``, keyed by the path each one posts to."""
    page = BeautifulSoup(html, "html5lib")
    for tag in page.select("form[method=post]"):
        # A form posts to its action (the page itself when it has none), with htmx to its
        # hx-post, and from a button with a formaction to that.
        posts_to = [tag.get("action") or page_url, tag.get("hx-post")]
        posts_to += [button["formaction"] for button in tag.select("[formaction]")]
        for target in {urlsplit(url).path for url in posts_to if url}:
            form = forms.setdefault(target, Form())
            for control in tag.select("input[name], select[name], textarea[name], button[name]"):
                form.add(control["name"], control.get("value"))
                if control.name == "textarea":
                    form.add(control["name"], control.get_text())
                for option in control.select("option"):
                    form.add(control["name"], option.get("value", option.get_text()))


def forms_seen_by(app, pages, world, person: str | None) -> dict[str, Form]:
    """Every post form on the GET pages this person may open, keyed by the path it posts to.

    A POST-only route's form lives on another page (the session length form is on the
    availability page), so asking the POST URL itself for its form would find nothing."""
    pages.client.delete_cookie("session")
    if person:
        pages.sign_in(world.people[person])
    forms: dict[str, Form] = {}
    for rule in routes(app):
        values = url_values(app, rule, world)
        policy = getattr(app.view_functions[rule.endpoint], POLICY_ATTRIBUTE)
        if "GET" not in rule.methods or values is None:
            continue
        if expected(policy, person or "anonymous", in_scope(rule)) != "allowed":
            continue
        url = pages.url(rule.endpoint, **values)
        response = pages.client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            read_forms(response.get_data(as_text=True), url, forms)
    return forms


def field_strategies(form: Form | None) -> dict:
    """Generated values for each field; made-up names only when no page holds the form."""
    if form is None:
        return dict.fromkeys(MADE_UP_FIELDS, awkward_text)
    # The page's own values (a select's options, a hidden version) get past the first checks,
    # so the generated values in the other fields reach the code behind them.
    return {
        name: st.one_of(awkward_text, st.sampled_from(sorted(values))) if values else awkward_text
        for name, values in form.fields.items()
        if not is_csrf_field(name)
    }


def is_csrf_field(name: str) -> bool:
    # Forms with a prefix (one per goal or step on the plan page) carry their own CSRF field.
    return name == "csrf_token" or name.endswith("-csrf_token")


def post_routes(app):
    """The POST routes, in URL order except that those in RUN_LAST come last, in its order."""
    rules = [rule for rule in routes(app) if "POST" in rule.methods]
    return sorted(
        rules,
        key=lambda rule: RUN_LAST.index(rule.endpoint) + 1 if rule.endpoint in RUN_LAST else 0,
    )


def kept_out(response, policy) -> bool:
    """Whether the answer only says the person may not be here at all."""
    if response.status_code in (401, 403, 404):
        return True
    # The person is signed in for every non-public route, so being sent to sign in means
    # their session was lost and the route never saw the post.
    return policy != PUBLIC and outcome(response) == "sign-in"


@dataclass
class Report:
    """What the fuzz sent, what went wrong, and which routes it really got into."""

    sent: int = 0
    failures: list[str] = field(default_factory=list)
    answers: dict[str, Counter[int]] = field(default_factory=dict)  # status codes by URL
    got_in: set[str] = field(default_factory=set)  # URLs that saw a post get past the policy


# Routes whose authority is a secret header rather than a session: the fuzz sends the secret,
# so that it reaches the code that reads the body.
SECRET_HEADERS = {
    endpoint: {"Authorization": "Bearer fuzz-callback-token"}
    for endpoint in ("text_callbacks.received", "text_callbacks.delivery_status")
}


def fuzz_route(
    pages, url: str, form: Form | None, policy, examples: int, report: Report, headers=None
):
    """Post generated data to one route, noting what went wrong and whether any post got in."""
    token = pages.csrf_token()
    csrf = {name: token for name in (form.fields if form else ()) if is_csrf_field(name)}
    answers: Counter[int] = Counter()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.fixed_dictionaries({}, optional=field_strategies(form)))
    def post(data):
        before = row_counts()
        response = pages.client.post(
            url, data={**data, **csrf, "csrf_token": token}, headers=headers
        )
        report.sent += 1
        answers[response.status_code] += 1
        if not kept_out(response, policy):
            report.got_in.add(url)
        body = response.get_data(as_text=True)
        if response.status_code >= 500:
            report.failures.append(f"{url} {json.dumps(data)[:300]} -> {response.status_code}")
            return
        succeeded = response.status_code in (301, 302, 303) or any(
            marker in body for marker in SUCCESS_MARKERS
        )
        if not succeeded and row_counts() != before:
            report.failures.append(f"{url} stored something from a rejected request: {data}")

    post()
    report.answers[url] = answers


def test_generated_form_posts_never_break_anything(app, make, session, pages, vapid):
    # ``vapid`` switches Web Push on: without it the push subscription route is a 404.
    world = build_world(make, session)
    targets = []
    for rule in post_routes(app):
        policy = getattr(app.view_functions[rule.endpoint], POLICY_ATTRIBUTE)
        person = allowed_person(policy, in_scope(rule))
        url = pages.url(rule.endpoint, **url_values(app, rule, world))
        targets.append((url, policy, person, SECRET_HEADERS.get(rule.endpoint)))
    # Read the forms before any post changes the world (a stopped venue has no edit form).
    people = {person for _, _, person, _ in targets}
    forms = {person: forms_seen_by(app, pages, world, person) for person in people}
    session.rollback()

    per_route = -(-TOTAL_EXAMPLES // max(1, len(targets))) + 5
    report = Report()
    app.config["NOTIFY_CALLBACK_TOKEN"] = "fuzz-callback-token"
    for url, policy, person, headers in targets:
        pages.client.delete_cookie("session")
        if person:
            pages.sign_in(world.people[person])
        fuzz_route(pages, url, forms[person].get(url), policy, per_route, report, headers)
        session.rollback()
    app.config["NOTIFY_CALLBACK_TOKEN"] = None
    assert not report.failures, "\n".join(report.failures[:20])
    # Refused on every post means the route was never fuzzed at all: say so, with its answers.
    never_in = [f"{url} {dict(answers)}" for url, answers in report.answers.items()]
    never_in = [line for line in never_in if line.split()[0] not in report.got_in]
    assert not never_in, "the fuzz never got into:\n" + "\n".join(never_in)
    assert report.sent >= TOTAL_EXAMPLES
