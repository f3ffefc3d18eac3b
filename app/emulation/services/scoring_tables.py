"""The lists the secretariat keeps: the scoring table of each kind of unit (its criteria)
and the titles and forms of commendation."""
from __future__ import annotations

from decimal import Decimal
from typing import Mapping, Optional

from sqlalchemy import func, select

from app.emulation.models import METHODS, AwardTitle, Criterion
from app.emulation.services.rows import save_row
from app.core.errors import Refused
from app.core.extensions import db
from app.units.models import UNIT_KINDS
from app.core.vietnamese import _l

CRITERION_FIELDS = ("unit_kind", "title", "description", "max_points", "method", "sort_order",
                    "active")
TITLE_FIELDS = ("name", "kind", "nominee_kind", "level", "authority", "sort_order", "active")


def save_criterion(c: Optional[Criterion], values: Mapping, version=None) -> Criterion:
    if values["unit_kind"] not in UNIT_KINDS or values["method"] not in METHODS:
        raise Refused(_l("Lựa chọn không hợp lệ."))
    if not Decimal(0) < values["max_points"] <= 100:
        raise Refused(_l("Điểm tối đa phải lớn hơn 0 và không quá 100."),
                      fields={"max_points": _l("Điểm tối đa phải lớn hơn 0 và không quá 100.")})
    return save_row(c, Criterion, CRITERION_FIELDS, values, version, _l("Tiêu chí"),
                    "criterion")


def add_criterion(values: Mapping) -> Criterion:
    """A new criterion, last in its kind's table."""
    last = db.session.scalar(select(func.max(Criterion.sort_order)).where(
        Criterion.unit_kind == values["unit_kind"]))
    return save_criterion(None, {**values, "sort_order": (last or 0) + 1})


def kind_totals(by_kind: Mapping[str, list[Criterion]]) -> dict[str, Decimal]:
    return {k: sum((c.max_points for c in rows if c.active), Decimal(0))
            for k, rows in by_kind.items()}


def save_title(t: Optional[AwardTitle], values: Mapping, version=None) -> AwardTitle:
    taken = db.session.scalar(select(AwardTitle.id).where(
        func.lower(AwardTitle.name) == values["name"].lower()))
    if taken is not None and (t is None or taken != t.id):
        raise Refused(_l("Đã có danh hiệu, hình thức mang tên này."),
                      fields={"name": _l("Đã có danh hiệu, hình thức mang tên này.")})
    return save_row(t, AwardTitle, TITLE_FIELDS, values, version, _l("Danh hiệu, hình thức"),
                    "award_title")


def add_title(values: Mapping) -> AwardTitle:
    """A new title or form of commendation, last in the list."""
    count = db.session.scalar(select(func.count()).select_from(AwardTitle))
    return save_title(None, {**values, "sort_order": count + 1})
