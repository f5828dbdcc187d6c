"""SWEMWBS scoring and the validation of each answer of a check-in."""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import cache
from importlib import resources

from webapp.checkins.questions import (
    CONFIDENCE_RANGE,
    CONFIDENCE_SCALES,
    SWEMWBS_ITEMS,
    SWEMWBS_RANGE,
)

RAW_MIN, RAW_MAX = 7, 35
# Shah et al. (2018): a change of about 3 metric points is meaningful for one person.
MEANINGFUL_CHANGE = 3


@cache
def metric_table() -> dict[int, Decimal]:
    """The published raw-to-metric conversion table, shipped with CoPlan."""
    text = resources.files("webapp").joinpath("data/swemwbs_metric.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return {int(row["raw_score"]): Decimal(row["metric_score"]) for row in rows}


def raw_score(answers: dict[str, int]) -> int:
    """The sum of the seven SWEMWBS answers (7 to 35)."""
    return sum(answers[item.name] for item in SWEMWBS_ITEMS)


def metric_score(raw: int) -> Decimal:
    """Convert a raw SWEMWBS score with the published table, as the scale's guidance requires."""
    if not RAW_MIN <= raw <= RAW_MAX:
        raise ValueError(f"A raw SWEMWBS score is between {RAW_MIN} and {RAW_MAX}, not {raw}")
    return metric_table()[raw]


def _whole_number(value) -> int | None:
    # JSON true/false are ints in Python; a check-in answer never is.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def check_answers(data: dict) -> tuple[dict[str, int], dict[str, str]]:
    """Validate every answer on its own: (clean answers, {field: message in plain English})."""
    clean: dict[str, int] = {}
    errors: dict[str, str] = {}
    for item in SWEMWBS_ITEMS:
        value = _whole_number(data.get(item.name))
        if value is None or value not in SWEMWBS_RANGE:
            errors[item.name] = f"Choose how often for “{item.text}”."
        else:
            clean[item.name] = value
    for scale in CONFIDENCE_SCALES:
        value = _whole_number(data.get(scale.name))
        if value is None or value not in CONFIDENCE_RANGE:
            errors[scale.name] = f"Choose a number from 1 to 10 for {scale.text.lower()}."
        else:
            clean[scale.name] = value
    return clean, errors
