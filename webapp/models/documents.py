"""Documents a parent or their keyworker attach to a message or to a goal: a CV draft, a
childcare-funding letter, a photo of a form. Kept in the database itself, so that every
machine running CoPlan has them and a backup of the database is a backup of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import User

FILENAME_MAX = 120


class Document(Base):
    """One file, on a message of a parent's conversation or on a goal of their plan.

    ``content`` is the file as served: checked to be a PDF, JPEG or PNG, and for a picture
    drawn again without its metadata (no camera details, no location). It is loaded only when
    the file itself is asked for, never with a list of documents."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("(message_id IS NULL) <> (goal_id IS NULL)", name="on_one_thing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose conversation or plan it belongs to: who may see it follows from them.
    participant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goals.id"), index=True)
    filename: Mapped[str] = mapped_column(String(FILENAME_MAX))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    participant: Mapped[User] = relationship(foreign_keys=[participant_id])
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])

    @property
    def is_picture(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def size_label(self) -> str:
        """The size as a reader says it: "240 KB", "1.4 MB"."""
        if self.size < 1024 * 1024:
            return f"{max(1, round(self.size / 1024))} KB"
        return f"{self.size / (1024 * 1024):.1f} MB"
