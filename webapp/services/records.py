"""Whether a participant's record can take anything new: the one guard every area's writes
call before adding to a record.

An erased record (``anonymised_at`` set) is closed for good: no note, outcome, referral,
stage, booking, group place, plan change, message, invitation or reset link can be added to
it. Each area raises its own refusal, so its views already know how to answer it."""

from __future__ import annotations

from collections.abc import Callable

from webapp.models import User

ERASED = "This record has been erased, so nothing more can be added to it."


class RecordErased(Exception):
    """Something was to be added to an erased record."""

    def __init__(self, message: str = ERASED):
        super().__init__(message)
        self.message = message


def ensure_record_open(
    participant: User, refusal: Callable[[str], Exception] = RecordErased
) -> None:
    """Refuse, with ``refusal(message)``, to add to an erased participant's record."""
    if participant.is_erased:
        raise refusal(ERASED)


CLOSED = "This record is closed, so nothing can be booked on it until it is reopened."


def ensure_can_book(participant: User, refusal: Callable[[str], Exception] = RecordErased) -> None:
    """Refuse a booking on an erased record, or on a closed one (closing cancelled what was
    booked; booking again waits until the record is reopened)."""
    ensure_record_open(participant, refusal)
    profile = participant.profile
    if profile is not None and profile.is_closed:
        raise refusal(CLOSED)
