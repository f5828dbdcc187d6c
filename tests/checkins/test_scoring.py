"""SWEMWBS scores: the published conversion table, row by row, and each answer's validation."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from tests.checkins.helpers import answers
from webapp.checkins import scoring
from webapp.checkins.questions import CONFIDENCE_SCALES, SWEMWBS_ITEMS

SHARED_TABLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "swemwbs_metric.csv"
PACKAGED_TABLE = Path(scoring.__file__).resolve().parents[1] / "data" / "swemwbs_metric.csv"
TABLE_PATH = SHARED_TABLE if SHARED_TABLE.exists() else PACKAGED_TABLE
PUBLISHED = [
    (int(row["raw_score"]), Decimal(row["metric_score"]))
    for row in csv.DictReader(TABLE_PATH.read_text().splitlines())
]


def test_the_table_covers_every_raw_score():
    assert [raw for raw, _ in PUBLISHED] == list(range(7, 36))


@pytest.mark.parametrize(("raw", "metric"), PUBLISHED)
def test_raw_scores_convert_with_the_published_table(raw, metric):
    assert scoring.metric_score(raw) == metric


@pytest.mark.parametrize(("raw", "metric"), PUBLISHED)
def test_answers_that_add_up_to_a_raw_score_get_its_metric_score(raw, metric):
    # Spread the raw score over the seven answers as evenly as it goes.
    base, extra = divmod(raw, 7)
    given = answers()
    for n, item in enumerate(SWEMWBS_ITEMS):
        given[item.name] = base + (1 if n < extra else 0)
    clean, errors = scoring.check_answers(given)
    assert errors == {}
    assert scoring.raw_score(clean) == raw
    assert scoring.metric_score(scoring.raw_score(clean)) == metric


@pytest.mark.parametrize("raw", [0, 6, 36, -1])
def test_raw_scores_outside_7_to_35_are_refused(raw):
    with pytest.raises(ValueError):
        scoring.metric_score(raw)


def test_a_complete_check_in_is_valid():
    clean, errors = scoring.check_answers(answers())
    assert errors == {}
    assert len(clean) == 13


@pytest.mark.parametrize("item", [item.name for item in SWEMWBS_ITEMS])
@pytest.mark.parametrize("bad", [None, 0, 6, "", "often", 2.5, True, "-1"])
def test_each_wellbeing_answer_must_be_1_to_5(item, bad):
    _, errors = scoring.check_answers(answers() | {item: bad})
    assert list(errors) == [item]
    assert errors[item].startswith("Choose how often")


@pytest.mark.parametrize("scale", [scale.name for scale in CONFIDENCE_SCALES])
@pytest.mark.parametrize("bad", [None, 0, 11, "", "ten", 7.5, False])
def test_each_confidence_answer_must_be_1_to_10(scale, bad):
    _, errors = scoring.check_answers(answers() | {scale: bad})
    assert list(errors) == [scale]
    assert "1 to 10" in errors[scale]


@pytest.mark.parametrize("good", [1, 5, "3", " 4 "])
def test_answers_may_arrive_as_numbers_or_form_text(good):
    _, errors = scoring.check_answers(answers() | {"relaxed": good})
    assert errors == {}


@pytest.mark.skipif(not SHARED_TABLE.exists(), reason="the shared reference data is not beside")
def test_the_packaged_table_is_the_shared_reference_table():
    assert PACKAGED_TABLE.read_text() == SHARED_TABLE.read_text()
