"""What a locality sets up for its sessions: its venues and its school calendar (the school
day, terms, holidays and in-service days)."""

from __future__ import annotations

import enum
from datetime import date, time

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base
from webapp.models.people import Locality, str_enum


class CalendarEntryKind(enum.StrEnum):
    TERM = "term"
    HOLIDAY = "holiday"
    IN_SERVICE = "in-service"

    @property
    def label(self) -> str:
        return {
            CalendarEntryKind.TERM: "Term",
            CalendarEntryKind.HOLIDAY: "Holiday",
            CalendarEntryKind.IN_SERVICE: "In-service day",
        }[self]


class Venue(Base):
    """A place in a locality where sessions happen."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(Text)
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    has_creche: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)

    locality: Mapped[Locality] = relationship()


class SchoolCalendar(Base):
    """A locality's school day; its terms and holidays are ``SchoolCalendarEntry`` rows."""

    __tablename__ = "school_calendars"

    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"), primary_key=True)
    day_starts: Mapped[time] = mapped_column(default=time(9, 15))
    day_ends: Mapped[time] = mapped_column(default=time(14, 45))


class SchoolCalendarEntry(Base):
    """A term, a holiday or an in-service day (inclusive dates) in a locality."""

    __tablename__ = "school_calendar_entries"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"), index=True)
    kind: Mapped[CalendarEntryKind] = mapped_column(str_enum(CalendarEntryKind))
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
