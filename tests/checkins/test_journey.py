"""My journey: charts with words, the keyworker's view, and the caseload flags."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.checkins.helpers import entry
from webapp.checkins.journey import latest_checkin_and_flags, wellbeing_summary
from webapp.checkins.sync import merge_checkins
from webapp.models import AuditEvent
from webapp.web.extensions import db

MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def add_checkins(participant, wellbeing_levels, start=MARCH, **overrides):
    """Store one check-in a fortnight, each with every SWEMWBS answer at the given level."""
    batch = []
    for n, level in enumerate(wellbeing_levels):
        when = start + timedelta(days=14 * n)
        batch.append(
            entry(when=when, uuid=str(uuid.uuid4()))
            | dict.fromkeys(("optimistic", "useful", "relaxed", "problems"), level)
            | dict.fromkeys(("thinking", "close", "own_mind"), level)
            | overrides
        )
    outcomes = merge_checkins(db.session, participant.id, batch, now=start + timedelta(days=300))
    assert {o.status for o in outcomes} == {"stored"}
    db.session.commit()


def test_a_parent_sees_their_journey_in_charts_and_words(pages, make):
    parent = make.participant(locality=make.locality())
    add_checkins(parent, [3, 3, 4], confidence_money=6)  # metric 19.25, 19.25, 25.03
    pages.sign_in(parent)
    page = pages.get("checkins.journey")
    assert page.select_one(".journey__summary").text == "Your wellbeing is up 6 points since March."
    wellbeing = page.select_one("#chart-wellbeing-title").find_parent("svg")
    assert wellbeing["role"] == "img"
    assert len(wellbeing.select("circle")) == 3
    assert "up 6 points" in wellbeing.select_one("desc").text
    assert len(page.select(".chart-grid svg")) == 6
    rows = page.select(".journey__numbers tbody tr")
    assert [row.select("td")[0].text for row in rows] == ["19.25", "19.25", "25.03"]
    assert "© NHS Health Scotland" in page.select_one(".copyright").text
    assert "116 123" in page.select_one(".help-now").text


def test_an_empty_journey_invites_a_first_check_in(pages, make):
    pages.sign_in(make.participant(locality=make.locality()))
    page = pages.get("checkins.journey")
    assert "first check-in" in page.select_one(".journey__summary").text
    assert not page.select("svg")


def test_the_summary_is_honest_about_small_changes(make, session):
    parent = make.participant(locality=make.locality())
    add_checkins(parent, [3, 2])  # 19.25 then 15.32
    add_checkins(make.participant(locality=make.locality()), [3])
    from webapp.checkins.journey import checkins_for

    assert wellbeing_summary(checkins_for(session, parent.id)) == (
        "Your wellbeing is down 4 points since March."
    )
    same = checkins_for(session, parent.id)[:1] * 2
    assert wellbeing_summary(same) == "Your wellbeing is about the same as in March."


def test_a_keyworker_sees_the_journey_but_only_shared_notes(pages, make, session):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality)
    parent = make.participant(locality=locality, keyworker=keyworker, name="Aisha Rahman")
    add_checkins(parent, [3], note="Please share this", note_shared=True)
    add_checkins(parent, [3], start=MARCH + timedelta(days=100), note="Just for me")
    pages.sign_in(keyworker)
    page = pages.get("checkins.participant_journey", participant_id=parent.id)
    assert page.select_one("h1").text == "Aisha Rahman: journey"
    assert "Their wellbeing" in page.select_one(".journey__summary").text
    text = page.text
    assert "Please share this" in text
    assert "Just for me" not in text
    assert not page.select(".notice--warning")
    events = session.query(AuditEvent).filter_by(action="journey.viewed").all()
    assert [(e.actor_id, e.participant_id) for e in events] == [(keyworker.id, parent.id)]


def test_the_keyworker_sees_a_request_for_contact_on_the_journey(pages, make):
    locality = make.locality()
    keyworker = make.keyworker(locality=locality)
    parent = make.participant(locality=locality, keyworker=keyworker)
    add_checkins(parent, [3], contact_me=True)
    pages.sign_in(keyworker)
    page = pages.get("checkins.participant_journey", participant_id=parent.id)
    assert "Asked you to get in touch" in page.select_one(".notice--warning").text


def test_someone_elses_journey_is_not_found(pages, make):
    parent = make.participant(locality=make.locality())
    elsewhere = make.keyworker(locality=make.locality())
    pages.sign_in(elsewhere)
    pages.get("checkins.participant_journey", participant_id=parent.id, _expected_status=404)
    pages.sign_out()
    pages.sign_in(make.participant(locality=make.locality()))
    pages.get("checkins.participant_journey", participant_id=parent.id, _expected_status=403)


def test_flags_a_meaningful_drop_and_a_request_for_contact(make, session):
    locality = make.locality()
    dropped = make.participant(locality=locality)
    add_checkins(dropped, [4, 3])  # 25.03 -> 19.25: down 5.78
    small_dip = make.participant(locality=locality)
    add_checkins(small_dip, [3, 3], confidence_work=5)
    add_checkins(small_dip, [3], start=MARCH + timedelta(days=60), relaxed=2)  # 19.25 -> 18.59
    recovered = make.participant(locality=locality)
    add_checkins(recovered, [4, 2, 4])  # fell, then came back: nothing to flag now
    asked = make.participant(locality=locality)
    add_checkins(asked, [3], contact_me=True)
    quiet = make.participant(locality=locality)

    people = [dropped, small_dip, recovered, asked, quiet]
    flags = {p.id: latest_checkin_and_flags(session, p.id)[1] for p in people}
    assert {pid for pid, found in flags.items() if found} == {dropped.id, asked.id}
    assert [f.kind for f in flags[dropped.id]] == ["wellbeing_drop"]
    assert flags[dropped.id][0].message == "Wellbeing fell by 6 points at the last check-in"
    assert [f.kind for f in flags[asked.id]] == ["contact_me"]
    assert latest_checkin_and_flags(session, quiet.id) == (None, [])


def test_the_record_section_shows_the_last_check_in_flags_and_the_journey_link(app, make):
    from flask_login import login_user

    from webapp import areas

    locality = make.locality()
    keyworker = make.keyworker(locality=locality)
    parent = make.participant(locality=locality, keyworker=keyworker, name="Aisha Rahman")
    add_checkins(parent, [4, 3])
    with app.test_request_context():
        login_user(db.session.get(type(keyworker), keyworker.id))
        participant = db.session.get(type(parent), parent.id)
        panels = areas.current().record_panels
        html = "".join(areas.render_panels(panels, db.session, participant))
    assert "wellbeing 19 of 35" in html
    assert "Wellbeing fell by 6 points" in html
    assert f'href="/people/{parent.id}/journey"' in html and "See Aisha" in html
