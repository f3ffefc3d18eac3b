"""Every unit's milestones counted by status, late units first: the office's and the chair's
view. Two statements whatever the number of units or milestones, each built once per
process and combination of filters (functools.cache) and executed with the filters' values."""
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Optional

from flask import request
from sqlalchemy import bindparam, case, func, select

from app.core.errors import Refused
from app.core.extensions import db
from app.milestones.service import overdue_clause
from app.plans.models import Plan
from app.milestones.models import MILESTONE_STATUSES, Milestone
from app.units.models import UNIT_KINDS, Unit
from app.core.params import ID_MAX, query_int

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


def lenient_int(name: str, default=None, lo: int = 1, hi: int = ID_MAX):
    """query_int for a filter, where a bad one means "not given": the list still makes
    sense without it (every unit shown, the filter's select says so), as an unknown kind."""
    try:
        return query_int(name, default, lo, hi)
    except Refused:
        return default


def read_filters(area_ids) -> Filters:
    """The overview's filters from the query string (?area=…&kind=…&status=…), `area_ids`
    the areas of the plan shown. A value that is not one of them is ignored, never an error."""
    area = lenient_int("area")
    kind = request.args.get("kind") or None
    status = request.args.get("status") or None
    return Filters(area_id=area if area in area_ids else None,
                   kind=kind if kind in UNIT_KINDS else None,
                   status=status if status in MILESTONE_STATUSES or status == OVERDUE else None)


def _milestone_conditions(area: bool, status: Optional[str]) -> list:
    """WHERE parts for the milestones counted; status is None, OVERDUE or "one" (a stored
    status)."""
    conds = [Milestone.plan_id.in_(select(Plan.id).where(Plan.parent_id == bindparam("plan_id")))]
    if area:
        conds.append(Milestone.area_id == bindparam("area_id"))
    if status == OVERDUE:
        conds.append(overdue_clause(bindparam("today")))
    elif status is not None:
        conds.append(Milestone.status == bindparam("status"))
    return conds


def _kind_order():
    return case({kind: i for i, kind in enumerate(UNIT_KINDS)}, value=Unit.kind, else_=99)


def _variant(f: Filters):
    status = None if f.status is None else OVERDUE if f.status == OVERDUE else "one"
    return f.area_id is not None, status, f.kind is not None


def _params(commune_plan_id: int, on: date, f: Filters) -> dict:
    params = {"plan_id": commune_plan_id, "today": on}
    if f.area_id is not None:
        params["area_id"] = f.area_id
    if f.status not in (None, OVERDUE):
        params["status"] = f.status
    if f.kind is not None:
        params["kind"] = f.kind
    return params


@cache
def _unit_rows_stmt(area: bool, status: Optional[str], kind: bool):
    # the milestones counted in one pass, grouped by unit, then joined to the units: joined
    # first, a planner without statistics scanned the milestones once per unit (issue 33)
    counted = (select(Milestone.unit_id, func.count(Milestone.id).label("total"),
                      func.sum(case((overdue_clause(bindparam("today")), 1), else_=0)).label("late"),
                      *(func.sum(case((Milestone.status == s, 1), else_=0)).label(s)
                        for s in MILESTONE_STATUSES))
               .where(*_milestone_conditions(area, status))
               .group_by(Milestone.unit_id).subquery("counted"))
    late = func.coalesce(counted.c.late, 0)
    stmt = (select(Unit.slug, Unit.name, Unit.kind, func.coalesce(counted.c.total, 0), late,
                   *(func.coalesce(counted.c[s], 0) for s in MILESTONE_STATUSES))
            .outerjoin(counted, counted.c.unit_id == Unit.id)
            .where(Unit.archived_at.is_(None))
            .order_by(late.desc(), _kind_order(), Unit.sort_order, Unit.name))
    if kind:
        stmt = stmt.where(Unit.kind == bindparam("kind"))
    if area or status is not None:  # Filters.narrowing
        stmt = stmt.where(counted.c.total > 0)
    return stmt


def unit_rows(commune_plan_id: int, on: date, f: Filters) -> list[UnitRow]:
    rows = db.session.execute(_unit_rows_stmt(*_variant(f)), _params(commune_plan_id, on, f))
    return [UnitRow(slug, name, kind, n, int(late_n), dict(zip(MILESTONE_STATUSES, map(int, counts))))
            for slug, name, kind, n, late_n, *counts in rows]


@cache
def _late_stmt(area: bool, status: Optional[str], kind: bool):
    stmt = (select(Milestone.id, Milestone.title, Milestone.due_on, Milestone.status,
                   Unit.slug, Unit.name)
            .join(Unit, Unit.id == Milestone.unit_id)
            .where(*_milestone_conditions(area, status), overdue_clause(bindparam("today")),
                   Unit.archived_at.is_(None))
            .order_by(Milestone.due_on, Milestone.id).limit(bindparam("limit")))
    if kind:
        stmt = stmt.where(Unit.kind == bindparam("kind"))
    return stmt


def late_milestones(commune_plan_id: int, on: date, f: Filters, limit=LATE_SHOWN):
    """The overdue milestones themselves, longest late first: who is late, with what."""
    params = {**_params(commune_plan_id, on, f), "limit": limit}
    return db.session.execute(_late_stmt(*_variant(f)), params).all()
