"""All of CoPlan's tables. Each area's models live in their own module, imported here
so that Alembic and the app see one complete metadata."""

from webapp.models.audit import AuditEvent, AuditLogIsAppendOnly
from webapp.models.base import Base, UTCDateTime, utcnow
from webapp.models.checkins import CheckIn
from webapp.models.people import (
    SCHOOL_STAGE_LABELS,
    STAFF_ROLES,
    AccessToken,
    Locality,
    OutboxMail,
    ParticipantProfile,
    ParticipantStatus,
    Role,
    SchoolStage,
    TokenPurpose,
    User,
)
from webapp.models.privacy import (
    ErasureRequest,
    ErasureStatus,
    RecoveryCode,
    TwoFactorCredential,
)

__all__ = [
    "SCHOOL_STAGE_LABELS",
    "STAFF_ROLES",
    "AccessToken",
    "AuditEvent",
    "AuditLogIsAppendOnly",
    "Base",
    "CheckIn",
    "ErasureRequest",
    "ErasureStatus",
    "RecoveryCode",
    "TwoFactorCredential",
    "Locality",
    "OutboxMail",
    "ParticipantProfile",
    "ParticipantStatus",
    "Role",
    "SchoolStage",
    "TokenPurpose",
    "UTCDateTime",
    "User",
    "utcnow",
]
