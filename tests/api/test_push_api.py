"""Subscribing a phone to reminders by Web Push: the signed-in parent's own phone, only at a
browser's push service, with the CSRF token in a header, and only when push is switched on."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.api.test_fuzz_api import json_values
from tests.pages import PageClient
from tests.push_service import b64url
from webapp.models import PushSubscription

FCM = "https://fcm.googleapis.com/fcm/send/dGhpcyBpcyBhIHBob25l"
KEYS = {"p256dh": b64url(b"\x04" + b"k" * 64), "auth": b64url(b"a" * 16)}


@pytest.fixture
def phone_api(app, make):
    """Signed-in clients that post JSON with the page's CSRF token, as push.js does."""

    class PhoneApi:
        def __init__(self):
            self.locality = make.locality()

        def client_for(self, user):
            client = app.test_client()
            pages = PageClient(client, app)
            pages.sign_in(user)
            client.csrf = pages.csrf_token()
            return client

        def post(self, client, action, payload):
            return client.post(
                f"/api/v1/push/{action}", json=payload, headers={"X-CSRFToken": client.csrf}
            )

    return PhoneApi()


def subscription(endpoint=FCM, **keys):
    return {"endpoint": endpoint, "expirationTime": None, "keys": {**KEYS, **keys}}


def test_a_parent_subscribes_checks_and_unsubscribes_their_phone(phone_api, make, session, vapid):
    parent = make.participant(locality=phone_api.locality)
    client = phone_api.client_for(parent)

    answer = phone_api.post(client, "subscribe", subscription())
    assert answer.status_code == 200 and answer.json == {"subscribed": True}
    stored = session.scalars(select(PushSubscription)).one()
    assert (stored.user_id, stored.endpoint) == (parent.id, FCM)
    assert (stored.p256dh_key, stored.auth_secret) == (KEYS["p256dh"], KEYS["auth"])
    # Subscribing again (the page does, after new keys) keeps one row.
    assert phone_api.post(client, "subscribe", subscription()).status_code == 200
    assert phone_api.post(client, "check", {"endpoint": FCM}).json == {"subscribed": True}

    assert phone_api.post(client, "unsubscribe", {"endpoint": FCM}).json == {"subscribed": False}
    assert session.scalars(select(PushSubscription)).all() == []
    assert phone_api.post(client, "check", {"endpoint": FCM}).json == {"subscribed": False}


def test_on_a_shared_phone_the_subscription_is_the_signed_in_persons(
    phone_api, make, session, vapid
):
    first = make.participant(locality=phone_api.locality)
    second = make.participant(locality=phone_api.locality)
    first_client, second_client = phone_api.client_for(first), phone_api.client_for(second)
    phone_api.post(first_client, "subscribe", subscription())
    # Someone else signed in on the same phone sees it is not theirs, and cannot remove it.
    assert phone_api.post(second_client, "check", {"endpoint": FCM}).json == {"subscribed": False}
    phone_api.post(second_client, "unsubscribe", {"endpoint": FCM})
    assert session.scalars(select(PushSubscription.user_id)).all() == [first.id]
    # When they ask for reminders on it, the phone is theirs: the first parent's stop.
    phone_api.post(second_client, "subscribe", subscription())
    assert session.scalars(select(PushSubscription.user_id)).all() == [second.id]
    assert phone_api.post(first_client, "check", {"endpoint": FCM}).json == {"subscribed": False}


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {"endpoint": FCM},
        subscription(endpoint="http://fcm.googleapis.com/fcm/send/x"),  # not https
        subscription(endpoint="https://169.254.169.254/latest/meta-data"),  # not a push service
        subscription(endpoint="https://fcm.googleapis.com.evil.example/x"),
        subscription(endpoint="https://fcm.googleapis.com/" + "x" * 1000),
        subscription(p256dh=b64url(b"\x04" + b"k" * 10)),
        subscription(p256dh=b64url(b"\x02" + b"k" * 64)),  # compressed point
        subscription(p256dh="not base64!"),
        subscription(auth=b64url(b"a" * 8)),
        subscription(auth=12),
    ],
)
def test_a_subscription_that_cannot_be_used_is_refused(phone_api, make, session, vapid, payload):
    client = phone_api.client_for(make.participant(locality=phone_api.locality))
    answer = phone_api.post(client, "subscribe", payload)
    assert answer.status_code == 400
    assert answer.json["error"] == "bad_subscription"
    assert session.scalars(select(PushSubscription)).all() == []


@pytest.mark.parametrize(
    "endpoint",
    [
        FCM,
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA",
        "https://web.push.apple.com/QGuQyavXutnMH8",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
    ],
)
def test_the_browsers_push_services_are_accepted(phone_api, make, vapid, endpoint):
    client = phone_api.client_for(make.participant(locality=phone_api.locality))
    assert phone_api.post(client, "subscribe", subscription(endpoint=endpoint)).status_code == 200


def test_without_vapid_keys_there_is_nothing_to_subscribe_to(phone_api, make, session):
    client = phone_api.client_for(make.participant(locality=phone_api.locality))
    answer = phone_api.post(client, "subscribe", subscription())
    assert answer.status_code == 404 and answer.json["error"] == "push_off"
    assert session.scalars(select(PushSubscription)).all() == []


def test_the_csrf_token_is_needed(phone_api, make, session, vapid):
    client = phone_api.client_for(make.participant(locality=phone_api.locality))
    answer = client.post("/api/v1/push/subscribe", json=subscription())
    assert answer.status_code == 400
    assert session.scalars(select(PushSubscription)).all() == []


def test_only_parents_subscribe(phone_api, make, client, vapid):
    keyworker = phone_api.client_for(make.keyworker(locality=phone_api.locality))
    assert phone_api.post(keyworker, "subscribe", subscription()).status_code == 403
    assert client.post("/api/v1/push/subscribe", json=subscription()).status_code == 401


def test_an_endpoint_with_a_nul_is_refused_not_a_server_error(phone_api, make, vapid):
    # PostgreSQL refuses NUL in text: looking such an endpoint up must not reach the database.
    client = phone_api.client_for(make.participant(locality=phone_api.locality))
    assert phone_api.post(client, "subscribe", subscription(FCM + "\x00")).status_code == 400
    for action in ("check", "unsubscribe"):
        assert phone_api.post(client, action, {"endpoint": "\x00"}).status_code == 400


endpoints = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["https://[", "https://fcm.googleapis.com:99999/x", FCM + "\u00e9", "\x00", FCM + "\x00"]
    ),
)
maybe_subscriptions = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"endpoint": st.one_of(endpoints, json_values)},
        optional={"keys": st.one_of(json_values, st.just(KEYS))},
    ),
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=maybe_subscriptions)
def test_generated_json_never_breaks_the_push_routes(phone_api, make, vapid, payload):
    if not hasattr(phone_api, "client"):
        phone_api.client = phone_api.client_for(make.participant(locality=phone_api.locality))
    for action in ("subscribe", "check", "unsubscribe"):
        answer = phone_api.post(phone_api.client, action, payload)
        assert answer.status_code in (200, 400), (action, payload, answer.status_code)
        assert answer.is_json


def test_signing_out_stops_reminders_on_that_phone_only(phone_api, make, session, vapid, app):
    parent = make.participant(locality=phone_api.locality)
    other_phone = f"{FCM}-other"
    phone_api.post(phone_api.client_for(parent), "subscribe", subscription(other_phone))
    client = app.test_client()
    pages = PageClient(client, app)
    pages.sign_in(parent)
    client.csrf = pages.csrf_token()
    assert phone_api.post(client, "subscribe", subscription()).status_code == 200

    pages.sign_out()

    assert session.scalars(select(PushSubscription.endpoint)).all() == [other_phone]


MOZILLA = "https://updates.push.services.mozilla.com/wpush/v2/renewed"
NEW_KEYS = {"p256dh": b64url(b"\x04" + b"n" * 64), "auth": b64url(b"b" * 16)}


def renewal(old_auth=KEYS["auth"], old_endpoint=FCM, endpoint=MOZILLA):
    return {
        "old_endpoint": old_endpoint,
        "old_auth": old_auth,
        "subscription": {"endpoint": endpoint, "keys": NEW_KEYS},
    }


def test_a_renewed_subscription_carries_on_without_a_sign_in_or_csrf_token(
    app, phone_api, make, session, vapid
):
    # The browser's push service replaced the phone's subscription; the service worker says
    # so on its own, perhaps weeks after the parent last signed in.
    parent = make.participant(locality=phone_api.locality)
    phone_api.post(phone_api.client_for(parent), "subscribe", subscription())
    answer = app.test_client().post("/api/v1/push/renew", json=renewal())
    assert answer.status_code == 200 and answer.json == {"renewed": True}
    stored = session.scalars(select(PushSubscription)).one()
    assert (stored.user_id, stored.endpoint) == (parent.id, MOZILLA)
    assert (stored.p256dh_key, stored.auth_secret) == (NEW_KEYS["p256dh"], NEW_KEYS["auth"])
    # The page had subscribed the new endpoint already: still one subscription.
    phone_api.post(phone_api.client_for(parent), "subscribe", subscription())
    phone_api.post(phone_api.client_for(parent), "subscribe", subscription(endpoint=MOZILLA))
    assert app.test_client().post("/api/v1/push/renew", json=renewal()).status_code == 200
    assert session.scalars(select(PushSubscription.endpoint)).all() == [MOZILLA]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (renewal(old_auth=b64url(b"x" * 16)), 404),  # knows the endpoint, not the secret
        (renewal(old_endpoint=FCM + "other"), 404),
        (renewal(old_auth=""), 400),
        (renewal(old_auth=None), 400),
        (renewal(endpoint="https://169.254.169.254/latest/meta-data"), 400),
        ({"old_endpoint": FCM, "old_auth": KEYS["auth"]}, 400),
        (None, 400),
    ],
)
def test_a_renewal_without_the_old_secret_or_with_an_unusable_subscription_changes_nothing(
    app, phone_api, make, session, vapid, payload, status
):
    parent = make.participant(locality=phone_api.locality)
    phone_api.post(phone_api.client_for(parent), "subscribe", subscription())
    answer = app.test_client().post("/api/v1/push/renew", json=payload)
    assert answer.status_code == status
    stored = session.scalars(select(PushSubscription)).one()
    assert (stored.endpoint, stored.auth_secret) == (FCM, KEYS["auth"])


def test_a_renewal_cannot_take_someone_elses_subscription(app, phone_api, make, session, vapid):
    first = make.participant(locality=phone_api.locality)
    second = make.participant(locality=phone_api.locality)
    phone_api.post(phone_api.client_for(first), "subscribe", subscription())
    phone_api.post(phone_api.client_for(second), "subscribe", subscription(endpoint=MOZILLA))
    # The first parent's browser, renewing to the second parent's endpoint.
    assert app.test_client().post("/api/v1/push/renew", json=renewal()).status_code == 404
    kept = session.execute(select(PushSubscription.user_id, PushSubscription.endpoint)).all()
    assert sorted(kept) == sorted([(first.id, FCM), (second.id, MOZILLA)])
