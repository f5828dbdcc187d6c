import time

import pyotp
import pytest
from sqlalchemy import func, select, text

from webapp.models import AuditEvent, TwoFactorCredential
from webapp.services import crypto


def enrol(pages, session, user_id):
    page = pages.get("auth.two_step_setup")
    assert page.select_one("img")["src"].startswith("data:image/svg+xml")
    assert page.find("button", string="Turn on two-step sign-in")
    secret = page.select_one("[data-secret]").text.replace(" ", "")
    assert session.get(TwoFactorCredential, user_id) is None  # nothing stored until proven
    wrong = pages.post("auth.two_step_setup", {"code": "000000"}, _expected_status=200)
    assert "not right" in wrong.select_one("#code-error").text
    # The wrong code kept the same secret, so the app's next code works.
    done = pages.post(
        "auth.two_step_setup", {"code": pyotp.TOTP(secret).now()}, _expected_status=200
    )
    codes = [li.text for li in done.select("[data-recovery-codes] li")]
    assert session.get(TwoFactorCredential, user_id).secret == secret
    assert len(codes) == 10
    return secret, codes


@pytest.fixture
def keyworker(make):
    return make.keyworker(locality=make.locality())


def test_staff_enrol_then_need_a_code_to_sign_in(pages, keyworker, session, client):
    pages.sign_in(keyworker)
    secret, _ = enrol(pages, session, keyworker.id)
    pages.sign_out()

    response = pages.sign_in(keyworker)
    assert response.response.location == "/sign-in/code"
    # Not signed in until the code is given.
    assert client.get(pages.url("caseload.index")).status_code == 302
    page = pages.post("auth.second_step", {"code": "123456"}, _expected_status=200)
    assert "not right" in page.select_one("#code-error").text
    credential = session.get(TwoFactorCredential, keyworker.id)
    credential.last_used_step = None  # enrolment used this 30-second step; allow it again
    session.commit()
    pages.post("auth.second_step", {"code": pyotp.TOTP(secret).now()})
    pages.get("caseload.index")


def test_a_code_cannot_be_replayed(pages, keyworker, session):
    pages.sign_in(keyworker)
    secret, _ = enrol(pages, session, keyworker.id)
    pages.sign_out()
    pages.sign_in(keyworker)
    # The code used to enrol is refused now, though it is still within the clock-drift window.
    used_step = session.get(TwoFactorCredential, keyworker.id).last_used_step
    assert abs(used_step - int(time.time() // 30)) <= 1
    used_code = pyotp.TOTP(secret).at(used_step * 30)
    page = pages.post("auth.second_step", {"code": used_code}, _expected_status=200)
    assert "not right" in page.text


def test_recovery_code_works_once(pages, keyworker, session):
    pages.sign_in(keyworker)
    _, codes = enrol(pages, session, keyworker.id)
    pages.sign_out()
    pages.sign_in(keyworker)
    pages.post("auth.second_step", {"code": codes[0]})
    pages.sign_out()
    pages.sign_in(keyworker)
    pages.post("auth.second_step", {"code": codes[0]}, _expected_status=200)


def test_required_two_step_sends_staff_to_set_it_up(another_app, make):
    from tests.pages import PageClient

    fresh = another_app(STAFF_TWO_FACTOR_REQUIRED=True)
    pages = PageClient(fresh.test_client(), fresh)
    locality = make.locality()
    pages.sign_in(make.keyworker(locality=locality))
    response = pages.get("caseload.index", _expected_status=302)
    assert response.response.location == "/account/two-step"
    pages.sign_out()
    # Parents are never forced.
    pages.sign_in(make.participant(locality=locality))
    pages.get("home.today")


def test_participants_cannot_open_two_step_setup(pages, make):
    pages.sign_in(make.participant(locality=make.locality()))
    pages.get("auth.two_step_setup", _expected_status=403)


def test_the_database_holds_no_authenticator_secret_in_the_clear(pages, keyworker, session):
    pages.sign_in(keyworker)
    secret, _ = enrol(pages, session, keyworker.id)
    stored = session.execute(text("SELECT secret FROM two_factor_credentials")).scalar_one()
    assert secret not in stored
    assert session.get(TwoFactorCredential, keyworker.id).secret == secret


def sign_in_with_code(pages, session, user, code, expected=302):
    credential = session.get(TwoFactorCredential, user.id)
    credential.last_used_step = None  # let the same 30-second step be used again
    session.commit()
    pages.sign_out()
    pages.sign_in(user)
    return pages.post("auth.second_step", {"code": code}, _expected_status=expected)


def test_a_new_key_goes_first_and_rotating_lets_the_old_one_go(
    app, pages, keyworker, session, monkeypatch
):
    pages.sign_in(keyworker)
    secret, recovery = enrol(pages, session, keyworker.id)
    with app.app_context():
        (old_key,) = crypto._configured_keys()
    new_key = crypto.generate_key()
    asks_for_code = "/sign-in/code"

    # The new key first, the old one after it: the secret made with the old one still works.
    monkeypatch.setitem(app.config, "TWO_FACTOR_KEYS", [new_key, old_key])
    page = sign_in_with_code(pages, session, keyworker, pyotp.TOTP(secret).now())
    assert page.response.location != asks_for_code
    result = app.test_cli_runner().invoke(args=["rotate-two-factor-key"])
    assert "Encrypted 1 authenticator secrets" in result.output

    # Rotated: the new key alone reads it.
    monkeypatch.setitem(app.config, "TWO_FACTOR_KEYS", [new_key])
    page = sign_in_with_code(pages, session, keyworker, pyotp.TOTP(secret).now())
    assert page.response.location != asks_for_code

    # Without the key, no code from the app can be checked; a recovery code still works.
    monkeypatch.setitem(app.config, "TWO_FACTOR_KEYS", [crypto.generate_key()])
    result = app.test_cli_runner().invoke(args=["rotate-two-factor-key"])
    assert "1 could not be read" in result.output
    page = sign_in_with_code(pages, session, keyworker, pyotp.TOTP(secret).now(), expected=200)
    assert "not right" in page.select_one("#code-error").text
    pages.post("auth.second_step", {"code": recovery[0]})
    pages.get("caseload.index")


def allow_this_step_again(session, user_id):
    """Enrolment used this 30-second step; a test that needs another code now allows it."""
    session.expire_all()
    session.get(TwoFactorCredential, user_id).last_used_step = None
    session.commit()


def test_staff_make_new_recovery_codes_and_the_old_ones_stop_working(pages, keyworker, session):
    pages.sign_in(keyworker)
    secret, old_codes = enrol(pages, session, keyworker.id)
    allow_this_step_again(session, keyworker.id)

    wrong = pages.post("auth.new_recovery_codes", {"code": "000000"}, _expected_status=422)
    assert "not right" in wrong.select_one("#code-error").text
    done = pages.post(
        "auth.new_recovery_codes", {"code": pyotp.TOTP(secret).now()}, _expected_status=200
    )
    new_codes = [li.text for li in done.select("[data-recovery-codes] li")]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    pages.sign_out()

    pages.sign_in(keyworker)
    pages.post("auth.second_step", {"code": old_codes[0]}, _expected_status=200)  # refused
    pages.post("auth.second_step", {"code": new_codes[0]})  # signed in
    assert audited(session, "two_factor.recovery_codes_renewed") == 1


def test_staff_move_two_step_to_a_new_phone_and_the_old_phone_stops_working(
    pages, keyworker, session
):
    pages.sign_in(keyworker)
    old_secret, old_codes = enrol(pages, session, keyworker.id)

    page = pages.get("auth.two_step_new_phone")
    assert page.h1.text == "Move two-step sign-in to a new phone"
    assert page.find("button", string="Use this phone from now on")
    new_secret = page.select_one("[data-secret]").text.replace(" ", "")
    assert new_secret != old_secret
    allow_this_step_again(session, keyworker.id)
    done = pages.post(
        "auth.two_step_new_phone", {"code": pyotp.TOTP(new_secret).now()}, _expected_status=200
    )
    assert len(done.select("[data-recovery-codes] li")) == 10
    pages.sign_out()

    allow_this_step_again(session, keyworker.id)
    pages.sign_in(keyworker)
    pages.post("auth.second_step", {"code": pyotp.TOTP(old_secret).now()}, _expected_status=200)
    pages.post("auth.second_step", {"code": old_codes[1]}, _expected_status=200)
    pages.post("auth.second_step", {"code": pyotp.TOTP(new_secret).now()})
    pages.get("caseload.index")
    assert audited(session, "two_factor.moved") == 1


def test_moving_phones_needs_a_sign_in_that_used_the_old_phone(pages, keyworker, session):
    pages.sign_in(keyworker)
    enrol(pages, session, keyworker.id)
    with pages.client.session_transaction() as cookie:
        cookie["two_step"] = False  # as when two-step was switched on after signing in
    pages.get("auth.two_step_new_phone", expect=302)


def audited(session, action: str) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )
