"""The template components: post buttons and forms, summary lists and session summaries."""

from datetime import UTC, datetime
from types import SimpleNamespace

from bs4 import BeautifulSoup
from flask import render_template_string

FORMS = '{% from "components/forms.html" import post_button, post_form %}'


def render(app, source: str, **context) -> BeautifulSoup:
    with app.test_request_context("/"):
        return BeautifulSoup(render_template_string(source, **context), "html.parser")


def test_a_post_button_carries_the_token_its_hidden_fields_and_what_it_is_for(app):
    page = render(
        app,
        FORMS + "{{ post_button('/go', 'Remove', class='link-button', hidden_text=' the step',"
        " form_class='inline-form', hidden={'version': 3}, attrs={'hx-post': '/go',"
        " 'data-sign-out': true}, confirm='Remove it?') }}",
    )
    form = page.form
    assert (form["method"], form["action"], form["class"]) == ("post", "/go", ["inline-form"])
    assert (form["hx-post"], form["data-sign-out"], form["data-confirm"]) == (
        "/go",
        "",
        "Remove it?",
    )
    hidden = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    assert hidden["csrf_token"] and hidden["version"] == "3"
    assert form.button["class"] == ["link-button"]
    assert form.button.get_text() == "Remove the step"
    assert form.button.select_one(".visually-hidden").get_text() == " the step"


def test_a_post_form_without_an_action_posts_to_its_own_page_and_holds_what_it_is_given(app):
    page = render(
        app, FORMS + "{% call post_form(novalidate=True) %}<textarea></textarea>{% endcall %}"
    )
    assert "action" not in page.form.attrs and "novalidate" in page.form.attrs
    assert page.form.textarea is not None
    assert page.form.select_one("input[name=csrf_token]")


def test_a_summary_list_from_pairs_or_rows(app):
    page = render(
        app,
        '{% from "components/summary.html" import summary_list, summary_row %}'
        "{{ summary_list([('Email', '<none>')]) }}"
        "{% call summary_list() %}{% call summary_row('Tag') %}<b>new</b>{% endcall %}"
        "{% endcall %}",
    )
    rows = [
        (row.dt.get_text(), row.dd.decode_contents()) for row in page.select(".summary-list__row")
    ]
    assert rows == [("Email", "&lt;none&gt;"), ("Tag", "<b>new</b>")]


def test_a_session_summary_says_when_what_where_and_with_whom(app):
    starts, ends = datetime(2026, 12, 2, 10, tzinfo=UTC), datetime(2026, 12, 2, 11, tzinfo=UTC)
    venue = SimpleNamespace(name="Hall", address="1 Road", accessibility_notes="Ramp")
    booked = SimpleNamespace(
        is_group=False,
        starts_at=starts,
        ends_at=ends,
        mode=SimpleNamespace(label="Community venue"),
        keyworker=SimpleNamespace(name="Kay"),
        venue=venue,
    )
    group = SimpleNamespace(
        is_group=True, starts_at=starts, ends_at=ends, title="Coffee", venue=None
    )
    page = render(
        app,
        '{% from "components/sessions.html" import session_summary %}'
        "{{ session_summary(booked) }}{{ session_summary(group, heading_level=2) }}",
        booked=booked,
        group=group,
    )
    assert [h.get_text() for h in page.select("h3, h2")] == [
        "Wednesday 2 December, 10:00 to 11:00",
        "Wednesday 2 December, 10:00 to 11:00",
    ]
    assert [p.get_text() for p in page.select("p")] == [
        "Community venue with KayHall, 1 RoadRamp",
        "Group session: CoffeeOnline",
    ]
