"""Group sessions as staff and parents use them: planning one with plain-English errors that
keep what was typed, places never over capacity, a parent giving up a place for another,
cancelling with an email to each parent, marking who came, and who may see what."""

from __future__ import annotations

from datetime import date, time, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from tests.sessions import test_reminders
from webapp.groups import queries as group_queries
from webapp.models import (
    BookedSession,
    GroupPlace,
    GroupSession,
    OutboxMail,
    SessionMode,
    SessionStatus,
    utcnow,
)
from webapp.sessions.slots import local_moment

smtp = test_reminders.smtp  # the real SMTP server that collects what CoPlan sends

# A Monday at least ten days ahead: group sessions are on weekdays (DAY + 1 too).
DAY = date.today() + timedelta(days=10 + (7 - (date.today() + timedelta(days=10)).weekday()) % 7)


def form_data(world, **changes) -> dict:
    data = {
        "title": "Coffee and confidence",
        "description": "Meet other parents.",
        "venue_id": str(world.creche_venue.id),
        "day": DAY.isoformat(),
        "starts_at": "10:00",
        "ends_at": "11:30",
        "capacity": "8",
        "creche_places": "4",
        "led_by_id": "0",
    }
    return {**data, **changes}


def add_group(
    world, session, *, capacity=4, creche_places=2, starts_in=timedelta(days=3), start=None
):
    # Whole minutes, as staff enter them.
    start = start or utcnow().replace(second=0, microsecond=0) + starts_in
    return world.group(start, capacity=capacity, creche_places=creche_places, at_creche_venue=True)


def take_places(session, group, parents, children=0):
    for parent in parents:
        session.add(
            GroupPlace(
                group_session_id=group.id, participant_id=parent.id, creche_children=children
            )
        )
    session.commit()


def count_groups(session) -> int:
    return session.scalar(select(func.count()).select_from(GroupSession))


def test_staff_add_a_group_session_and_mistakes_are_shown_by_the_field_as_typed(
    world, pages, session
):
    keyworker = world.keyworker()
    pages.sign_in(keyworker)
    diary = pages.get("sessions.diary")
    assert diary.select_one(f"a[href='{pages.url('groups.index')}']")
    form = pages.get("groups.new")
    assert "Family Centre (crèche)" in form.select_one("#venue_id").text
    page = pages.post(
        "groups.new",
        form_data(world, starts_at="11:00", ends_at="10:00", capacity="0"),
        _expected_status=422,
    )
    assert "The end time must be after the start time." in page.select_one("#ends_at-error").text
    assert "from 1 to 200" in page.select_one("#capacity-error").text
    assert page.select_one(".error-summary")
    assert page.select_one("#title")["value"] == "Coffee and confidence"
    assert page.select_one("#starts_at")["value"] == "11:00"
    assert page.select_one("#capacity")["value"] == "0"
    assert page.select_one("#description").text.strip() == "Meet other parents."
    page = pages.post(
        "groups.new",
        form_data(world, day=(date.today() - timedelta(days=1)).isoformat()),
        _expected_status=422,
    )
    assert "in the future" in page.select_one("#day-error").text
    assert count_groups(session) == 0

    page = pages.post("groups.new", form_data(world, led_by_id=str(keyworker.id)))
    group = session.scalar(select(GroupSession))
    assert page.response.location == pages.url("groups.detail", group_id=group.id)
    # Entered as the time in Scotland, stored in UTC.
    assert group.starts_at == local_moment(DAY, time(10))
    assert group.ends_at == local_moment(DAY, time(11, 30))
    assert (group.capacity, group.creche_places, group.led_by_id) == (8, 4, keyworker.id)
    detail = pages.get("groups.detail", group_id=group.id)
    assert "0 of 8 taken, 8 left" in detail.text
    assert "Nobody has booked a place yet." in detail.text
    listed = pages.get("groups.index").select_one(f"#group-{group.id}")
    assert "Coffee and confidence" in listed.text


def test_capacity_cannot_be_lowered_below_the_places_booked_and_is_never_exceeded(
    world, pages, session
):
    group = add_group(world, session, capacity=4, start=local_moment(DAY, time(10)))
    take_places(session, group, world.participants(3))
    keyworker = world.keyworker()
    pages.sign_in(keyworker)
    edit = pages.get("groups.edit", group_id=group.id)
    assert edit.select_one("#title")["value"] == "Peer support"
    typed = {
        tag["name"]: tag.get("value", "") if tag.name == "input" else tag.text.strip()
        for tag in edit.select("main form input[name], main form textarea[name]")
    }
    typed["venue_id"] = str(group.venue_id)
    typed["led_by_id"] = "0"
    page = pages.post(
        "groups.edit", {**typed, "capacity": "2"}, _expected_status=422, group_id=group.id
    )
    assert "3 parents already have a place" in page.select_one("#capacity-error").text
    assert page.select_one("#capacity")["value"] == "2"
    pages.post("groups.edit", {**typed, "capacity": "3"}, group_id=group.id)
    session.expire_all()
    assert session.get(GroupSession, group.id).capacity == 3
    assert session.get(GroupSession, group.id).sequence == 0  # nothing a calendar shows

    pages.sign_out()
    latecomer = world.participant(password=True)
    pages.sign_in(latecomer)
    card = pages.get("sessions.my_sessions").select_one(f"#group-{group.id}")
    assert "This session is full." in card.text
    pages.post("groups.book", {"creche_children": "0"}, group_id=group.id)
    assert "full" in pages.get("sessions.my_sessions").select_one(".notice--error").text
    assert group_queries.group_places_taken(session, group.id) == (3, 0)


def test_only_staff_of_the_locality_reach_a_group_session(world, pages, session, make):
    group = add_group(world, session)
    elsewhere = make.keyworker(locality=make.locality())
    pages.sign_in(elsewhere)
    for endpoint in ("detail", "edit", "cancel"):
        pages.get(f"groups.{endpoint}", _expected_status=404, group_id=group.id)
    pages.get("groups.calendar", _expected_status=404, group_id=group.id)
    pages.post("groups.edit", {}, _expected_status=404, group_id=group.id)
    pages.post("groups.cancel", {"reason": "x"}, _expected_status=404, group_id=group.id)
    pages.post("groups.attendance", {}, _expected_status=404, group_id=group.id)
    assert pages.get("groups.index").select_one(f"#group-{group.id}") is None
    pages.sign_out()

    parent = world.participant(password=True)
    pages.sign_in(parent)
    pages.get("groups.index", _expected_status=403)
    pages.get("groups.new", _expected_status=403)
    pages.get("groups.detail", _expected_status=403, group_id=group.id)
    # Not booked, so not theirs to download or give up.
    pages.get("groups.calendar", _expected_status=404, group_id=group.id)
    pages.get("groups.cancel_place", _expected_status=404, group_id=group.id)
    pages.sign_out()

    manager = make.manager(locality=world.locality)
    pages.sign_in(manager)
    home = pages.get("home.manager")
    assert home.select_one(f"a[href='{pages.url('groups.index')}']")
    pages.get("groups.detail", group_id=group.id)


def test_a_parent_gives_up_their_place_and_another_parent_takes_it(world, pages, session):
    group = add_group(world, session, capacity=1, creche_places=1)
    first, second = world.participants(2, password=True)
    pages.sign_in(first)
    pages.post("groups.book", {"creche_children": "1"}, group_id=group.id)
    card = pages.get("sessions.my_sessions").select_one(f"#my-group-{group.id}")
    assert "Peer support" in card.text
    assert "Group session: Peer support" in pages.get("home.today").select_one("#next-session").text
    calendar = Calendar.from_ical(pages.get("groups.calendar", group_id=group.id).response.data)
    [event] = calendar.walk("VEVENT")
    assert (
        str(event["uid"]).startswith(f"group-{group.id}@") and str(event["status"]) == "CONFIRMED"
    )
    confirm = pages.get("groups.cancel_place", group_id=group.id)
    assert "your 1 crèche place" in confirm.text
    pages.post("groups.cancel_place", group_id=group.id)
    page = pages.get("sessions.my_sessions")
    assert "given up your place" in page.select_one(".notice--success").text
    assert page.select_one(f"#my-group-{group.id}") is None
    assert "1 place left, 1 crèche place." in page.select_one(f"#group-{group.id}").text
    # The place is gone from their calendar too.
    calendar = Calendar.from_ical(pages.get("groups.calendar", group_id=group.id).response.data)
    assert str(calendar["method"]) == "CANCEL"
    pages.get("groups.cancel_place", _expected_status=404, group_id=group.id)
    pages.sign_out()

    pages.sign_in(second)
    pages.post("groups.book", {"creche_children": "1"}, group_id=group.id)
    assert pages.get("sessions.my_sessions").select_one(f"#my-group-{group.id}")
    pages.post("groups.cancel_place", group_id=group.id)
    pages.sign_out()

    # The first parent books again: the same row, booked once more.
    pages.sign_in(first)
    pages.post("groups.book", {"creche_children": "0"}, group_id=group.id)
    rows = session.scalars(select(GroupPlace).order_by(GroupPlace.id)).all()
    assert [(r.participant_id, r.status) for r in rows] == [
        (first.id, SessionStatus.BOOKED),
        (second.id, SessionStatus.CANCELLED),
    ]


def test_cancelling_a_group_session_emails_each_parent_and_takes_it_off_their_lists(
    world, pages, session, make, smtp
):
    group = add_group(world, session)
    with_email = world.participant(password=True)
    no_email = make.participant(
        locality=world.locality, name="Shona Byrne", email=None, phone="07700 900123"
    )
    take_places(session, group, [with_email, no_email])
    keyworker = world.keyworker()
    pages.sign_in(keyworker)
    page = pages.get("groups.cancel", group_id=group.id)
    assert "2 parents have a place." in page.text
    page = pages.post("groups.cancel", {"reason": " "}, _expected_status=422, group_id=group.id)
    assert "Say why the session is cancelled." in page.select_one("#reason-error").text
    assert not session.get(GroupSession, group.id).is_cancelled
    pages.post("groups.cancel", {"reason": "The hall is flooded."}, group_id=group.id)
    flashed = pages.get("groups.index").select_one(".notice--success").text
    assert "We emailed 1 of 2 parents" in flashed
    assert "Shona Byrne" in flashed  # to be told another way

    [message] = smtp.messages
    assert message["To"] == with_email.email
    assert message["Subject"].startswith("Cancelled: Peer support on ")
    assert "The hall is flooded." in message.get_payload(decode=True).decode()
    assert session.scalar(select(func.count()).select_from(OutboxMail)) == 1
    cancelled = session.get(GroupSession, group.id)
    assert cancelled.is_cancelled and cancelled.sequence == 1
    detail = pages.get("groups.detail", group_id=group.id)
    assert "was cancelled" in detail.text
    assert detail.select_one(".group-cancelled").text == "Cancelled: The hall is flooded."
    assert cancelled.cancel_reason == "The hall is flooded." and cancelled.cancelled_at
    listed = pages.get("groups.index").select_one(f"#group-{group.id}")
    assert "Cancelled: The hall is flooded." in listed.text
    assert detail.select_one(f"a[href='{pages.url('groups.edit', group_id=group.id)}']") is None
    pages.sign_out()

    for parent in (with_email, world.participant(password=True)):
        pages.sign_in(parent)
        page = pages.get("sessions.my_sessions")
        assert page.select_one(f"#my-group-{group.id}") is None  # not coming up
        assert page.select_one(f"#group-{group.id}") is None  # nor offered
        past = page.select_one(f"#past-group-{group.id}")
        if parent == with_email:
            # The parent who had a place sees why, among the sessions that went before.
            assert " ".join(past.text.split()).endswith(
                "group session, Peer support. Cancelled: The hall is flooded."
            )
        else:
            assert past is None
        pages.sign_out()
    pages.sign_in(with_email)
    calendar = Calendar.from_ical(pages.get("groups.calendar", group_id=group.id).response.data)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1


def test_moving_a_group_session_tells_the_parents_and_updates_their_calendar_feed(
    world, pages, session, client, smtp
):
    group = add_group(world, session, start=local_moment(DAY, time(10)))
    parent = world.participant(password=True)
    take_places(session, group, [parent])
    pages.sign_in(parent)
    page = pages.post("sessions.calendar_feed", {"action": "new"}, _expected_status=200)
    feed_url = page.select_one("#feed-url").text
    pages.sign_out()

    pages.sign_in(world.keyworker())
    next_day = DAY + timedelta(days=1)
    pages.post(
        "groups.edit",
        form_data(world, title="Peer support", day=next_day.isoformat(), capacity="4"),
        group_id=group.id,
    )
    [message] = smtp.messages
    assert message["To"] == parent.email and message["Subject"].startswith("New time: ")
    feed = Calendar.from_ical(client.get(feed_url).data)
    [event] = [e for e in feed.walk("VEVENT") if str(e["uid"]).startswith(f"group-{group.id}@")]
    assert int(event["sequence"]) == 1
    assert event.decoded("dtstart") == local_moment(next_day, time(10))


def test_staff_mark_who_came_once_the_session_has_started(world, pages, session):
    group = add_group(world, session, starts_in=timedelta(hours=-1))
    came, stayed_away, unknown = world.participants(3)
    take_places(session, group, [came, stayed_away, unknown], children=1)
    places = {a.participant_id: a.id for a in session.scalars(select(GroupPlace))}
    pages.sign_in(world.keyworker())
    page = pages.get("groups.detail", group_id=group.id)
    for parent in (came, stayed_away, unknown):
        card = page.select_one(f"#attendee-{places[parent.id]}")
        assert card.select_one("a").text == parent.name  # a link to their record
        assert "1 crèche place" in card.text
        assert card.select_one(f"fieldset#attendee_{places[parent.id]} legend").text == (
            f"Did {parent.name} come?"
        )
    page = pages.post(
        "groups.attendance",
        {f"attendee_{places[came.id]}": "maybe"},
        _expected_status=422,
        group_id=group.id,
    )
    assert "Choose attended or did not attend." in page.text
    pages.post(
        "groups.attendance",
        {
            f"attendee_{places[came.id]}": "attended",
            f"attendee_{places[stayed_away.id]}": "did-not-attend",
        },
        group_id=group.id,
    )
    page = pages.get("groups.detail", group_id=group.id)
    assert "Attendance saved for 2 of 3 parents." in page.text
    statuses = {a.participant_id: a.status for a in session.scalars(select(GroupPlace))}
    assert statuses == {
        came.id: SessionStatus.ATTENDED,
        stayed_away.id: SessionStatus.DID_NOT_ATTEND,
        unknown.id: SessionStatus.BOOKED,
    }
    assert page.select_one(f"#attendee_{places[came.id]}-0").has_attr("checked")
    # Not before it starts.
    upcoming = add_group(world, session)
    take_places(session, upcoming, [came])
    page = pages.get("groups.detail", group_id=upcoming.id)
    assert "once the session starts" in page.text and not page.select("fieldset")
    pages.post("groups.attendance", {}, group_id=upcoming.id)
    assert (
        "once the session has started"
        in pages.get("groups.detail", group_id=upcoming.id).select_one(".notice--error").text
    )


def test_a_clash_is_explained_to_whoever_can_fix_it(world, pages, session):
    keyworker = world.keyworker()
    parent = world.participant(keyworker=keyworker, password=True)
    half_ten = local_moment(DAY, time(10, 30))
    session.add(
        BookedSession(
            keyworker_id=keyworker.id,
            participant_id=parent.id,
            mode=SessionMode.PHONE,
            starts_at=half_ten,
            ends_at=half_ten + timedelta(hours=1),
        )
    )
    session.commit()
    pages.sign_in(keyworker)
    page = pages.post(
        "groups.new", form_data(world, led_by_id=str(keyworker.id)), _expected_status=422
    )
    assert (
        "Ewan MacLeod has a one-to-one session from 10:30 to 11:30 that day. "
        "Choose another time, or someone else to lead it."
    ) in page.select_one("#starts_at-error").text
    assert page.select_one("#title")["value"] == "Coffee and confidence"
    assert count_groups(session) == 0
    pages.post("groups.new", form_data(world))  # with nobody leading it yet
    group = session.scalar(select(GroupSession))
    pages.sign_out()

    pages.sign_in(parent)
    pages.post("groups.book", {"creche_children": "0"}, group_id=group.id)
    page = pages.get("sessions.my_sessions")
    assert page.select_one(".notice--error").text.strip() == (
        "You have a session with Ewan MacLeod at 10:30 then. "
        "Move it first, or choose another group."
    )
    assert page.select_one(f"#my-group-{group.id}") is None
    assert session.scalar(select(func.count()).select_from(GroupPlace)) == 0


def test_a_group_session_that_is_over_reads_plainly_in_the_parents_list(world, pages, session):
    group = add_group(world, session, starts_in=timedelta(days=-2))
    parent = world.participant(password=True)
    take_places(session, group, [parent])
    pages.sign_in(parent)
    past = pages.get("sessions.my_sessions").select_one(f"#past-group-{group.id}")
    assert " ".join(past.text.split()).endswith("group session, Peer support. You had a place")


def test_a_group_on_a_saturday_at_midnight_or_on_christmas_day_is_refused(world, pages, session):
    from webapp.models import GroupSession

    pages.sign_in(world.keyworker())
    saturday = DAY + timedelta(days=5)
    # The next Christmas Day or New Year's Day that falls on a weekday.
    holidays = [date(y, m, d) for y in range(DAY.year, DAY.year + 8) for m, d in ((12, 25), (1, 1))]
    christmas = min(h for h in holidays if h > DAY and h.weekday() < 5)
    cases = [
        ({"day": saturday.isoformat()}, "day", "weekdays"),
        ({"starts_at": "00:00", "ends_at": "01:00"}, "starts_at", "between 08:00 and 20:00"),
        ({"day": christmas.isoformat()}, "day", "public holiday"),
    ]
    for changes, field, words in cases:
        page = pages.post("groups.new", form_data(world, **changes), _expected_status=422)
        assert words in page.select_one(f"#{field}-error").text
    assert not session.scalars(select(GroupSession)).all()
