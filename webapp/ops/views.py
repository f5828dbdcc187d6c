"""Health checks for the load balancer and the people running CoPlan. No personal data."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify

from webapp.ops import queries
from webapp.web.extensions import db
from webapp.web.policy import public

bp = Blueprint("ops", __name__)


@bp.route("/healthz")
@public
def healthz():
    """The process is up and answering."""
    return jsonify(status="ok")


def migration_heads() -> set[str]:
    config = current_app.extensions["migrate"].migrate.get_config()
    return set(ScriptDirectory.from_config(config).get_heads())


@bp.route("/readyz")
@public
def readyz():
    """The database answers and its schema is at the newest migration."""
    try:
        current = queries.schema_heads(db.session)
    except Exception:  # any failure to reach the database means "not ready"
        current_app.logger.exception("Readiness check could not reach the database")
        return jsonify(status="unavailable", database="unreachable"), 503
    expected = migration_heads()
    if current != expected:
        return jsonify(status="unavailable", database="migrations pending"), 503
    return jsonify(status="ok", database="ok")
