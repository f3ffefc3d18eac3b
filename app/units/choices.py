"""Reading units for choices and lists: the order a commune reads them in."""
from flask_babel import gettext as _
from sqlalchemy import or_, select
from wtforms.fields.choices import SelectChoice

from app.core.extensions import db
from app.units.models import UNIT_KINDS, Unit
from app.core.vietnamese import sort_key

_KIND_RANK = {kind: i for i, kind in enumerate(UNIT_KINDS)}


def unit_order(unit: Unit) -> tuple:
    return (_KIND_RANK.get(unit.kind, len(_KIND_RANK)), unit.sort_order, sort_key(unit.name))


def units_for_choice(keep_ids=()) -> list[Unit]:
    """Units that are not archived, plus any archived one a record already names (so an
    old choice is shown, not silently dropped), in reading order."""
    keep = [i for i in keep_ids if i is not None]
    stmt = select(Unit).where(or_(Unit.archived_at.is_(None), Unit.id.in_(keep)))
    return sorted(db.session.scalars(stmt), key=unit_order)


def unit_label(unit: Unit) -> str:
    label = unit.name
    if unit.archived_at is not None:
        label += " " + _("(đã lưu trữ)")
    return label


def choices(units, blank=None) -> list[SelectChoice]:
    out = [SelectChoice("", blank)] if blank is not None else []
    return out + [SelectChoice(u.id, unit_label(u)) for u in units]
