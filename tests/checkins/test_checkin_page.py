"""The check-in page: one screen, help always there, and it works without JavaScript."""

from sqlalchemy import func, select

from tests.checkins.helpers import form_data
from webapp.models import CheckIn


def count_checkins(session) -> int:
    return session.scalar(select(func.count()).select_from(CheckIn))


def test_a_parent_sees_every_question_help_and_the_copyright_line(pages, make):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(locality=locality, keyworker=keyworker)
    pages.sign_in(parent)
    page = pages.get("checkins.new")
    assert len(page.select("fieldset.scale--wellbeing")) == 7
    assert len(page.select("fieldset.scale--confidence")) == 6
    assert len(page.select("fieldset.scale--wellbeing input[type=radio]")) == 35
    assert len(page.select("fieldset.scale--confidence input[type=radio]")) == 60
    help_now = page.select_one(".help-now").get_text(" ", strip=True)
    for number in ("116 123", "0800 83 85 87", "111", "Ewan MacLeod", keyworker.email):
        assert number in help_now
    assert (
        "© NHS Health Scotland, University of Warwick and University of Edinburgh, 2008"
        in page.select_one(".copyright").text
    )
    form = page.select_one("form[data-outbox]")
    assert form["action"] == pages.url("checkins.new")
    assert form.select_one("input[name=uuid]")["value"]


def test_posting_the_form_stores_the_check_in_and_redirects(pages, make, session):
    parent = make.participant(locality=make.locality())
    pages.sign_in(parent)
    data = form_data(optimistic="5", confidence_money="9", note="Tired", note_shared="y")
    response = pages.post("checkins.new", data).response
    assert response.location == pages.url("checkins.journey")
    stored = session.scalars(select(CheckIn)).one()
    assert stored.participant_id == parent.id
    assert (stored.optimistic, stored.swemwbs_raw, stored.swemwbs_metric) == (5, 23, 20.73)
    assert stored.confidence_money == 9
    assert (stored.note, stored.note_shared, stored.contact_me) == ("Tired", True, False)
    page = pages.get("checkins.journey")
    assert "Your check-in is saved" in page.select_one(".flashes").text


def test_sending_the_same_form_twice_stores_it_once(pages, make, session):
    pages.sign_in(make.participant(locality=make.locality()))
    data = form_data()
    pages.post("checkins.new", data)
    pages.post("checkins.new", data)
    assert count_checkins(session) == 1


def test_changed_answers_sent_from_the_same_page_are_a_new_check_in(pages, make, session):
    pages.sign_in(make.participant(locality=make.locality()))
    data = form_data()
    pages.post("checkins.new", data)
    pages.post("checkins.new", data | {"relaxed": "1"})
    assert sorted(session.scalars(select(CheckIn.relaxed))) == [1, 3]


def test_missing_answers_are_named_and_what_was_chosen_is_kept(pages, make, session):
    pages.sign_in(make.participant(locality=make.locality()))
    data = form_data(note="Keep me", optimistic="4")
    del data["relaxed"]
    data["confidence_work"] = "11"
    page = pages.post("checkins.new", data, _expected_status=200)
    summary = [a.text for a in page.select(".error-summary a")]
    assert summary == [
        "Choose how often for “I've been feeling relaxed”.",
        "Choose a number from 1 to 10 for work.",
    ]
    assert page.select_one("#relaxed")["aria-describedby"] == "relaxed-error"
    assert page.select_one("input[name=optimistic][value='4']").has_attr("checked")
    assert page.select_one("textarea[name=note]").text.strip() == "Keep me"
    assert count_checkins(session) == 0


def test_staff_cannot_check_in(pages, make):
    locality = make.locality()
    pages.sign_in(make.keyworker(locality=locality))
    pages.get("checkins.new", _expected_status=403)


def test_the_offline_form_has_nothing_personal_on_it(pages, make):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(locality=locality, keyworker=keyworker, name="Aisha Rahman")
    pages.sign_in(parent)
    page = pages.get("checkins.offline_form")
    text = page.get_text(" ")
    for personal in ("Aisha", "Ewan", keyworker.email, parent.email, "Sign out"):
        assert personal not in text
    assert "data-user" not in str(page.body.attrs)
    assert not page.select("input[name=csrf_token]")
    assert page.select_one("form[data-outbox][data-shell]")
    assert "116 123" in page.select_one(".help-now").text
    assert len(page.select("fieldset.scale")) == 13


def test_the_today_page_prompts_a_check_in_and_then_shows_the_last_one(pages, make):
    pages.sign_in(make.participant(locality=make.locality()))
    panel = pages.get("home.today").select_one(".checkin-panel")
    assert "takes about a minute" in panel.text
    assert panel.select_one("a")["href"] == pages.url("checkins.new")
    pages.post("checkins.new", form_data())
    panel = pages.get("home.today").select_one(".checkin-panel")
    assert "Your last check-in was on" in panel.text


def test_a_tampered_form_id_still_stores_the_check_in(pages, make, session):
    pages.sign_in(make.participant(locality=make.locality()))
    pages.post("checkins.new", form_data(uuid="not-a-uuid"))
    assert count_checkins(session) == 1


def test_an_expired_check_in_form_comes_back_with_the_answers_kept(pages, make, session):
    parent = make.participant(locality=make.locality())
    pages.sign_in(parent)
    uuid = pages.get("checkins.new").select_one("input[name=uuid]")["value"]
    data = form_data(optimistic="5", confidence_money="9", note="Tired today", uuid=uuid)
    page = pages.post("checkins.new", {**data, "csrf_token": "from-an-old-page"}, expect=400)
    assert "your check-in wasn't saved yet" in page.select_one(".notice--warning").text
    assert page.select_one("input[name=optimistic][value='5']").has_attr("checked")
    assert page.select_one("input[name=confidence_money][value='9']").has_attr("checked")
    assert page.select_one("textarea[name=note]").text == "Tired today"
    assert page.select_one("input[name=uuid]")["value"] == uuid
    assert count_checkins(session) == 0
    fresh = page.select_one("input[name=csrf_token]")["value"]
    pages.post("checkins.new", {**data, "csrf_token": fresh})
    pages.post("checkins.new", {**data, "csrf_token": fresh})  # sent twice: one check-in
    assert count_checkins(session) == 1
