"""Which unit owes which report by when, said once.

A unit owes a report for a period when it is listed for it (period_unit). Its deadline is
the one the office set for its kind of unit in that period (PeriodDeadline), else the
period's own. Every statement that asks a unit's deadline composes the pieces below, so
the join on the unit's kind and the fall-back are written here and nowhere else
(tests/test_house.py checks it):

- `with_deadline(stmt)` left-joins the kind's deadline to a statement that has
  ReportingPeriod and the unit's kind in it; then `DEADLINE` is the unit's deadline;
- `owed(*columns)` is "every unit listed for a period", with its deadline joined;
- `KIND_DEADLINES` and the writers below read and set the deadlines by kind of a period.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping, Optional

from sqlalchemy import and_, delete, func, select

from app.core.extensions import db
from app.reports.models import PeriodDeadline, ReportingPeriod, period_unit
from app.units.models import Unit

# the unit's deadline in a statement made by with_deadline() or owed()
DEADLINE = func.coalesce(PeriodDeadline.deadline, ReportingPeriod.deadline)

# (period id, kind of unit, deadline) of every deadline set by kind; callers add a where
KIND_DEADLINES = select(PeriodDeadline.period_id, PeriodDeadline.unit_kind,
                        PeriodDeadline.deadline)


def with_deadline(stmt, unit_kind=Unit.kind):
    """`stmt` left-joined to the deadline of `unit_kind` (a column or a bound parameter)
    in the statement's ReportingPeriod: select DEADLINE to read the unit's."""
    return stmt.outerjoin(PeriodDeadline, and_(PeriodDeadline.period_id == ReportingPeriod.id,
                                               PeriodDeadline.unit_kind == unit_kind))


def owed(*columns):
    """`columns` for every (period, unit) where the unit is listed to report, the period
    and the unit joined, and the unit's deadline (DEADLINE) joinable by name."""
    return with_deadline(select(*columns).select_from(period_unit)
                         .join(ReportingPeriod, ReportingPeriod.id == period_unit.c.period_id)
                         .join(Unit, Unit.id == period_unit.c.unit_id))


def deadlines_by_kind(period_id: int) -> dict[str, date]:
    """The deadlines the office set by kind of unit for one period."""
    return {k: d for _pid, k, d in db.session.execute(
        KIND_DEADLINES.where(PeriodDeadline.period_id == period_id))}


def add_deadlines(period_id: int, by_kind: Mapping[str, Optional[date]]) -> None:
    """Set a deadline for each kind given one (a kind without one keeps the period's)."""
    db.session.add_all(PeriodDeadline(period_id=period_id, unit_kind=k, deadline=d)
                       for k, d in by_kind.items() if d is not None)


def drop_deadlines(period_id: int, keep_kinds=None) -> None:
    """Remove a period's deadlines by kind: all of them, or those of kinds not in
    `keep_kinds`."""
    stmt = delete(PeriodDeadline).where(PeriodDeadline.period_id == period_id)
    if keep_kinds is not None:
        stmt = stmt.where(PeriodDeadline.unit_kind.not_in(keep_kinds))
    db.session.execute(stmt)
