"""Checking a caseload file line by line, without HTTP."""

from __future__ import annotations

from datetime import date

import pytest

from webapp.imports.caseload_csv import check_file

KEYWORKERS = {"ewan@service.org": (7, "Ewan MacLeod")}
TODAY = date(2026, 12, 2)
HEADINGS = "name,email,mobile,keyworker email,stage,start date,status\n"


def check(body: str, *, raw: bytes | None = None, in_use=frozenset()):
    return check_file(
        raw if raw is not None else (HEADINGS + body).encode(),
        keyworkers=KEYWORKERS,
        contacts_in_use=set(in_use),
        today=TODAY,
    )


def test_a_good_file_is_ready_with_each_person():
    checked = check(
        "Aisha Rahman,,07700 900123,Ewan@Service.org,2,20/11/2026,active\n"
        "Jo Smith,JO@example.org,,ewan@service.org,,2026-11-01,Paused\n"
    )
    assert checked.ready
    aisha, jo = checked.lines
    assert (aisha.number, aisha.mobile, aisha.keyworker_id, aisha.stage) == (2, "07700900123", 7, 2)
    assert aisha.start_date == date(2026, 11, 20)
    assert (jo.email, jo.status, jo.stage) == ("jo@example.org", "paused", None)


def test_excel_files_in_windows_1252_and_with_a_byte_order_mark_are_read():
    body = "Siobhán Ní Bhriain,,07700900124,ewan@service.org,1,,\n"
    assert check("", raw=(HEADINGS + body).encode("cp1252")).lines[0].name == "Siobhán Ní Bhriain"
    assert (
        check("", raw=(HEADINGS + body).encode("utf-8-sig")).lines[0].name == "Siobhán Ní Bhriain"
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (",,07700900123,ewan@service.org,,,", "The name is empty."),
        ("Amy,,,ewan@service.org,,,", "no email or mobile"),
        ("Amy,not-an-email,,ewan@service.org,,,", "is not an email address"),
        ("Amy,,0141 555 0000,ewan@service.org,,,", "not a UK mobile"),
        ("Amy,,07700900123,someone@else.org,,,", "No active keyworker here"),
        ("Amy,,07700900123,,,,", "keyworker's email is empty"),
        ("Amy,,07700900123,ewan@service.org,6,,", "from 1 to 5"),
        ("Amy,,07700900123,ewan@service.org,,31/02/2026,", "is not a date"),
        ("Amy,,07700900123,ewan@service.org,,01/01/2027,", "in the future"),
        ("Amy,,07700900123,ewan@service.org,,,closed", '"active" or "paused"'),
    ],
)
def test_each_kind_of_problem_is_named_on_its_line(line, problem):
    checked = check("Good Person,,07700900999,ewan@service.org,,,\n" + line + "\n")
    assert not checked.ready
    assert [bad.number for bad in checked.lines_with_problems] == [3]
    assert problem in " ".join(checked.lines_with_problems[0].problems)


def test_contacts_already_in_coplan_or_repeated_in_the_file_are_refused():
    checked = check(
        "One,,07700900123,ewan@service.org,,,\n"
        "Two,,07700 900123,ewan@service.org,,,\n"
        "Three,known@example.org,,ewan@service.org,,,\n",
        in_use={"known@example.org"},
    )
    problems = {line.number: " ".join(line.problems) for line in checked.lines_with_problems}
    assert problems == {
        3: "07700900123 is on an earlier line too.",
        4: "known@example.org is already someone's in CoPlan.",
    }


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"", "The file is empty."),
        (b"name,email\nAmy,amy@example.org\n", '"keyworker email" is missing'),
        (HEADINGS.encode(), "no people"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(raw, problem):
    checked = check("", raw=raw)
    assert not checked.ready and problem in checked.problem
