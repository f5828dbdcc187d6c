"""What the reports page reads beyond the figures themselves."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Locality


def localities(session: Session) -> list[Locality]:
    """Every locality, by name: an admin's choice of whose report to read."""
    return list(session.scalars(select(Locality).order_by(Locality.name)))
