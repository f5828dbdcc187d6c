"""What plans, bookings and check-ins add to the service record: their timeline items, caseload
columns and flags, contact, report sections and the large demo's rows."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from tests.caseload.conftest import add_plans, checkin_row, session_row
from tests.conftest import delete_all_rows
from webapp.checkins.scoring import metric_table
from webapp.demo.large import seed_large
from webapp.models import (
    BookedSession,
    CheckIn,
    GroupPlace,
    GroupSession,
    SessionStatus,
    utcnow,
)

Q3 = "2026-Q3"
IN_Q3 = datetime(2026, 11, 10, 12, tzinfo=UTC)


def metric(level: int) -> float:
    return float(metric_table()[7 * level])


@pytest.fixture
def keyworker(pages, team):
    pages.sign_in(team["keyworker"])
    return team["keyworker"]


def timeline(page, kind):
    return [
        (
            item.select_one(".timeline__title").text.strip(),
            (
                item.select_one(".timeline__detail").text.strip()
                if item.select_one(".timeline__detail")
                else ""
            ),
        )
        for item in page.select(f".timeline__item[data-kind={kind}]")
    ]


def test_record_shows_plan_events_sessions_and_checkins(pages, team, keyworker, session):
    parent = team["parent"]
    now = utcnow()
    add_plans(session, [parent.id], keyworker.id, events=1)
    day = timedelta(days=1)
    session.execute(
        insert(BookedSession),
        [
            session_row(parent.id, keyworker.id, now + 3 * day, SessionStatus.BOOKED),
            session_row(parent.id, keyworker.id, now + 5 * day, SessionStatus.BOOKED, sequence=1),
            session_row(
                parent.id,
                keyworker.id,
                now + 7 * day,
                SessionStatus.CANCELLED,
                cancelled_at=now - day,
                cancel_reason="Child unwell",
            ),
            session_row(parent.id, keyworker.id, now - 2 * day, SessionStatus.ATTENDED),
            session_row(parent.id, keyworker.id, now - 9 * day, SessionStatus.DID_NOT_ATTEND),
        ],
    )
    session.execute(
        insert(CheckIn),
        [
            checkin_row(
                parent.id, now - 4 * day, level=4, note="Kept to myself", note_shared=False
            ),
            checkin_row(
                parent.id,
                now - 3 * day,
                level=3,
                note="Tough week",
                note_shared=True,
                contact_me=True,
            ),
        ],
    )
    session.commit()
    page = pages.get("caseload.record", participant_id=parent.id)

    assert timeline(page, "plan") == [(f"{keyworker.name} added a step", "“Step 0”")]

    sessions = [title for title, _detail in timeline(page, "sessions")]
    assert [t.split(" ")[0] for t in sessions] == [
        "Session",
        "Attended",
        "Session",
        "Session",
        "Did",
    ]
    assert sessions[0].startswith("Session on ") and sessions[0].endswith(" cancelled")
    assert sessions[2].startswith("Session moved to ")
    assert sessions[3].startswith("Session booked for ")
    assert sessions[4].startswith("Did not attend the session on ")
    assert ("Phone call. Reason: Child unwell") in [d for _t, d in timeline(page, "sessions")]

    checkins = timeline(page, "checkins")
    assert checkins[0][0].endswith(f"wellbeing {round(metric(3))} of 35")
    assert checkins[0][1] == "Asked to be contacted. Tough week"
    assert checkins[1][0].endswith(f"wellbeing {round(metric(4))} of 35") and checkins[1][1] == ""
    assert "Kept to myself" not in page.text  # the parent did not share it


def test_record_shows_group_places_and_an_attended_group_counts_as_contact(
    pages, team, keyworker, session, make
):
    parent = team["parent"]
    now = utcnow().replace(microsecond=0)
    day = timedelta(days=1)

    def place(starts_at, status, booked_at, **group):
        added = GroupSession(
            locality_id=team["locality"].id,
            led_by_id=keyworker.id,
            title="Peer support",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            capacity=8,
            **group,
        )
        session.add(added)
        session.flush()
        row = GroupPlace(
            group_session_id=added.id,
            participant_id=parent.id,
            status=status,
            booked_at=booked_at,
            creche_children=1 if status == SessionStatus.ATTENDED else 0,
        )
        session.add(row)
        return row

    place(now - 8 * day, SessionStatus.DID_NOT_ATTEND, now - 20 * day)
    place(now - 4 * day, SessionStatus.ATTENDED, now - 10 * day)
    place(
        now + 5 * day,
        SessionStatus.BOOKED,
        now - 9 * day,
        is_cancelled=True,
        cancel_reason="The hall is flooded.",
        cancelled_at=now - 2 * day,
    )
    place(now + 3 * day, SessionStatus.BOOKED, now - day)
    given_up = place(now + 6 * day, SessionStatus.CANCELLED, now - 7 * day)
    given_up.cancelled_at = now - timedelta(hours=3)
    session.commit()

    page = pages.get("caseload.record", participant_id=parent.id)
    items = timeline(page, "groups")
    assert [title.split(" Peer support")[0] for title, _ in items] == [
        "Gave up a place at the group session",
        "Place booked at the group session",
        "Group session",
        "Attended the group session",
        "Did not attend the group session",
    ]
    assert items[2][0].endswith(" cancelled")
    assert items[2][1] == "Group session. Reason: The hall is flooded."
    assert items[3][1] == "Group session, 1 crèche place"
    # Filtered to group sessions alone, the record shows only them.
    kinds = {
        item["data-kind"]
        for item in pages.get("caseload.record", participant_id=parent.id, kind="groups").select(
            ".timeline__item"
        )
    }
    assert kinds == {"groups"}

    caseload = pages.get("caseload.index")
    assert fact(caseload, parent, "last_contact") == "4 days ago"  # the group they came to


def row_of(page, person):
    return page.select_one(f"[data-participant='{person.id}']")


def fact(page, person, key):
    return row_of(page, person).select_one(f"[data-fact={key}]").text.strip()


def test_caseload_shows_next_session_wellbeing_overdue_steps_and_flags(
    pages, team, keyworker, session, make
):
    parent = team["parent"]
    steady = make.participant(locality=team["locality"], keyworker=keyworker, name="Steady Parent")
    now = utcnow()
    add_plans(session, [parent.id], keyworker.id)  # one overdue step
    session.execute(
        insert(BookedSession),
        [
            session_row(parent.id, keyworker.id, now - timedelta(days=2), SessionStatus.ATTENDED),
            session_row(
                parent.id,
                keyworker.id,
                datetime(2099, 12, 2, 10, tzinfo=UTC),
                SessionStatus.BOOKED,
            ),
            session_row(parent.id, keyworker.id, now + timedelta(days=1), SessionStatus.CANCELLED),
        ],
    )
    session.execute(
        insert(CheckIn),
        [
            checkin_row(parent.id, now - timedelta(days=10), level=4),
            checkin_row(parent.id, now - timedelta(days=5), level=3),
            checkin_row(steady.id, now - timedelta(days=30), level=3),
            checkin_row(steady.id, now - timedelta(days=1), level=3, contact_me=True),
        ],
    )
    session.commit()
    page = pages.get("caseload.index")
    drop = round(metric(4) - metric(3))
    assert fact(page, parent, "next_session") == "Wed 2 December, 10:00"
    assert fact(page, parent, "wellbeing") == f"{round(metric(3))} of 35 (down {drop})"
    assert fact(page, parent, "overdue_steps") == "1 overdue"
    assert fact(page, parent, "last_contact") == "2 days ago"  # the attended session
    assert (
        f"Wellbeing fell by {drop} points" in row_of(page, parent).select_one("[data-flags]").text
    )

    assert fact(page, steady, "next_session") == "–"
    assert fact(page, steady, "wellbeing") == f"{round(metric(3))} of 35 (about the same)"
    assert fact(page, steady, "overdue_steps") == "–"
    assert fact(page, steady, "last_contact") == "Yesterday"  # the check-in
    flags = row_of(page, steady).select_one("[data-flags]").text
    assert "Asked you to get in touch" in flags and "Wellbeing fell" not in flags


def table(page, key):
    section = page.select_one(f"[data-section={key}]")
    return {row.th.text: [td.text for td in row.select("td")] for row in section.select("tbody tr")}


def test_reports_count_sessions_distance_travelled_and_engagement(pages, team, session, make):
    keyworker, parent = team["keyworker"], team["parent"]
    other = make.participant(locality=team["locality"], keyworker=keyworker)
    quiet = make.participant(locality=team["locality"], keyworker=keyworker)
    hour = timedelta(hours=1)
    statuses = [SessionStatus.ATTENDED] * 3 + [
        SessionStatus.DID_NOT_ATTEND,
        SessionStatus.CANCELLED,
    ]
    session.execute(
        insert(BookedSession),
        [
            session_row(parent.id, keyworker.id, IN_Q3 + n * 3 * hour, s)
            for n, s in enumerate(statuses)
        ]
        # Before the quarter: not counted.
        + [
            session_row(
                parent.id,
                keyworker.id,
                datetime(2026, 9, 1, 10, tzinfo=UTC),
                SessionStatus.ATTENDED,
            )
        ],
    )
    session.execute(
        insert(CheckIn),
        [
            checkin_row(other.id, IN_Q3, level=2, confidence_work=3),
            checkin_row(other.id, IN_Q3 + 24 * hour, level=3),
            checkin_row(other.id, IN_Q3 + 48 * hour, level=4, confidence_work=9),
            checkin_row(quiet.id, datetime(2026, 8, 1, tzinfo=UTC), level=2),
        ],
    )
    session.commit()
    pages.sign_in(team["manager"])
    page = pages.get("reports.index", period=Q3)
    assert table(page, "sessions") == {
        "Held and attended": ["3"],
        "Did not attend": ["1"],
        "Cancelled": ["1"],
    }
    distance = table(page, "distance_travelled")
    change = round(metric(4) - metric(2), 1)
    assert distance["Wellbeing (SWEMWBS metric)"] == [
        f"{change}",
        f"{round(metric(2), 1)}",
        f"{round(metric(4), 1)}",
        "1",
    ]
    assert distance["Confidence: Work"] == ["6.0", "3.0", "9.0", "1"]
    assert distance["Confidence: Money"] == ["0.0", "5.0", "5.0", "1"]
    note = page.select_one("[data-section=distance_travelled]").text
    assert "group comparisons need at least 30 people measured twice" in note
    # The parent with sessions and the one with check-ins; not the one quiet this quarter.
    assert table(page, "engagement")["People engaged"] == ["2"]


def counts(session):
    return (
        session.scalar(select(func.count()).select_from(CheckIn)),
        session.scalar(select(func.count()).select_from(BookedSession)),
        session.scalars(select(CheckIn.swemwbs_raw).order_by(CheckIn.id).limit(50)).all(),
        session.scalars(select(BookedSession.starts_at).order_by(BookedSession.id).limit(50)).all(),
        # Ids differ between runs on PostgreSQL (its sequences go on), so compare what they hold.
        session.execute(
            select(GroupPlace.status, GroupPlace.creche_children, GroupPlace.booked_at).order_by(
                GroupPlace.id
            )
        ).all(),
    )


def test_large_demo_adds_checkins_and_sessions_in_proportion_and_reproducibly(session):
    # 5 localities x 2 keyworkers x 5 parents = 50 parents, 1% of DESIGN.md's 5,000.
    sizes = {"keyworkers_per_locality": 2, "participants_per_keyworker": 5}
    seed_large(session, seed=3, **sizes)
    session.commit()
    first = counts(session)
    assert first[:2] == (2_500, 600)  # 1% of 250,000 check-ins and 60,000 sessions
    assert session.scalar(select(func.count(func.distinct(CheckIn.participant_id)))) == 50
    held = session.scalar(
        select(func.count()).where(BookedSession.status == SessionStatus.ATTENDED)
    )
    assert held > 0

    # A group session a week in each locality, with places for parents who are free then.
    assert session.scalar(select(func.count()).select_from(GroupSession)) == 5 * 14
    places = session.execute(
        select(
            GroupSession.id,
            GroupSession.creche_places,
            func.count(),
            func.sum(GroupPlace.creche_children),
        )
        .join(GroupPlace, GroupPlace.group_session_id == GroupSession.id)
        .group_by(GroupSession.id, GroupSession.creche_places)
    ).all()
    assert len(places) == 5 * 14
    assert all(0 < taken <= 8 and children <= creche for _, creche, taken, children in places)
    clashes = session.scalar(
        select(func.count())
        .select_from(GroupPlace)
        .join(GroupSession, GroupSession.id == GroupPlace.group_session_id)
        .join(BookedSession, BookedSession.participant_id == GroupPlace.participant_id)
        .where(
            BookedSession.status != SessionStatus.CANCELLED,
            BookedSession.starts_at < GroupSession.ends_at,
            BookedSession.ends_at > GroupSession.starts_at,
        )
    )
    assert clashes == 0
    statuses = set(session.scalars(select(GroupPlace.status)))
    assert {SessionStatus.ATTENDED, SessionStatus.BOOKED} <= statuses
    session.close()
    delete_all_rows()
    seed_large(session, seed=3, **sizes)
    session.commit()
    assert counts(session) == first
