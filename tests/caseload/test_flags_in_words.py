"""The caseload says in words who needs a look: a parent never contacted, a session they
missed, steps overdue; and wellbeing as a whole number on its scale."""

from datetime import timedelta

from sqlalchemy import insert, update

from tests.caseload.conftest import add_plans, checkin_row, session_row
from webapp.models import BookedSession, CheckIn, ParticipantProfile, SessionStatus, User, utcnow


def row_of(page, person):
    return page.select_one(f"[data-participant='{person.id}']")


def flags(page, person):
    return row_of(page, person).select_one("[data-flags]").text


def joined_days_ago(session, person, days):
    when = utcnow() - timedelta(days=days)
    session.execute(update(User).where(User.id == person.id).values(created_at=when))
    session.execute(
        update(ParticipantProfile)
        .where(ParticipantProfile.user_id == person.id)
        .values(consented_at=when)
    )


def test_a_parent_never_contacted_a_week_after_joining_is_flagged(pages, team, session, make):
    keyworker = team["keyworker"]
    new = make.participant(locality=team["locality"], keyworker=keyworker, name="New Parent")
    waiting = make.participant(locality=team["locality"], keyworker=keyworker, name="Waiting")
    joined_days_ago(session, waiting, 10)
    session.commit()
    pages.sign_in(keyworker)
    page = pages.get("caseload.index")
    assert "Never contacted: joined 10 days ago" in flags(page, waiting)
    assert "Never contacted" not in flags(page, new)


def test_a_parent_who_did_not_attend_their_last_session_is_flagged_until_they_come(
    pages, team, session
):
    keyworker, parent = team["keyworker"], team["parent"]
    now = utcnow()
    session.execute(
        insert(BookedSession),
        [
            session_row(parent.id, keyworker.id, now - timedelta(days=9), SessionStatus.ATTENDED),
            session_row(
                parent.id, keyworker.id, now - timedelta(days=2), SessionStatus.DID_NOT_ATTEND
            ),
        ],
    )
    session.commit()
    pages.sign_in(keyworker)
    assert "Did not attend the session on" in flags(pages.get("caseload.index"), parent)
    session.execute(
        insert(BookedSession),
        [session_row(parent.id, keyworker.id, now - timedelta(hours=3), SessionStatus.ATTENDED)],
    )
    session.commit()
    assert "Did not attend" not in flags(pages.get("caseload.index"), parent)


def test_overdue_steps_are_flagged_in_words_and_wellbeing_reads_17_of_35(pages, team, session):
    keyworker, parent = team["keyworker"], team["parent"]
    add_plans(session, [parent.id], keyworker.id)  # one overdue step
    session.execute(
        insert(CheckIn),
        [checkin_row(parent.id, utcnow() - timedelta(days=1), swemwbs_metric=17.43)],
    )
    session.commit()
    pages.sign_in(keyworker)
    page = pages.get("caseload.index")
    assert "1 step in their plan overdue" in flags(page, parent)
    wellbeing = row_of(page, parent).select_one("[data-fact=wellbeing]").text
    assert wellbeing.startswith("17 of 35") and "." not in wellbeing
