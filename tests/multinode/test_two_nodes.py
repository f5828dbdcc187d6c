"""CoPlan keeps working when requests land on different machines."""

import re


def csrf_token(browser, base: str) -> str:
    page = browser.get(f"{base}/privacy").text
    return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)


def sign_in(browser, base, identifier, password="correct horse battery"):
    return browser.post(
        f"{base}/sign-in",
        data={
            "identifier": identifier,
            "password": password,
            "csrf_token": csrf_token(browser, base),
        },
        allow_redirects=False,
    )


def test_parent_signs_in_on_one_node_and_carries_on_through_the_other(cluster, make, new_browser):
    parent = make.participant(locality=make.locality(), name="Jodie Fraser")
    base = cluster["url"]
    browser = new_browser()
    assert sign_in(browser, base, parent.email).status_code == 302
    served = set()
    for _ in range(4):
        response = browser.get(f"{base}/today", allow_redirects=False)
        assert response.status_code == 200
        assert "Hello, Jodie" in response.text
        served.add(response.headers["X-Node"])
    assert served == {"A", "B"}


def test_sign_in_limit_counts_across_both_nodes(cluster, make, new_browser):
    parent = make.participant(locality=make.locality())
    base = cluster["url"]
    browser = new_browser()
    statuses = [
        sign_in(browser, base, parent.email, "wrong password").status_code for _ in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    nodes = {n.name: n for n in cluster["nodes"]}
    # Both nodes now refuse, because they share the counter in Redis.
    for node in nodes.values():
        direct = f"http://127.0.0.1:{node.port}"
        answer = sign_in(new_browser(), direct, parent.email, "correct horse battery")
        assert answer.status_code == 429


def test_a_deactivated_keyworkers_session_is_refused_on_the_other_node(
    cluster, make, new_browser, session
):
    from webapp.models import User
    from webapp.staff.operations import deactivate_staff

    here = make.locality()
    keyworker = make.keyworker(locality=here, name="Ewan MacLeod")
    manager = make.manager(locality=here)
    node_a, node_b = (f"http://127.0.0.1:{n.port}" for n in cluster["nodes"])
    browser = new_browser()
    assert sign_in(browser, node_a, keyworker.email).status_code == 302
    assert browser.get(f"{node_b}/people/", allow_redirects=False).status_code == 200

    deactivate_staff(
        session, member=session.get(User, keyworker.id), changed_by=session.get(User, manager.id)
    )
    session.commit()

    # The cookie the keyworker still holds no longer signs anyone in, on either node.
    for node in (node_b, node_a):
        answer = browser.get(f"{node}/people/", allow_redirects=False)
        assert answer.status_code == 302
        assert "/sign-in" in answer.headers["Location"]
