"""How we contact you: each parent's channels for reminders, messages and plan changes, quiet
hours, and a STOP reply."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from tests.notify_service import LocalNotify
from tests.smtp_server import Collector, running_smtp
from webapp.clock import LONDON
from webapp.contact.choices import channels_for, choice_for, is_quiet, quiet_ends, stop_texts
from webapp.models import ContactChoice


@pytest.fixture
def notify(app):
    service = LocalNotify()
    saved = {key: app.config.get(key) for key in service.settings()}
    app.config.update(service.settings())
    yield service
    app.config.update(saved)
    service.stop()


@pytest.fixture
def family(make):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    return {
        "keyworker": keyworker,
        "both": make.participant(
            locality=locality, keyworker=keyworker, email="aisha@example.org", phone="07700900123"
        ),
        "mobile_only": make.participant(
            locality=locality, keyworker=keyworker, email=None, phone="07700900124"
        ),
    }


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("moment", "quiet", "ends"),
    [
        (london(2026, 12, 2, 21, 30), True, london(2026, 12, 3, 8, 0)),
        (london(2026, 12, 3, 7, 59), True, london(2026, 12, 3, 8, 0)),
        (london(2026, 12, 3, 8, 0), False, london(2026, 12, 3, 8, 0)),
        (london(2026, 12, 2, 20, 59), False, london(2026, 12, 2, 20, 59)),
        # The night the clocks go back: 08:00 is still 08:00 on the wall.
        (london(2026, 10, 24, 23, 0), True, london(2026, 10, 25, 8, 0)),
    ],
)
def test_quiet_hours_run_overnight_in_scottish_time(moment, quiet, ends):
    choice = ContactChoice(quiet_from=time(21), quiet_until=time(8))
    assert is_quiet(choice, moment.astimezone(UTC)) is quiet
    assert quiet_ends(choice, moment.astimezone(UTC)) == ends


def test_a_parent_chooses_and_the_choice_is_used(app, pages, family, session, notify):
    parent = family["both"]
    pages.sign_in(parent)
    page = pages.get("contact.choose")
    offered = {label.text for label in page.select("fieldset label")}
    assert {"Text message", "Email"} <= offered
    assert channels_for(session, parent, "messages") == ["text", "email"]

    pages.post(
        "contact.choose",
        {
            "reminders_by_text": "y",
            "messages_by_text": "y",
            "plans_by_email": "y",
            "quiet_from": "22:00",
            "quiet_until": "07:30",
        },
    )

    session.expire_all()
    assert channels_for(session, parent, "reminders") == ["text"]
    assert channels_for(session, parent, "messages") == ["text"]
    assert channels_for(session, parent, "plans") == ["email"]
    choice = choice_for(session, parent)
    assert (choice.quiet_from, choice.quiet_until) == (time(22), time(7, 30))


def test_a_mistyped_quiet_hour_is_explained_and_nothing_changes(pages, family, session, notify):
    pages.sign_in(family["both"])
    page = pages.post(
        "contact.choose", {"quiet_from": "9pm", "quiet_until": "08:00"}, _expected_status=422
    )
    assert "24-hour clock" in page.select_one("#quiet_from-error").text
    assert session.get(ContactChoice, family["both"].id) is None


def test_with_no_way_to_reach_them_the_page_says_so(pages, family):
    pages.sign_in(family["mobile_only"])  # and no text provider set up
    assert "no way to reach you yet" in pages.get("contact.choose").text


def test_stop_stops_every_text_until_the_parent_turns_texts_on_again(
    pages, family, session, notify
):
    parent = family["mobile_only"]
    stop_texts(session, parent)
    session.commit()
    assert channels_for(session, parent, "reminders") == []

    pages.sign_in(parent)
    assert "You replied STOP" in pages.get("contact.choose").text
    pages.post(
        "contact.choose", {"reminders_by_text": "y", "quiet_from": "21:00", "quiet_until": "08:00"}
    )
    session.expire_all()
    assert channels_for(session, parent, "reminders") == ["text"]


def test_a_message_notice_follows_the_parents_choice(app, pages, family, session):
    parent, keyworker = family["both"], family["keyworker"]
    session.add(ContactChoice(user_id=parent.id, messages_by_email=False))
    session.commit()
    pages.sign_in(keyworker)
    page = pages.get("messages.staff_conversation", participant_id=parent.id)
    with running_smtp(app, Collector()) as mail:
        pages.post(
            "messages.staff_conversation",
            {"body": "See you Friday", "uuid": page.select_one("input[name=uuid]")["value"]},
            participant_id=parent.id,
        )
    assert mail.messages == []


def received(pages, number: str, words: str, token: str = "callback-secret"):
    return pages.client.post(
        "/callbacks/text/received",
        json={"source_number": number, "destination_number": "07700900000", "content": words},
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def callback_token(app):
    app.config["NOTIFY_CALLBACK_TOKEN"] = "callback-secret"
    yield "callback-secret"
    app.config["NOTIFY_CALLBACK_TOKEN"] = None


def test_a_stop_reply_stops_texts_at_once(pages, family, session, notify, callback_token):
    parent = family["mobile_only"]
    assert channels_for(session, parent, "reminders") == ["text"]

    answer = received(pages, "447700900124", "Stop")

    assert answer.status_code == 200
    session.expire_all()
    assert channels_for(session, parent, "reminders") == []


@pytest.mark.parametrize("words", ["Running late", "stop by at 10?", "STOPPED"])
def test_other_replies_change_nothing(pages, family, session, notify, callback_token, words):
    assert received(pages, "447700900124", words).status_code == 200
    assert channels_for(session, family["mobile_only"], "reminders") == ["text"]


def test_a_callback_without_the_token_is_refused_and_changes_nothing(
    pages, family, session, notify, callback_token
):
    assert received(pages, "447700900124", "STOP", token="guess").status_code == 401
    assert channels_for(session, family["mobile_only"], "reminders") == ["text"]


def test_an_unknown_number_gets_the_same_answer(pages, notify, callback_token):
    assert received(pages, "447700900999", "STOP").json == {"status": "received"}
