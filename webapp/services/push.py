"""Web Push: reminders on the phones that asked for them.

A phone's browser subscribes with the service's VAPID public key and hands CoPlan an endpoint
at its push service and two keys. To remind the parent, CoPlan encrypts a short message for
those keys (pywebpush does the encryption and signs the request with the VAPID private key)
and posts it to the endpoint. Without the VAPID settings push is off and nothing here runs.

What is pushed shows on a lock screen, perhaps on a shared phone: never a name or a place.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.models import PushSubscription, User

# CoPlan posts to whatever endpoint a phone gives, so only the browsers' own push services
# are accepted: anything else would let a signed-in person make the server call an address
# of their choosing (an internal service, say). Chrome, Edge, Firefox, Safari and Samsung
# Internet use these.
PUSH_SERVICE_HOSTS = (
    "fcm.googleapis.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "push.apple.com",
)
ENDPOINT_MAX = 1000
# A message waits at the push service for a phone that is off for at most this long.
MAX_TTL_SECONDS = 2 * 24 * 3600


class SubscriptionRefused(ValueError):
    """A subscription CoPlan cannot use, with a message for the person."""


def push_enabled() -> bool:
    """Whether the VAPID settings are all there, so push may be offered and sent."""
    config = current_app.config
    return bool(
        config.get("VAPID_PUBLIC_KEY")
        and config.get("VAPID_PRIVATE_KEY")
        and config.get("VAPID_SUBJECT")
    )


def generate_vapid_keys() -> tuple[str, str]:
    """A fresh (public, private) VAPID key pair, base64url as the config and browsers want."""
    from cryptography.hazmat.primitives import serialization
    from py_vapid import Vapid
    from py_vapid.utils import b64urlencode

    vapid = Vapid()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64urlencode(public), b64urlencode(private)


def _key_bytes(value, length: int) -> bytes | None:
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == length else None


def plausible_endpoint(endpoint) -> bool:
    """A string that could be a push endpoint: not too long, and no NUL (PostgreSQL refuses
    NUL in text, so looking one up would fail rather than find nothing)."""
    return isinstance(endpoint, str) and len(endpoint) <= ENDPOINT_MAX and "\x00" not in endpoint


def is_auth_secret(secret) -> bool:
    """Whether this is a subscription's auth secret: 16 bytes, base64url."""
    return _key_bytes(secret, 16) is not None


def endpoint_allowed(endpoint: str) -> bool:
    """Whether the endpoint is an https address at one of the browsers' push services."""
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
    except ValueError:  # "https://[…" and other addresses that are not addresses
        return False
    return parts.scheme == "https" and any(
        host == allowed or host.endswith("." + allowed) for allowed in PUSH_SERVICE_HOSTS
    )


def parse_subscription(data) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from a browser's ``PushSubscription.toJSON()``, checked."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise SubscriptionRefused("Send the phone's subscription as JSON.")
    endpoint, keys = data.get("endpoint"), data["keys"]
    if not plausible_endpoint(endpoint):
        raise SubscriptionRefused("The subscription has no usable endpoint.")
    if not endpoint_allowed(endpoint):
        raise SubscriptionRefused("This browser's push service is not one CoPlan can use.")
    public = _key_bytes(keys.get("p256dh"), 65)
    if public is None or public[0] != 4:  # an uncompressed P-256 point
        raise SubscriptionRefused("The subscription's p256dh key is not a P-256 public key.")
    if not is_auth_secret(keys.get("auth")):
        raise SubscriptionRefused("The subscription's auth secret is not 16 bytes.")
    return endpoint, keys["p256dh"], keys["auth"]


def save_subscription(
    session: Session, *, user: User, endpoint: str, p256dh: str, auth: str, now: datetime
) -> PushSubscription:
    """Keep this phone's subscription for ``user``.

    An endpoint belongs to one browser on one phone. If someone else had it (a shared phone,
    another parent signed in), it is now the signed-in person's: the phone is theirs now."""
    subscription = session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint, created_at=now)
        session.add(subscription)
    elif subscription.user_id != user.id:
        subscription.created_at = now
        subscription.last_used_at = None
    subscription.user_id = user.id
    subscription.p256dh_key = p256dh
    subscription.auth_secret = auth
    session.flush()
    return subscription


def renew_subscription(
    session: Session,
    *,
    old_endpoint: str,
    old_auth: str,
    endpoint: str,
    p256dh: str,
    auth: str,
    now: datetime,
) -> PushSubscription | None:
    """Move a subscription the browser has replaced (its push service renewed it) to the new
    endpoint and keys, for the same person. None if no subscription has that endpoint and
    auth secret.

    The service worker asks this on its own, perhaps long after the person last signed in, so
    the proof is the old subscription's auth secret: only that browser and CoPlan know it."""
    subscription = session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == old_endpoint)
    )
    if subscription is None or not hmac.compare_digest(
        subscription.auth_secret.encode(), old_auth.encode()
    ):
        return None
    taken = session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if taken is not None and taken is not subscription:
        if taken.user_id != subscription.user_id:
            return None  # someone else's phone: not this browser's to take
        # The sessions page has subscribed the new endpoint already.
        session.delete(taken)
        session.flush()
    subscription.endpoint = endpoint
    subscription.p256dh_key = p256dh
    subscription.auth_secret = auth
    subscription.created_at = now
    session.flush()
    return subscription


def remove_subscription(session: Session, *, user: User, endpoint: str) -> None:
    """Forget this phone's subscription, if it is the person's own."""
    session.execute(
        delete(PushSubscription).where(
            PushSubscription.user_id == user.id, PushSubscription.endpoint == endpoint
        )
    )


# The Flask session remembers which subscription this browser made, so signing out can stop
# this phone's reminders without JavaScript and without touching the person's other phones.
SESSION_KEY = "push_subscription_id"


def forget_this_phone(session: Session, *, user: User, subscription_id) -> None:
    """At sign-out: stop reminders on the phone that subscribed in this browser session."""
    if isinstance(subscription_id, int):
        session.execute(
            delete(PushSubscription).where(
                PushSubscription.id == subscription_id, PushSubscription.user_id == user.id
            )
        )


def has_subscription(session: Session, *, user: User, endpoint: str) -> bool:
    """Whether this endpoint is subscribed for ``user`` (not for someone else on the phone)."""
    return (
        session.scalar(
            select(PushSubscription.id).where(
                PushSubscription.user_id == user.id, PushSubscription.endpoint == endpoint
            )
        )
        is not None
    )


@dataclass
class Delivery:
    """What happened when one message was pushed to each of a person's phones."""

    delivered: int = 0
    gone: int = 0  # subscriptions the push service no longer knows: deleted
    errors: list[str] = field(default_factory=list)  # no names, no addresses: statuses only


class Pusher:
    """Sends pushes for one run of a job: the VAPID key parsed once, one HTTP session."""

    def __init__(self):
        # Loaded only by scheduled jobs: pywebpush brings requests and aiohttp, which the
        # web workers never need.
        import requests
        from py_vapid import Vapid

        config = current_app.config
        self.vapid = Vapid.from_string(config["VAPID_PRIVATE_KEY"])
        self.subject = config["VAPID_SUBJECT"]
        self.http = requests.Session()

    def close(self) -> None:
        self.http.close()

    def push(
        self,
        session: Session,
        user_id: int,
        message: dict,
        *,
        ttl: int,
        topic: str,
        now: datetime,
    ) -> Delivery:
        """Push ``message`` (a small JSON object) to every phone ``user_id`` subscribed."""
        import requests
        from pywebpush import WebPushException, webpush

        delivery = Delivery()
        subscriptions = session.scalars(
            select(PushSubscription).where(PushSubscription.user_id == user_id)
        ).all()
        data = json.dumps(message)
        for subscription in subscriptions:
            keys = {"p256dh": subscription.p256dh_key, "auth": subscription.auth_secret}
            try:
                webpush(
                    {"endpoint": subscription.endpoint, "keys": keys},
                    data=data,
                    vapid_private_key=self.vapid,
                    # A fresh dict each time: pywebpush fills in the audience (the push
                    # service's origin) and the expiry.
                    vapid_claims={"sub": self.subject},
                    ttl=max(0, min(ttl, MAX_TTL_SECONDS)),
                    # A later message with the same topic replaces one still waiting.
                    headers={"Topic": topic, "Urgency": "normal"},
                    timeout=10,
                    requests_session=self.http,
                )
            except WebPushException as error:
                status = error.status_code
                if status in (404, 410):
                    # The phone unsubscribed or the browser data was cleared: forget it.
                    session.delete(subscription)
                    delivery.gone += 1
                else:
                    delivery.errors.append(f"push service answered {status or 'nothing'}")
                continue
            except requests.RequestException as error:
                delivery.errors.append(f"push service unreachable ({type(error).__name__})")
                continue
            subscription.last_used_at = now
            delivery.delivered += 1
        session.flush()
        return delivery
