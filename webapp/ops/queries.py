"""What the health checks ask the database."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.orm import Session


def schema_heads(session: Session) -> set[str]:
    """The migrations the database is at, asked on the request's own connection: on SQLite a
    second connection would wait for its lock."""
    connection = session.connection()
    connection.execute(text("SELECT 1"))
    return set(MigrationContext.configure(connection).get_current_heads())
