"""Reading and applying a parent's contact choices. Plain functions of a session and values."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.clock import LONDON, utcnow
from webapp.models import ContactChoice, User
from webapp.models.contact import CHANNELS, PURPOSES
from webapp.services.push import push_enabled
from webapp.services.sms import NotAMobile, normalise_phone, texts_enabled, uk_mobile


def choice_for(session: Session, user: User) -> ContactChoice:
    """The parent's choices, or CoPlan's defaults (not stored) when they haven't made any."""
    return session.get(ContactChoice, user.id) or ContactChoice(
        user_id=user.id,
        **{f"{p}_by_{c}": p != "plans" for p in PURPOSES for c in CHANNELS},
        quiet_from=time(21),
        quiet_until=time(8),
    )


def can_text(user: User) -> bool:
    """Whether this parent can get texts here: a provider is set up and they have a mobile."""
    if not texts_enabled() or not user.phone:
        return False
    try:
        uk_mobile(user.phone)
    except NotAMobile:
        return False
    return True


def available_channels(user: User) -> list[str]:
    """The channels this parent could be reached by, in the order the page offers them."""
    available = {"text": can_text(user), "email": bool(user.email), "push": push_enabled()}
    return [channel for channel in CHANNELS if available[channel]]


def channels_for(session: Session, user: User, purpose: str) -> list[str]:
    """The channels to use to tell this parent about ``purpose``: chosen and available."""
    choice = choice_for(session, user)
    return [c for c in available_channels(user) if choice.wants(purpose, c)]


def is_quiet(choice: ContactChoice | QuietHours, moment: datetime) -> bool:
    """Whether ``moment`` falls in the parent's quiet hours (no texts then)."""
    local = moment.astimezone(LONDON).time()
    start, end = choice.quiet_from, choice.quiet_until
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_ends(choice: ContactChoice | QuietHours, moment: datetime) -> datetime:
    """The first moment after ``moment`` outside the quiet hours (itself when not quiet)."""
    if not is_quiet(choice, moment):
        return moment
    local = moment.astimezone(LONDON)
    end = datetime.combine(local.date(), choice.quiet_until, LONDON)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), choice.quiet_until, LONDON)
    return end


class QuietHours(NamedTuple):
    quiet_from: time
    quiet_until: time


# The service sends no text between 21:00 and 08:00, whatever a parent's own hours say.
NIGHT = QuietHours(time(21), time(8))


def texts_allowed_from(choice: ContactChoice, moment: datetime) -> datetime:
    """The first moment from ``moment`` outside both the night and the parent's quiet hours
    (``moment`` itself when a text may go now)."""
    for _ in range(3):  # each step leaves one stretch; two stretches can touch
        later = max(quiet_ends(NIGHT, moment), quiet_ends(choice, moment))
        if later == moment:
            break
        moment = later
    return moment


def save_choice(session: Session, user: User, **values) -> ContactChoice:
    """Keep the parent's choices; turning texts on again lifts an earlier STOP."""
    choice = session.get(ContactChoice, user.id)
    if choice is None:
        choice = ContactChoice(user_id=user.id)
        session.add(choice)
    for name, value in values.items():
        setattr(choice, name, value)
    if any(values.get(f"{p}_by_text") for p in PURPOSES):
        choice.texts_stopped_at = None
    choice.updated_at = utcnow()
    session.flush()
    return choice


def stop_texts(session: Session, user: User) -> None:
    """A STOP reply: no more texts of any kind, at once."""
    choice = session.get(ContactChoice, user.id)
    if choice is None:
        choice = choice_for(session, user)
        session.add(choice)
    choice.texts_stopped_at = utcnow()
    session.flush()


def stop_texts_to(session: Session, number: str) -> bool:
    """A STOP from this number: the parent who has it gets no more texts. Whether anyone did."""
    parent = session.scalar(select(User).where(User.phone == normalise_phone(number)))
    if parent is None:
        return False
    stop_texts(session, parent)
    return True
