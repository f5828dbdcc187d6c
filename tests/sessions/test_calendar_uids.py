"""Calendar UIDs are this installation's own (two CoPlans never clash in one calendar app)
and stay the same from one update to the next."""

from datetime import UTC, datetime

from webapp.models import BookedSession, GroupSession
from webapp.sessions.calendars import event_uid, group_event

STAMP = datetime(2027, 1, 11, tzinfo=UTC)


def uid_in(app, **config):
    booking = BookedSession(id=12, starts_at=STAMP, ends_at=STAMP, sequence=0)
    old = {key: app.config.get(key) for key in config}
    app.config.update(config)
    try:
        with app.app_context():
            return event_uid(booking.uid)
    finally:
        app.config.update(old)


def test_calendar_uids_carry_the_installations_host_not_the_same_coplan_everywhere(app):
    glasgow = uid_in(app, BASE_URL="https://coplan.glasgow.example")
    fife = uid_in(app, BASE_URL="https://coplan.fife.example/")
    assert glasgow == "session-12@coplan.glasgow.example"
    assert fife == "session-12@coplan.fife.example"


def test_without_base_url_the_uid_is_made_from_the_installations_secret_and_never_changes(app):
    one = uid_in(app, BASE_URL=None, SECRET_KEY="first installation")
    again = uid_in(app, BASE_URL=None, SECRET_KEY="first installation")
    other = uid_in(app, BASE_URL=None, SECRET_KEY="second installation")
    assert one == again and one != other
    assert one.startswith("session-12@") and not one.endswith("@coplan")


def test_group_events_use_the_same_host(app):
    group = GroupSession(id=3, title="Peer support", starts_at=STAMP, ends_at=STAMP, sequence=0)
    old, app.config["BASE_URL"] = app.config.get("BASE_URL"), "https://coplan.glasgow.example"
    try:
        with app.app_context():
            event = group_event(group, cancelled=False, stamp=STAMP)
    finally:
        app.config["BASE_URL"] = old
    assert str(event["uid"]) == "group-3@coplan.glasgow.example"
