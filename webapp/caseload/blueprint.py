"""The caseload blueprint, defined once: the caseload, each participant's record and its
entries, and a parent's own notes add their routes to it (``webapp.caseload.routes``)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("caseload", __name__, url_prefix="/people")
