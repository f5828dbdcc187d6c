"""Erasing a participant: everything that identifies them is removed, and what is left keeps
the service's anonymous counts (sessions held, scores, outcomes) true."""

from __future__ import annotations

from sqlalchemy import JSON, Enum, String, Text, delete, select, update
from sqlalchemy.orm import Session

from webapp.auth.operations import new_session_token
from webapp.models import (
    AccessToken,
    Base,
    Document,
    OutboxMail,
    ParticipantProfile,
    ParticipantStatus,
    PushSubscription,
    User,
    utcnow,
)
from webapp.privacy.export import collect

# Rows kept exactly as they are: the audit log must stay true, and holds no free text.
UNTOUCHED_TABLES = {"audit_events", "users", "participant_profiles"}
# Rows removed outright: they exist only to reach the person.
DELETED_ROWS = (AccessToken, OutboxMail, PushSubscription)
# Files removed outright, whoever added them: a CV or a letter is the person through and through.
DELETED_FILES = (Document,)
ERASED_NAME = "Erased participant"


def _free_text_columns(table):
    for column in table.columns:
        if column.primary_key or column.foreign_keys or column.unique:
            continue
        if isinstance(column.type, Enum):
            continue  # a fixed choice such as a status, not something a person wrote
        if (
            isinstance(column.type, String | Text)
            or isinstance(column.type, JSON)
            and column.name.endswith(("_text", "notes", "note"))
            or column.info.get("free_text")
        ):
            yield column


def anonymise(session: Session, participant: User) -> int:
    """Remove everything identifying about a participant. Returns how many rows were changed."""
    now = utcnow()
    data = collect(session, participant.id)
    changed = 0
    for model in DELETED_ROWS:
        changed += session.execute(delete(model).where(model.user_id == participant.id)).rowcount
    for model in DELETED_FILES:
        changed += session.execute(
            delete(model).where(model.participant_id == participant.id)
        ).rowcount
    for table_name, rows in data.tables.items():
        if table_name in UNTOUCHED_TABLES:
            continue
        table = Base.metadata.tables[table_name]
        columns = list(_free_text_columns(table))
        key = list(table.primary_key.columns)
        if not columns or not key or len(key) != 1:
            continue
        ids = [row[key[0].name] for row in rows]
        values = {c.name: (None if c.nullable else "") for c in columns}
        changed += session.execute(update(table).where(key[0].in_(ids)).values(**values)).rowcount
    participant.name = ERASED_NAME
    participant.email = None
    participant.phone = None
    participant.password_hash = None
    participant.session_token = new_session_token()
    participant.is_active = False
    profile = session.scalar(
        select(ParticipantProfile).where(ParticipantProfile.user_id == participant.id)
    )
    if profile is not None:
        profile.children_stages = []
        profile.status = ParticipantStatus.CLOSED
        profile.closed_at = profile.closed_at or now
        profile.anonymised_at = now
    session.flush()
    return changed + 1
