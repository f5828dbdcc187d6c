"""The caseload import forms."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from webapp.web.forms import BaseForm

MAX_FILE_BYTES = 1_000_000


class CaseloadFileForm(BaseForm):
    locality_id = SelectField("Locality", coerce=int)
    file = FileField(
        "The caseload as a CSV file",
        description=(
            "Save the spreadsheet as CSV. Columns: name, email, mobile, keyworker email, stage "
            "(1 to 5), start date, status (active or paused). Each person needs an email or a "
            "mobile."
        ),
        validators=[
            FileRequired("Choose the CSV file."),
            FileSize(MAX_FILE_BYTES, message="The file is bigger than 1 MB: split it up."),
        ],
    )


class ConfirmImportForm(BaseForm):
    """Carries the checked file back, so that importing checks exactly what was shown."""

    locality_id = HiddenField(validators=[DataRequired()])
    content = HiddenField(validators=[DataRequired()])
