"""What several emulation pages share: a file download, the unit choices, and the policy's
answer for records of the whole commune."""
from __future__ import annotations

from flask import Response

from app.units.choices import choices as unit_choices, units_for_choice

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def commune_wide(_record) -> None:
    """The unit of a review, a criterion or a title: none, they are the whole commune's
    (their actions are granted on every unit or on none)."""
    return None


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def set_unit_choices(field, blank, keep=None):
    """The units a record may name (an archived one it already names kept)."""
    field.choices = unit_choices(units_for_choice([keep]), blank)
