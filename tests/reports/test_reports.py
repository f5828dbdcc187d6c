"""Locality reports: the right figures for the locality and period, charts beside tables,
and CSV downloads a spreadsheet opens safely."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from webapp.models import (
    ContractType,
    Note,
    Outcome,
    OutcomeKind,
    PipelineStageChange,
)
from webapp.reports.csv import safe_cell
from webapp.reports.periods import quarter, quarter_of

Q3 = "2026-Q3"  # October to December 2026
IN_Q3 = datetime(2026, 11, 10, 12, tzinfo=UTC)


@pytest.fixture
def locality_data(make, session):
    here = make.locality(name="Here")
    there = make.locality(name="There")
    keyworker = make.keyworker(locality=here)
    a = make.participant(locality=here, keyworker=keyworker)
    b = make.participant(locality=here, keyworker=keyworker)
    elsewhere = make.participant(locality=there)

    def outcome(who, kind, day=date(2026, 11, 3), **extra):
        session.add(Outcome(participant_id=who.id, kind=kind, achieved_on=day, **extra))

    outcome(a, OutcomeKind.ENTERED_WORK, hours_per_week=16, contract_type=ContractType.PERMANENT)
    outcome(b, OutcomeKind.ENTERED_WORK, hours_per_week=20, contract_type=ContractType.PERMANENT)
    outcome(b, OutcomeKind.QUALIFICATION)
    outcome(a, OutcomeKind.QUALIFICATION, day=date(2026, 9, 1))  # the quarter before
    outcome(elsewhere, OutcomeKind.ENTERED_WORK, hours_per_week=30)
    for who, moves in ((a, [(None, 1), (1, 2), (2, 4)]), (b, [(None, 1), (1, 5)])):
        for from_stage, stage in moves:
            session.add(
                PipelineStageChange(
                    participant_id=who.id, from_stage=from_stage, stage=stage, changed_at=IN_Q3
                )
            )
    session.add(Note(participant_id=a.id, author_id=keyworker.id, body="x", created_at=IN_Q3))
    session.commit()
    return {"here": here, "manager": make.manager(locality=here), "keyworker": keyworker}


def table(page, key):
    section = page.select_one(f"[data-section={key}]")
    return {row.th.text: [td.text for td in row.select("td")] for row in section.select("tbody tr")}


def test_manager_sees_the_localitys_figures_for_the_quarter(pages, locality_data):
    pages.sign_in(locality_data["manager"])
    page = pages.get("reports.index", period=Q3)
    assert table(page, "engagement")["People engaged"] == ["2"]
    outcomes = table(page, "outcomes")
    assert outcomes["Entered work"] == ["2", "2"]  # not the other locality's job
    assert outcomes["Gained a qualification"] == ["1", "1"]  # not last quarter's
    stages = table(page, "stages")
    assert stages["4. Job entry"] == ["1"] and stages["5. In-work support"] == ["1"]
    assert table(page, "progressions") == {
        "Stage 1 to stage 2": ["1"],
        "Stage 1 to stage 5": ["1"],
        "Stage 2 to stage 4": ["1"],
    }
    jobs = table(page, "job_entries")
    assert jobs["All job entries"] == ["2", "18.0"]
    assert jobs["Permanent"] == ["2", "18.0"]
    assert table(page, "in_work")["In in-work support (stage 5)"] == ["1"]
    chart = page.select_one("[data-section=outcomes] svg")
    assert chart["role"] == "img" and chart.title.text.startswith("Outcomes by type")
    assert len(chart.select("rect")) == len(OutcomeKind)


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark, for Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_download_has_a_header_and_a_row_per_item(pages, locality_data):
    pages.sign_in(locality_data["manager"])
    response = pages.get("reports.download", key="outcomes", period=Q3).response
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Locality", "Period", "Outcome", "Outcomes", "People"]
    assert len(rows) == 1 + len(OutcomeKind)
    assert ["Here", Q3, "Entered work", "2", "2"] in rows


def test_quarterly_return_is_one_download(pages, locality_data):
    pages.sign_in(locality_data["manager"])
    rows = read_csv(pages.get("reports.quarterly_return", period=Q3).response)
    assert rows[0] == ["Locality", "Period", "Section", "Measure", "Value"]
    sections = {row[2] for row in rows[1:]}
    assert {
        "People engaged",
        "People by pipeline stage at the end of the period",
        "Progressions between stages",
        "Job entries",
        "In-work support",
    } <= sections
    assert ["Here", Q3, "Job entries", "All job entries: Job entries", "2"] in rows


def test_csv_cells_cannot_carry_formulas(pages, make):
    manager = make.manager(locality=make.locality(name='=HYPERLINK("http://evil")'))
    pages.sign_in(manager)
    rows = read_csv(pages.get("reports.download", key="engagement", period=Q3).response)
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 7700", "'+44 7700"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Aisha née Rahman", "Aisha née Rahman"),
        (-2.5, "-2.5"),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_reports_are_for_managers_only(pages, locality_data, make):
    pages.sign_in(locality_data["keyworker"])
    pages.get("reports.index", _expected_status=403)
    pages.get("reports.quarterly_return", _expected_status=403)


def test_admin_chooses_a_locality_or_all(pages, locality_data, make):
    pages.sign_in(make.admin())
    everywhere = pages.get("reports.index", period=Q3)
    assert table(everywhere, "outcomes")["Entered work"] == ["3", "3"]
    here = pages.get("reports.index", period=Q3, locality=locality_data["here"].id)
    assert table(here, "outcomes")["Entered work"] == ["2", "2"]


def test_financial_year_quarters():
    assert quarter(2026, 3).first == date(2026, 10, 1)
    assert quarter(2026, 4).last == date(2027, 3, 31)
    assert quarter_of(date(2027, 2, 14)).key == "2026-Q4"
    assert quarter_of(date(2026, 4, 1)).key == "2026-Q1"
    # Periods start at midnight in Scotland: 1 July is still BST, so 23:00 UTC on 30 June.
    assert quarter(2026, 2).start == datetime(2026, 6, 30, 23, tzinfo=UTC)


def test_an_erased_record_drops_out_of_the_quarter_after_its_erasure(session, locality_data):
    from sqlalchemy import select

    from webapp.models import User
    from webapp.privacy.erasure import anonymise
    from webapp.reports.figures import Scope, people_by_stage

    here = locality_data["here"]
    a = session.scalars(
        select(User)
        .join(PipelineStageChange, PipelineStageChange.participant_id == User.id)
        .where(PipelineStageChange.stage == 4)
    ).first()
    anonymise(session, a)
    a.profile.anonymised_at = datetime(2026, 12, 15, 12, tzinfo=UTC)  # erased in Q3
    session.commit()

    def stages(period):
        rows = people_by_stage(session, Scope([here.id], period)).rows
        return {label[:1]: n for label, n in rows}

    # The quarter it was erased in still counts what happened in it...
    assert stages(quarter(2026, 3))["4"] == 1
    # ...and from the next quarter on, the record counts nowhere.
    assert stages(quarter(2026, 4))["4"] == 0
    assert stages(quarter(2026, 4))["5"] == 1  # the other parent still counts
