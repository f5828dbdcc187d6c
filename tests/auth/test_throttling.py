def wrong(pages, email, status=200):
    return pages.post(
        "auth.sign_in", {"identifier": email, "password": "wrong password"}, _expected_status=status
    )


def test_eleventh_wrong_password_is_refused_with_a_plain_message(pages, make):
    parent = make.participant(locality=make.locality())
    for _ in range(10):
        wrong(pages, parent.email)
    page = wrong(pages, parent.email, status=429)
    assert "Too many tries" in page.select_one("[role=alert]").text
    # The page is still the sign-in form, not an error page.
    assert page.select_one("form #identifier") is not None


def test_right_password_works_again_after_the_cool_off(pages, make, app):
    from webapp.web.extensions import limiter

    parent = make.participant(locality=make.locality())
    for _ in range(10):
        wrong(pages, parent.email)
    pages.post(
        "auth.sign_in",
        {"identifier": parent.email, "password": "correct horse battery"},
        _expected_status=429,
    )
    with app.app_context():
        limiter.reset()  # as if the five minutes had passed
    pages.sign_in(parent)


def test_one_account_being_throttled_does_not_lock_out_another(pages, make):
    locality = make.locality()
    first, second = make.participant(locality=locality), make.participant(locality=locality)
    for _ in range(11):
        pages.client.post(
            pages.url("auth.sign_in"),
            data={"identifier": first.email, "password": "bad", "csrf_token": pages.csrf_token()},
        )
    pages.sign_in(second)


def test_successful_sign_ins_do_not_count(pages, make):
    parent = make.participant(locality=make.locality())
    for _ in range(12):
        pages.sign_in(parent)
        pages.sign_out()
