"""Reminders on the phone in a real Chromium: the control appears only where Web Push can work,
and the service worker shows a pushed reminder with nothing on it but the time."""

from __future__ import annotations

import base64
import json
import time

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.push_service import b64url

SHOWN = """async () => {
    const registration = await navigator.serviceWorker.ready;
    for (let i = 0; i < 50; i++) {
        const shown = await registration.getNotifications();
        const seen = shown.map((n) => ({title: n.title, body: n.body, url: n.data.url}));
        if (seen.length) return seen;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return [];
}"""


def worker_registration(page):
    """The service worker's registration id, from the DevTools protocol."""
    cdp = page.context.new_cdp_session(page)
    found: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert found, "no service worker registration reported"
    return cdp, found[0]


def test_without_vapid_keys_the_page_only_says_email(page, make):
    sign_in(page, make.participant(locality=make.locality()))
    page.goto("/sessions")
    expect(page.get_by_text("We email you a reminder the day before each session.")).to_be_visible()
    expect(page.get_by_role("button", name="Remind me on this phone")).to_have_count(0)


def test_the_phone_control_appears_and_a_pushed_reminder_is_shown(page, make, vapid, live_server):
    page.context.grant_permissions(["notifications"], origin=live_server)
    sign_in(page, make.participant(locality=make.locality()))
    page.goto("/sessions")
    page.evaluate("() => navigator.serviceWorker.ready")
    expect(page.get_by_role("button", name="Remind me on this phone")).to_be_visible()
    expect(page.get_by_role("button", name="Stop reminders on this phone")).to_be_hidden()
    expect(
        page.get_by_text("This phone can remind you the day before each session.")
    ).to_be_visible()
    assert_accessible(page)

    cdp, registration = worker_registration(page)
    message = {
        "title": "CoPlan reminder",
        "body": "Your session tomorrow at 10:30",
        "url": "/sessions",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server, "registrationId": registration, "data": json.dumps(message)},
    )
    assert page.evaluate(SHOWN) == [message]


RENEW = """async ([oldEndpoint, oldAuth, fresh]) => {
    const old = {
        endpoint: oldEndpoint,
        getKey: () => Uint8Array.from(atob(oldAuth), (c) => c.charCodeAt(0)).buffer,
    };
    const answer = await renewSubscription(old, {toJSON: () => fresh});
    return [answer.status, await answer.json()];
}"""


def test_the_service_worker_carries_reminders_over_to_a_renewed_subscription(
    page, make, vapid, session
):
    # Chromium can't be made to renew a subscription, so the test calls the worker's
    # pushsubscriptionchange handler with the old subscription and the new one.
    from sqlalchemy import select

    from webapp.models import PushSubscription

    parent = make.participant(locality=make.locality())
    # An auth secret whose base64 has "+" and "/", which base64url writes "-" and "_".
    old_auth = bytes([0xFB, 0xEF, 0xBE, 0xFF, 0xFF, 0xFF] * 2 + [0xFB, 0xEF, 0xBE, 0xFF])
    session.add(
        PushSubscription(
            user_id=parent.id,
            endpoint="https://fcm.googleapis.com/fcm/send/old",
            p256dh_key="BAAA",
            auth_secret=b64url(old_auth),
        )
    )
    session.commit()
    page.goto("/sign-in")
    page.evaluate("() => navigator.serviceWorker.ready")
    worker = page.context.service_workers[0]
    fresh = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/new",
        "keys": {"p256dh": b64url(b"\x04" + b"n" * 64), "auth": b64url(b"b" * 16)},
    }
    status, answer = worker.evaluate(
        RENEW,
        ["https://fcm.googleapis.com/fcm/send/old", base64.b64encode(old_auth).decode(), fresh],
    )
    assert (status, answer) == (200, {"renewed": True})
    session.expire_all()
    stored = session.scalars(select(PushSubscription)).one()
    assert (stored.user_id, stored.endpoint) == (parent.id, fresh["endpoint"])
