"""Answers that serve both a whole page and an htmx fragment, and the commit-or-refuse idiom.

Every area's views use these, so that "run the operation, commit, or roll back and show the
refusal" reads the same everywhere and a fragment always says it varies by ``HX-Request``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Response, make_response, render_template, request

from webapp.web.extensions import db


def is_htmx() -> bool:
    """Whether htmx, not a plain navigation, made this request."""
    return request.headers.get("HX-Request") == "true"


def vary_on_htmx(response: Response) -> Response:
    """An ``after_request`` hook for blueprints whose addresses answer a page or a fragment."""
    response.vary.add("HX-Request")
    return response


def fragment(template: str, status: int = 200, retarget: str | None = None, **context):
    """An htmx answer; ``retarget`` sends it somewhere other than where the request aimed."""
    response = make_response(render_template(template, **context), status)
    if retarget:
        response.headers["HX-Retarget"] = f"#{retarget}"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


class Outcome:
    """What :func:`committed` did: ``refusal`` is the refused operation's exception, or None."""

    __slots__ = ("refusal",)

    def __init__(self) -> None:
        self.refusal: Exception | None = None


@contextmanager
def committed(*refusals: type[Exception]) -> Iterator[Outcome]:
    """Commit what the block did, or, if it raised one of ``refusals``, roll it all back.

    The request commits once and an operation only flushes, so a refusal leaves nothing
    half-written; the view then answers with ``outcome.refusal``::

        with committed(ops.StaleVersion) as saved:
            ops.edit_goal(db.session, ...)
        if saved.refusal:
            return goal_conflict(goal_id, form)
    """
    outcome = Outcome()
    try:
        yield outcome
    except refusals as refusal:
        db.session.rollback()
        outcome.refusal = refusal
    else:
        db.session.commit()
