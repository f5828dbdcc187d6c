import time


def age_session(client, *, idle_seconds=0, total_seconds=0):
    now = int(time.time())
    with client.session_transaction() as session:
        session["seen_at"] = now - idle_seconds
        session["signed_in_at"] = now - total_seconds


def test_staff_are_signed_out_after_30_minutes_idle(pages, make, client):
    pages.sign_in(make.keyworker(locality=make.locality()))
    age_session(client, idle_seconds=29 * 60, total_seconds=29 * 60)
    pages.get("caseload.index")
    age_session(client, idle_seconds=31 * 60, total_seconds=31 * 60)
    response = client.get(pages.url("caseload.index"))
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    page = pages.get("auth.sign_in")
    assert "30 minutes without activity" in page.text
    assert client.get(pages.url("caseload.index")).status_code == 302


def test_staff_are_signed_out_after_12_hours_even_when_busy(pages, make, client):
    pages.sign_in(make.manager(locality=make.locality()))
    age_session(client, idle_seconds=60, total_seconds=12 * 3600 + 1)
    assert client.get(pages.url("home.manager")).status_code == 302


def test_activity_keeps_a_staff_session_going(pages, make, client):
    pages.sign_in(make.keyworker(locality=make.locality()))
    age_session(client, idle_seconds=25 * 60, total_seconds=3 * 3600)
    pages.get("caseload.index")
    with client.session_transaction() as session:
        assert int(time.time()) - session["seen_at"] < 5


def test_parents_are_not_timed_out(pages, make, client):
    pages.sign_in(make.participant(locality=make.locality()), remember=True)
    age_session(client, idle_seconds=5 * 3600, total_seconds=20 * 3600)
    pages.get("home.today")


def test_session_is_new_at_sign_in(pages, make, client):
    pages.csrf_token()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    pages.sign_in(make.participant(locality=make.locality()))
    with client.session_transaction() as session:
        assert "planted" not in session
