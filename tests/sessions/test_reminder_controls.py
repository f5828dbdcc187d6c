"""The sessions page says how reminders come, and offers them on the phone only when the
service has VAPID keys (push.js shows the control where the browser can do Web Push)."""

from __future__ import annotations


def test_without_push_the_page_says_reminders_come_by_email(pages, make):
    pages.sign_in(make.participant(locality=make.locality()))
    page = pages.get("sessions.my_sessions")
    assert "We email you a reminder the day before each session." in page.text
    assert page.select("[data-push]") == []
    assert not [s for s in page.select("script") if "push.js" in s.get("src", "")]


def test_with_push_the_phone_control_is_there_for_the_script_to_show(pages, make, vapid):
    pages.sign_in(make.participant(locality=make.locality()))
    page = pages.get("sessions.my_sessions")
    control = page.select_one("[data-push]")
    assert control.has_attr("hidden")  # without JavaScript, nothing that cannot work
    assert control["data-key"] == vapid
    assert control["data-subscribe"] == "/api/v1/push/subscribe"
    assert control["data-unsubscribe"] == "/api/v1/push/unsubscribe"
    assert control["data-check"] == "/api/v1/push/check"
    buttons = [b.text for b in control.select("button")]
    assert buttons == ["Remind me on this phone", "Stop reminders on this phone"]
    assert [s for s in page.select("script") if "/static/js/push.js?v=" in s.get("src", "")]


def test_a_parent_without_email_is_told_so(pages, make):
    pages.sign_in(make.participant(locality=make.locality(), phone="07700900123"))
    page = pages.get("sessions.my_sessions")
    assert "we can't email you reminders" in page.text
