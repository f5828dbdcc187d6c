"""The demo data tells a believable check-in story."""

from sqlalchemy import select

from webapp.checkins.journey import checkins_for, latest_checkin_and_flags, wellbeing_summary
from webapp.demo import seed_demo
from webapp.models import User


def test_demo_parent_has_months_of_check_ins_and_a_flag_for_her_keyworker(session):
    seed_demo(session)
    session.commit()
    aisha = session.scalar(select(User).where(User.email == "parent@example.org"))
    kirsty = session.scalar(select(User).where(User.email == "kirsty.d@example.org"))
    journey = checkins_for(session, aisha.id)
    assert len(journey) == 8
    assert (journey[-1].recorded_at - journey[0].recorded_at).days >= 90
    assert "up 9 points" in wellbeing_summary(journey)
    assert latest_checkin_and_flags(session, aisha.id)[1] == []
    flags = latest_checkin_and_flags(session, kirsty.id)[1]
    assert {f.kind for f in flags} == {"wellbeing_drop", "contact_me"}
