"""Push (webapp/services/push.py): VAPID keys as the config wants them, endpoints accepted."""

from __future__ import annotations

import base64

from py_vapid import Vapid02

from webapp.services.push import endpoint_allowed, generate_vapid_keys


def decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def test_generated_keys_are_a_pair_in_the_form_browsers_and_pywebpush_want(app):
    public, private = generate_vapid_keys()
    assert len(decode(public)) == 65 and decode(public)[0] == 4  # applicationServerKey
    assert len(decode(private)) == 32 and "=" not in public + private
    vapid = Vapid02.from_string(private)
    header = vapid.sign({"sub": "mailto:ops@example.org", "aud": "https://fcm.googleapis.com"})
    assert f"k={public}" in header["Authorization"]
    assert generate_vapid_keys() != (public, private)


def test_the_cli_prints_lines_for_the_environment_file(app):
    result = app.test_cli_runner().invoke(args=["generate-vapid-keys"])
    assert result.exit_code == 0
    settings = dict(
        line.split("=", 1) for line in result.output.splitlines() if not line.startswith("#")
    )
    assert set(settings) == {"VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY"}
    assert len(decode(settings["VAPID_PUBLIC_KEY"])) == 65


def test_only_the_browsers_push_services_over_https_are_accepted():
    assert endpoint_allowed("https://fcm.googleapis.com/fcm/send/abc")
    assert endpoint_allowed("https://wns2-bl2p.notify.windows.com/w/?token=x")
    assert not endpoint_allowed("http://fcm.googleapis.com/fcm/send/abc")
    assert not endpoint_allowed("https://notfcm.googleapis.com.example/x")
    assert not endpoint_allowed("https://127.0.0.1/push")
    assert not endpoint_allowed("https://localhost/push")
    assert not endpoint_allowed("javascript:alert(1)")
