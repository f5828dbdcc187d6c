"""What a check-in asks: the seven SWEMWBS statements and CoPlan's own confidence scales."""

from __future__ import annotations

from typing import NamedTuple


class Question(NamedTuple):
    name: str
    text: str


# SWEMWBS, in the scale's own order and words. Each is answered 1 to 5.
SWEMWBS_ITEMS = [
    Question("optimistic", "I've been feeling optimistic about the future"),
    Question("useful", "I've been feeling useful"),
    Question("relaxed", "I've been feeling relaxed"),
    Question("problems", "I've been dealing with problems well"),
    Question("thinking", "I've been thinking clearly"),
    Question("close", "I've been feeling close to other people"),
    Question("own_mind", "I've been able to make up my own mind about things"),
]
SWEMWBS_ANSWERS = [
    (1, "None of the time"),
    (2, "Rarely"),
    (3, "Some of the time"),
    (4, "Often"),
    (5, "All of the time"),
]
SWEMWBS_COPYRIGHT = "© NHS Health Scotland, University of Warwick and University of Edinburgh, 2008"
SWEMWBS_NAME = "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)"

# CoPlan's own words, answered 1 (not at all confident) to 10 (very confident).
CONFIDENCE_SCALES = [
    Question("confidence_work", "Work"),
    Question("confidence_money", "Money"),
    Question("confidence_childcare", "Childcare"),
    Question("confidence_health", "Health"),
    Question("confidence_skills", "Skills"),
    Question("confidence_support", "Support around me"),
]
CONFIDENCE_RANGE = range(1, 11)
SWEMWBS_RANGE = range(1, 6)

NOTE_MAX_LENGTH = 2000

ANSWER_FIELDS = [q.name for q in SWEMWBS_ITEMS] + [q.name for q in CONFIDENCE_SCALES]
