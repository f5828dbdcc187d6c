"""Text messages (webapp/services/sms.py): UK mobiles only, sent through GOV.UK Notify's API to
a real server on 127.0.0.1 (tests/notify_service.py), and every way a send can fail."""

from __future__ import annotations

import pytest

from tests.notify_service import TEMPLATE_ID, LocalNotify
from webapp.config import UnsafeConfiguration
from webapp.services.sms import (
    A_LANDLINE,
    NOT_A_MOBILE,
    NotAMobile,
    TextNotSent,
    send_text,
    uk_mobile,
)


@pytest.fixture
def notify(app):
    service = LocalNotify()
    saved = {key: app.config.get(key) for key in service.settings()}
    app.config.update(service.settings())
    yield service
    app.config.update(saved)
    service.stop()


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("(07700) 900-123", "+447700900123"),
        ("447700900123", "+447700900123"),
    ],
)
def test_uk_mobiles_are_read_however_they_are_typed(typed, number):
    assert uk_mobile(typed) == number


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0141 496 0000", A_LANDLINE),
        ("01632 960000", A_LANDLINE),
        ("0770090012", NOT_A_MOBILE),
        ("+33 6 12 34 56 78", NOT_A_MOBILE),
        ("call me", NOT_A_MOBILE),
        ("", NOT_A_MOBILE),
    ],
)
def test_numbers_that_cannot_get_a_text_are_refused_in_plain_words(typed, message):
    with pytest.raises(NotAMobile, match=message[:20]):
        uk_mobile(typed)


def test_a_text_goes_to_notify_signed_with_the_service_key(app_context, notify):
    sent = send_text("07700 900123", "Hi Aisha, see you Thu 3 Dec at 10:00.", reference="r-1")

    assert len(notify.sent) == 1
    text = notify.sent[0]
    assert (text.phone_number, text.reference, text.template_id) == (
        "+447700900123",
        "r-1",
        TEMPLATE_ID,
    )
    assert text.message == "Hi Aisha, see you Thu 3 Dec at 10:00."
    assert sent.provider_id


@pytest.mark.parametrize(
    ("answer", "retry"),
    [(429, True), (500, True), ("timeout", True), (400, False), (403, False)],
)
def test_a_send_that_fails_says_whether_to_try_again(app_context, notify, answer, retry):
    notify.answers.append(answer)
    with pytest.raises(TextNotSent) as refused:
        send_text("07700900123", "Hello", reference="r-2")
    assert refused.value.retry is retry
    assert "07700" not in refused.value.reason  # the reason never quotes the number
    assert notify.sent == []


def test_with_no_provider_nothing_is_sent(app_context, app):
    assert app.config["SMS_PROVIDER"] is None
    with pytest.raises(TextNotSent) as refused:
        send_text("07700900123", "Hello", reference="r-3")
    assert refused.value.retry is False


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"SMS_PROVIDER": "twilio"}, "must be notify or http"),
        ({"SMS_PROVIDER": "notify", "NOTIFY_API_KEY": "k"}, "needs NOTIFY_SMS_TEMPLATE_ID"),
        ({"SMS_PROVIDER": "http"}, "needs SMS_HTTP_URL and SMS_HTTP_TOKEN"),
    ],
)
def test_a_half_configured_provider_stops_the_app_starting(another_app, settings, problem):
    with pytest.raises(UnsafeConfiguration, match=problem):
        another_app(**settings)
