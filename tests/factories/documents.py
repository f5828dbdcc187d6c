"""Files to upload, and documents already kept on a message or a goal (only flushed)."""

from __future__ import annotations

import io
import uuid

from PIL import Image

from webapp.models import Document, Goal, Message, User, utcnow

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML_CLAIMING_TO_BE_A_PDF = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
# Where the photo was taken, as a phone writes it: 55.86 N, 4.25 W (Glasgow).
GPS = {1: "N", 2: (55.0, 51.0, 36.0), 3: "W", 4: (4.0, 15.0, 0.0)}
GPS_IFD = 0x8825


def jpeg_with_location(width: int = 64, height: int = 48) -> bytes:
    """A photo as a phone saves it: EXIF with the camera's make and where it was taken."""
    image = Image.new("RGB", (width, height), "teal")
    exif = image.getexif()
    exif[0x010F] = "Acme Phone"  # make
    exif[GPS_IFD] = GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def make_message(session, *, participant: User, author: User, body: str = "Here it is") -> Message:
    message = Message(
        uuid=str(uuid.uuid4()),
        participant_id=participant.id,
        author_id=author.id,
        body=body,
        sent_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def make_document(
    session,
    *,
    participant: User,
    uploaded_by: User,
    message: Message | None = None,
    goal: Goal | None = None,
    filename: str = "CV draft.pdf",
    content: bytes = PDF,
) -> Document:
    """A PDF kept on a message of the parent's conversation (one is made) or on a goal."""
    if message is None and goal is None:
        message = make_message(session, participant=participant, author=uploaded_by)
    document = Document(
        participant_id=participant.id,
        uploaded_by_id=uploaded_by.id,
        message_id=message.id if message else None,
        goal_id=goal.id if goal else None,
        filename=filename,
        content_type="application/pdf",
        size=len(content),
        content=content,
    )
    session.add(document)
    session.flush()
    return document
