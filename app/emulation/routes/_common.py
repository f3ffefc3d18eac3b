"""What several emulation pages share: saving an edit form, a file download, the unit
choices, and the policy's answer for records of the whole commune."""
from __future__ import annotations

from flask import Response

from app.units.choices import choices as unit_choices, units_for_choice
from app.core.editing import save as saving
from app.core.errors import Refused

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def commune_wide(_record) -> None:
    """The unit of a review, a criterion or a title: none, they are the whole commune's
    (their actions are granted on every unit or on none)."""
    return None


def save_form(form, save, reload):
    """Validate, then save as one unit of work (app/core/editing.py). Returns (None, None)
    when saved, else the status to answer with and, on a conflict, the record as stored now
    (its version put in the form, so the next save is a deliberate one; what the person
    typed stays in the form)."""
    if not form.validate():
        return 422, None
    try:
        saving(save)
    except Refused as e:
        e.apply_to(form)
        if not e.conflict:
            return e.status, None
        current = reload()
        form.version.data = current.version
        return 409, current
    return None, None


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def set_unit_choices(field, blank, keep=None):
    """The units a record may name (an archived one it already names kept)."""
    field.choices = unit_choices(units_for_choice([keep]), blank)
