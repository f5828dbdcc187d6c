"""An .ics school calendar: breaks are read as holidays before "term", each event's kind is
shown to confirm before saving, and replacing what's here is a deliberate, listed choice."""

from __future__ import annotations

import io

from sqlalchemy import select

from tests.sessions.test_views import confirm_import
from webapp.locality.school_calendar import kind_from_summary
from webapp.models import CalendarEntryKind, SchoolCalendarEntry

ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n"
    b"BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Spring term\r\n"
    b"DTSTART;VALUE=DATE:20270107\r\nDTEND;VALUE=DATE:20270402\r\nEND:VEVENT\r\n"
    b"BEGIN:VEVENT\r\nUID:2\r\nSUMMARY:February mid-term break\r\n"
    b"DTSTART;VALUE=DATE:20270215\r\nDTEND;VALUE=DATE:20270217\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)


def test_a_mid_term_break_is_a_holiday_not_a_term():
    for summary in (
        "February mid-term break",
        "October half term",
        "Schools closed: election",
        "Easter holidays",
        "Autumn term break",
    ):
        assert kind_from_summary(summary) == CalendarEntryKind.HOLIDAY, summary
    assert kind_from_summary("In-service day (term)") == CalendarEntryKind.IN_SERVICE
    assert kind_from_summary("Summer term") == CalendarEntryKind.TERM


def test_each_event_is_shown_with_its_kind_and_nothing_is_saved_until_confirmed(
    pages, make, session
):
    locality = make.locality()
    pages.sign_in(make.manager(locality=locality))
    page = pages.post(
        "locality.import_school_calendar",
        {"file": (io.BytesIO(ICS), "glasgow.ics")},
        _expected_status=200,
    )
    rows = {
        r.th.text.strip(): r.select_one("option[selected]").text for r in page.select("tbody tr")
    }
    assert rows == {"Spring term": "Term", "February mid-term break": "Holiday"}
    assert not session.scalars(select(SchoolCalendarEntry)).all()
    # The manager changes a kind before saving.
    confirm_import(pages, ICS, "glasgow.ics", **{"February mid-term break": "in-service"})
    saved = {e.name: e.kind for e in session.scalars(select(SchoolCalendarEntry))}
    assert saved == {
        "Spring term": CalendarEntryKind.TERM,
        "February mid-term break": CalendarEntryKind.IN_SERVICE,
    }


def test_replacing_is_unticked_and_lists_what_it_would_delete(pages, make, session):
    locality = make.locality()
    pages.sign_in(make.manager(locality=locality))
    confirm_import(pages, ICS, "glasgow.ics")
    page, _ = confirm_import(pages, ICS.replace(b"Spring term", b"Summer term"), "new.ics")
    replace = page.select_one("input[name=replace]")
    assert replace is not None and not replace.has_attr("checked")
    listed = page.select_one("[data-will-delete]").text
    assert "Spring term" in listed and "February mid-term break" in listed
    # Left unticked, nothing was deleted.
    names = sorted(session.scalars(select(SchoolCalendarEntry.name)))
    assert names == sorted(
        ["Spring term", "February mid-term break", "Summer term", "February mid-term break"]
    )
    confirm_import(pages, ICS, "again.ics", replace=True)
    assert sorted(session.scalars(select(SchoolCalendarEntry.name))) == [
        "February mid-term break",
        "Spring term",
    ]
