"""Text messages, through whichever provider the service has configured.

GOV.UK Notify first (UK public services use it, and its client library does the signing);
a plain HTTP adapter for another provider. Both answer the same way: a ``SentText`` with the
provider's id for the message, or ``TextNotSent`` saying why and whether trying again later
could help. Numbers are read with ``phonenumbers``: only UK mobiles can get a text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import phonenumbers
import requests
from flask import current_app
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
NOT_A_MOBILE = "Enter a UK mobile number, like 07700 900123."
A_LANDLINE = "That looks like a landline. Enter a mobile number, like 07700 900123, for texts."


class NotAMobile(ValueError):
    """The number can't get a text message; the message says why in plain words."""


class TextNotSent(Exception):
    """The provider didn't take the message. ``retry`` says whether a later try could work."""

    def __init__(self, reason: str, *, retry: bool):
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


@dataclass(frozen=True)
class SentText:
    provider_id: str


class TextProvider(Protocol):
    name: str

    def send(self, to: str, body: str, *, reference: str) -> SentText: ...


# Ofcom keeps 07700 900000 to 900999 for drama: no phone has one, so the demo and the tests use
# them. phonenumbers calls them invalid; CoPlan treats them as the mobiles they look like.
DRAMA_MOBILES = range(447700900000, 447700901000)
UK_REGIONS = ("GB", "GG", "JE", "IM")


PHONE_DIGITS = re.compile(r"\D")
# How CoPlan keeps a UK mobile number: 07 and nine more digits.
UK_MOBILE = re.compile(r"^07\d{9}$")


def normalise_phone(phone: str) -> str:
    """A UK mobile number in one form (07…), whatever spaces or +44 it was typed with."""
    digits = PHONE_DIGITS.sub("", phone)
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


def phone_hint(phone: str) -> str:
    """ "07… ending 123": enough of a number for its owner to know it, for a page to show."""
    digits = normalise_phone(phone)
    return f"{digits[:2]}… ending {digits[-3:]}"


def uk_mobile(text: str) -> str:
    """A UK mobile number in the international form providers want (+447700900123)."""
    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException as error:
        raise NotAMobile(NOT_A_MOBILE) from error
    if number.country_code == 44 and int(f"44{number.national_number}") in DRAMA_MOBILES:
        return f"+44{number.national_number}"
    if not phonenumbers.is_valid_number(number):
        uk_geographic = number.country_code == 44 and str(number.national_number)[0] in "12"
        raise NotAMobile(A_LANDLINE if uk_geographic else NOT_A_MOBILE)
    if phonenumbers.region_code_for_number(number) not in UK_REGIONS:
        raise NotAMobile(NOT_A_MOBILE)
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
        raise NotAMobile(A_LANDLINE)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise NotAMobile(NOT_A_MOBILE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _retryable(status: int) -> bool:
    # 429: throttled; 5xx and 503 from the client (no answer, a timeout): the provider's side.
    return status == 429 or status >= 500


class NotifyProvider:
    """GOV.UK Notify: one text template whose whole content is ((message))."""

    name = "notify"

    def __init__(self, api_key: str, template_id: str, base_url: str, timeout: float):
        self.client = NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)
        self.template_id = template_id

    def send(self, to: str, body: str, *, reference: str) -> SentText:
        try:
            answer = self.client.send_sms_notification(
                phone_number=to,
                template_id=self.template_id,
                personalisation={"message": body},
                reference=reference,
            )
        except HTTPError as error:
            status = error.status_code
            raise TextNotSent(f"Notify {status}", retry=_retryable(status)) from None
        return SentText(provider_id=str(answer["id"]))


class HttpProvider:
    """Any provider that takes a JSON post of the number and the words with a bearer token."""

    name = "http"

    def __init__(self, url: str, token: str, timeout: float):
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, to: str, body: str, *, reference: str) -> SentText:
        try:
            response = requests.post(
                self.url,
                json={"to": to, "body": body, "reference": reference},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise TextNotSent(type(error).__name__, retry=True) from None
        if response.status_code >= 300:
            code = response.status_code
            raise TextNotSent(f"HTTP {code}", retry=_retryable(code))
        try:
            return SentText(provider_id=str(response.json()["id"]))
        except (ValueError, KeyError, TypeError):
            return SentText(provider_id=reference)


def provider_from_config(config) -> TextProvider | None:
    """The provider SMS_PROVIDER names, or None when texts are off."""
    name = (config.get("SMS_PROVIDER") or "").lower()
    if name == "notify":
        return NotifyProvider(
            config["NOTIFY_API_KEY"],
            config["NOTIFY_SMS_TEMPLATE_ID"],
            config.get("NOTIFY_BASE_URL") or NOTIFY_BASE_URL,
            config["SMS_TIMEOUT_SECONDS"],
        )
    if name == "http":
        return HttpProvider(
            config["SMS_HTTP_URL"], config["SMS_HTTP_TOKEN"], config["SMS_TIMEOUT_SECONDS"]
        )
    return None


def texts_enabled() -> bool:
    """Whether a provider is set up (create_app refuses to start with a half-set one)."""
    return bool(current_app.config.get("SMS_PROVIDER"))


def send_text(to: str, body: str, *, reference: str) -> SentText:
    """Send one text with the app's provider; TextNotSent when it didn't go."""
    provider = provider_from_config(current_app.config)
    if provider is None:
        raise TextNotSent("no text provider configured", retry=False)
    return provider.send(uk_mobile(to), body, reference=reference)
