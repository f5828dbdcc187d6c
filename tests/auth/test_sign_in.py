from webapp.models import Role


def test_parent_signs_in_and_lands_on_today(pages, make):
    locality = make.locality()
    parent = make.participant(locality=locality, name="Aisha Rahman")
    response = pages.sign_in(parent)
    assert response.response.location == "/"
    page = pages.get("home.today")
    assert page.h1.text.strip() == "Hello, Aisha"


def test_parent_can_sign_in_with_mobile_number_typed_any_way(pages, make):
    make.participant(locality=make.locality(), email=None, phone="07700 900123")
    response = pages.post(
        "auth.sign_in", {"identifier": "+44 7700 900123", "password": "correct horse battery"}
    )
    assert response.response.location == "/"


def test_wrong_password_keeps_identifier_and_says_so_by_the_field(pages, make):
    parent = make.participant(locality=make.locality())
    page = pages.post(
        "auth.sign_in", {"identifier": parent.email, "password": "nope"}, _expected_status=200
    )
    assert page.select_one("#identifier")["value"] == parent.email
    assert "not right" in page.select_one("#password-error").text
    assert page.select_one(".error-summary a")["href"] == "#password"


def test_unknown_account_gets_the_same_answer_as_a_wrong_password(pages, make):
    make.participant(locality=make.locality(), email="known@example.org")
    known = pages.post(
        "auth.sign_in",
        {"identifier": "known@example.org", "password": "x" * 9},
        _expected_status=200,
    )
    unknown = pages.post(
        "auth.sign_in",
        {"identifier": "nobody@example.org", "password": "x" * 9},
        _expected_status=200,
    )
    assert known.select_one("#password-error").text == unknown.select_one("#password-error").text


def test_empty_form_says_what_to_enter(pages):
    page = pages.post("auth.sign_in", {"identifier": "", "password": ""}, _expected_status=200)
    assert "Enter your email or mobile number" in page.select_one("#identifier-error").text
    assert "Enter your password" in page.select_one("#password-error").text


def test_sign_out_ends_the_session_and_clears_the_phone(pages, make, client):
    parent = make.participant(locality=make.locality())
    pages.sign_in(parent)
    response = pages.sign_out()
    assert response.response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(pages.url("home.today")).status_code == 302


def test_sign_out_needs_a_post(pages, make, client):
    pages.sign_in(make.participant(locality=make.locality()))
    assert client.get("/sign-out").status_code == 405


def test_keep_me_signed_in_sets_a_remember_cookie_for_parents_only(pages, make, client):
    locality = make.locality()
    pages.sign_in(make.participant(locality=locality), remember=True)
    assert client.get_cookie("remember_token") is not None
    pages.sign_out()
    client.delete_cookie("remember_token")
    pages.sign_in(make.keyworker(locality=locality), remember=True)
    assert client.get_cookie("remember_token") is None


def test_changing_password_signs_out_old_sessions(pages, make, app, session, client):
    parent = make.participant(locality=make.locality())
    pages.sign_in(parent)
    from webapp.auth.operations import set_password

    set_password(session.get(type(parent), parent.id), "a brand new passphrase")
    session.commit()
    assert client.get(pages.url("home.today")).status_code == 302


def test_next_only_follows_local_paths(pages, make, client):
    parent = make.participant(locality=make.locality())
    token = pages.csrf_token()
    response = client.post(
        "/sign-in?next=https://evil.example/",
        data={"identifier": parent.email, "password": "correct horse battery", "csrf_token": token},
    )
    assert response.location == "/"


def test_staff_homes(pages, make):
    locality = make.locality()
    pages.sign_in(make.keyworker(locality=locality))
    assert pages.get("home.index", _expected_status=302).response.location == "/people/"
    pages.sign_out()
    pages.sign_in(make.manager(locality=locality))
    assert pages.get("home.index", _expected_status=302).response.location == "/locality"
    page = pages.get("home.manager")
    assert locality.name in page.h1.text
    assert Role.MANAGER.value in page.text
