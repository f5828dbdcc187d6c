"""How each parent wants CoPlan to reach them, for each kind of thing it tells them."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, utcnow

# What CoPlan tells a parent about, and the ways it can.
PURPOSES = ("reminders", "messages", "plans")
CHANNELS = ("text", "email", "push")


class ContactChoice(Base):
    """A parent's choice of channels for each purpose, and the hours not to text them.

    No row means CoPlan's defaults (contact.choices.DEFAULTS): every channel the parent can get
    for reminders and messages, nothing for plan changes."""

    __tablename__ = "contact_choices"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    reminders_by_text: Mapped[bool] = mapped_column(default=True)
    reminders_by_email: Mapped[bool] = mapped_column(default=True)
    reminders_by_push: Mapped[bool] = mapped_column(default=True)
    messages_by_text: Mapped[bool] = mapped_column(default=True)
    messages_by_email: Mapped[bool] = mapped_column(default=True)
    messages_by_push: Mapped[bool] = mapped_column(default=True)
    plans_by_text: Mapped[bool] = mapped_column(default=False)
    plans_by_email: Mapped[bool] = mapped_column(default=False)
    plans_by_push: Mapped[bool] = mapped_column(default=False)
    # Local (Europe/London) wall times; the quiet stretch runs overnight from one to the other.
    quiet_from: Mapped[time] = mapped_column(default=time(21))
    quiet_until: Mapped[time] = mapped_column(default=time(8))
    # A STOP reply: no texts at all until the parent turns them on again here.
    texts_stopped_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def wants(self, purpose: str, channel: str) -> bool:
        if channel == "text" and self.texts_stopped_at is not None:
            return False
        return bool(getattr(self, f"{purpose}_by_{channel}"))
