"""Booking, moving and cancelling one-to-one sessions (``booking``), and what keyworkers and
parents set up (``setup``). Functions take a database session and plain values, only flush,
and leave the commit to the caller.

A one-to-one session never overlaps the parent's place at a group session, nor a group session
the keyworker leads: the slot search leaves that time out, and booking checks it again while
holding both people's locks (``guard.queue_for_people``), as a group place does.
"""

from webapp.sessions.operations.booking import (
    book_session,
    cancel_session,
    dismiss_session_notices,
    issue_feed_token,
    mark_attendance,
    reschedule_session,
    revoke_feed_tokens,
    undo_booking,
)
from webapp.sessions.operations.setup import (
    WindowRefused,
    add_availability_rule,
    add_free_window,
    add_time_off,
    remove_set_up,
    set_session_timing,
)

__all__ = [
    "WindowRefused",
    "add_availability_rule",
    "add_free_window",
    "add_time_off",
    "book_session",
    "cancel_session",
    "dismiss_session_notices",
    "issue_feed_token",
    "mark_attendance",
    "remove_set_up",
    "reschedule_session",
    "revoke_feed_tokens",
    "set_session_timing",
    "undo_booking",
]
