"""The document field, on the message form and on its own to add a document to a goal."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.datastructures import FileStorage
from wtforms.validators import ValidationError

from webapp.documents import files
from webapp.web.forms import BaseForm

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
HINT = "A PDF, or a photo or picture saved as JPEG or PNG, up to 5 MB."


class DocumentField(FileField):
    """A PDF, JPEG or PNG up to 5 MB, checked by what it holds. Once the form is valid,
    ``prepared`` holds the file ready to keep (files.Prepared), or None when none was chosen."""

    def __init__(self, label: str, validators=(), **kwargs):
        kwargs.setdefault("description", HINT)
        kwargs.setdefault("render_kw", {"accept": ACCEPT})
        checks = [*validators, FileAllowed(files.EXTENSIONS, files.NOT_ALLOWED), ready_to_keep]
        super().__init__(label, validators=checks, **kwargs)
        self.prepared: files.Prepared | None = None


def ready_to_keep(form, field: DocumentField) -> None:
    upload = field.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        return
    # One byte more than allowed is enough to know it is too big.
    data = upload.stream.read(files.MAX_BYTES + 1)
    try:
        field.prepared = files.prepare(upload.filename, data)
    except files.Refused as refused:
        raise ValidationError(refused.message) from refused


class DocumentForm(BaseForm):
    document = DocumentField("Choose a file", validators=[FileRequired("Choose a file to add.")])
