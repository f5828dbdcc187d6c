"""A participant's journey: their check-ins over time, put into words and charts, and the
flags a keyworker should see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp import clock
from webapp.checkins.questions import CONFIDENCE_SCALES
from webapp.checkins.scoring import MEANINGFUL_CHANGE
from webapp.clock import LONDON
from webapp.models import CheckIn

JOURNEY_LIMIT = 200  # about four years of fortnightly check-ins


def checkins_for(session: Session, participant_id: int, limit: int = JOURNEY_LIMIT):
    """A participant's most recent check-ins, oldest first."""
    newest = session.scalars(
        select(CheckIn)
        .where(CheckIn.participant_id == participant_id)
        .order_by(CheckIn.recorded_at.desc(), CheckIn.id.desc())
        .limit(limit)
    ).all()
    return list(reversed(newest))


def latest_checkin(session: Session, participant_id: int) -> CheckIn | None:
    return session.scalar(
        select(CheckIn)
        .where(CheckIn.participant_id == participant_id)
        .order_by(CheckIn.recorded_at.desc(), CheckIn.id.desc())
        .limit(1)
    )


def latest_checkin_and_flags(
    session: Session, participant_id: int
) -> tuple[CheckIn | None, list[Flag]]:
    """One person's latest check-in and the flags it raises, from one read of their newest two."""
    newest = session.scalars(
        select(CheckIn)
        .where(CheckIn.participant_id == participant_id)
        .order_by(CheckIn.recorded_at.desc(), CheckIn.id.desc())
        .limit(2)
    ).all()
    if not newest:
        return None, []
    return newest[0], flags_for(newest[0], newest[1] if len(newest) > 1 else None)


def _month(moment: datetime) -> str:
    this_year = moment.astimezone(LONDON).year == clock.london_today().year
    return clock.show(moment, "month" if this_year else "month_year")


def wellbeing_summary(checkins: list[CheckIn], you: str = "Your") -> str:
    """The change in wellbeing since the first check-in, in words."""
    if not checkins:
        return f"{you} journey starts with the first check-in."
    if len(checkins) == 1:
        return f"{you} first check-in was in {_month(checkins[0].recorded_at)}."
    first, last = checkins[0], checkins[-1]
    change = round(last.swemwbs_metric - first.swemwbs_metric)
    since = _month(first.recorded_at)
    points = "point" if abs(change) == 1 else "points"
    if abs(last.swemwbs_metric - first.swemwbs_metric) < MEANINGFUL_CHANGE:
        # Smaller changes are within what the scale can measure: don't read too much into them.
        return f"{you} wellbeing is about the same as in {since}."
    direction = "up" if change > 0 else "down"
    return f"{you} wellbeing is {direction} {abs(change)} {points} since {since}."


def confidence_summary(checkins: list[CheckIn], you: str = "Your") -> str | None:
    """The confidence scale that has grown most since the first check-in, in words."""
    if len(checkins) < 2:
        return None
    first, last = checkins[0], checkins[-1]
    changes = [
        (getattr(last, s.name) - getattr(first, s.name), s.text.lower(), s.name)
        for s in CONFIDENCE_SCALES
    ]
    best = max(changes, key=lambda c: c[0])
    if best[0] <= 0:
        return None
    return (
        f"{you} confidence has grown most in {best[1]}: "
        f"from {getattr(first, best[2])} to {getattr(last, best[2])} out of 10."
    )


@dataclass(frozen=True)
class Flag:
    """Something about a participant's check-ins their keyworker should look at."""

    kind: str  # "wellbeing_drop" or "contact_me"
    message: str
    recorded_at: datetime


def flags_for(latest, previous) -> list[Flag]:
    """The flags one person's latest check-in raises, given the one before it (or None).

    A flag is raised when wellbeing fell by a meaningful amount (3 metric points or more) since
    the check-in before, or when the latest check-in asks the keyworker to get in touch. The
    latest needs ``swemwbs_metric``, ``recorded_at`` and ``contact_me``; the one before only
    ``swemwbs_metric``.
    """
    found = []
    if previous is not None:
        drop = round(previous.swemwbs_metric - latest.swemwbs_metric, 2)
        if drop >= MEANINGFUL_CHANGE:
            found.append(
                Flag(
                    "wellbeing_drop",
                    f"Wellbeing fell by {round(drop)} points at the last check-in",
                    latest.recorded_at,
                )
            )
    if latest.contact_me:
        found.append(Flag("contact_me", "Asked you to get in touch", latest.recorded_at))
    return found
