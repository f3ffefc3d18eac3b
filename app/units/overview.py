"""Every unit's milestones counted by status, late units first: the office's and the chair's
view. Two statements whatever the number of units or milestones."""
from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import and_, case, func, select

from app.extensions import db
from app.milestones.service import overdue_clause
from app.plans.models import MILESTONE_STATUSES, Milestone, Plan
from app.units.models import UNIT_KINDS, Unit

OVERDUE = "overdue"  # a status filter that is computed, not stored
LATE_SHOWN = 30


@dataclass
class Filters:
    area_id: Optional[int] = None
    kind: Optional[str] = None
    status: Optional[str] = None

    @property
    def narrowing(self) -> bool:
        # filtering by what milestones are: units with none that match drop out
        return self.area_id is not None or self.status is not None


@dataclass
class UnitRow:
    slug: str
    name: str
    kind: str
    total: int
    overdue: int
    counts: dict

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)


def read_filters(args, area_ids) -> Filters:
    """Filters from a query string; an unknown value is ignored, never an error."""
    area = args.get("area", type=int)
    kind = args.get("kind") or None
    status = args.get("status") or None
    return Filters(area_id=area if area in area_ids else None,
                   kind=kind if kind in UNIT_KINDS else None,
                   status=status if status in MILESTONE_STATUSES or status == OVERDUE else None)


def _milestone_conditions(commune_plan_id: int, on: date, f: Filters) -> list:
    conds = [Milestone.plan_id.in_(select(Plan.id).where(Plan.parent_id == commune_plan_id))]
    if f.area_id is not None:
        conds.append(Milestone.area_id == f.area_id)
    if f.status == OVERDUE:
        conds.append(overdue_clause(on))
    elif f.status is not None:
        conds.append(Milestone.status == f.status)
    return conds


def _kind_order():
    return case({kind: i for i, kind in enumerate(UNIT_KINDS)}, value=Unit.kind, else_=99)


def unit_rows(commune_plan_id: int, on: date, f: Filters) -> list[UnitRow]:
    late = func.coalesce(func.sum(case((overdue_clause(on), 1), else_=0)), 0)
    per_status = [func.coalesce(func.sum(case((Milestone.status == s, 1), else_=0)), 0)
                  for s in MILESTONE_STATUSES]
    total = func.count(Milestone.id)
    stmt = (select(Unit.slug, Unit.name, Unit.kind, total, late, *per_status)
            .outerjoin(Milestone, and_(Milestone.unit_id == Unit.id,
                                       *_milestone_conditions(commune_plan_id, on, f)))
            .where(Unit.archived_at.is_(None))
            .group_by(Unit.id, Unit.slug, Unit.name, Unit.kind, Unit.sort_order)
            .order_by(late.desc(), _kind_order(), Unit.sort_order, Unit.name))
    if f.kind is not None:
        stmt = stmt.where(Unit.kind == f.kind)
    if f.narrowing:
        stmt = stmt.having(total > 0)
    return [UnitRow(slug, name, kind, n, int(late_n), dict(zip(MILESTONE_STATUSES, map(int, counts))))
            for slug, name, kind, n, late_n, *counts in db.session.execute(stmt)]


def late_milestones(commune_plan_id: int, on: date, f: Filters, limit=LATE_SHOWN):
    """The overdue milestones themselves, longest late first: who is late, with what."""
    stmt = (select(Milestone.id, Milestone.title, Milestone.due_on, Milestone.status,
                   Unit.slug, Unit.name)
            .join(Unit, Unit.id == Milestone.unit_id)
            .where(*_milestone_conditions(commune_plan_id, on, f), overdue_clause(on),
                   Unit.archived_at.is_(None))
            .order_by(Milestone.due_on, Milestone.id).limit(limit))
    if f.kind is not None:
        stmt = stmt.where(Unit.kind == f.kind)
    return db.session.execute(stmt).all()
