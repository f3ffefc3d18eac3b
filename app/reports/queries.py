"""Read-side queries for reporting: few statements each, none growing with the rows shown.

The statements behind the pages read all day are built once per process and variant
(functools.cache) with bindparam()s and executed with their values: SQLAlchemy then skips
building them and computing their cache key."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Optional

from flask import abort
from sqlalchemy import and_, bindparam, func, literal, select, union_all
from sqlalchemy.orm import joinedload

from app.comments.models import Comment
from app.core.extensions import db
from app.plans.models import IndicatorValue
from app.plans.progress import Figure
from app.plans.queries import by_indicator, figure_rows, ordered
from app.plans.queries import (commune_plan,  # noqa: F401  reporting's callers ask them here
                               indicators_of_unit, indicators_to_report)
from app.reports import completeness
from app.reports.calendar import deadline_for
from app.core.vietnamese import today as vn_today
from app.reports.models import (PeriodDeadline, Report, ReportEvent, ReportingPeriod,
                                ReportValue, period_unit)
from app.reports.obligations import DEADLINE, KIND_DEADLINES, with_deadline
from app.units.models import UNIT_KINDS, Unit


@dataclass
class ReportContext:
    """A unit, a period, the unit's report for it (or None), and whether it must report."""
    unit: Unit
    period: ReportingPeriod
    report: Optional[Report]
    expected: bool
    deadline: date


@cache
def _report_context():
    return (
        with_deadline(
            select(Unit, ReportingPeriod, Report, period_unit.c.unit_id, DEADLINE)
            .select_from(Unit)
            .join(ReportingPeriod, ReportingPeriod.id == bindparam("period_id"))
            .outerjoin(Report, and_(Report.unit_id == Unit.id,
                                    Report.period_id == ReportingPeriod.id))
            .outerjoin(period_unit, and_(period_unit.c.unit_id == Unit.id,
                                         period_unit.c.period_id == ReportingPeriod.id)))
        .where(Unit.slug == bindparam("slug")))


def report_context(slug: str, period_id: int, **_view_args) -> Optional[ReportContext]:
    """One statement for the unit, the period, the report, the listing and the deadline;
    None when there is no such unit or period. A policy loader: unit=unit_of_context."""
    row = db.session.execute(_report_context(), {"slug": slug, "period_id": period_id}).first()
    if row is None:
        return None
    unit, period, report, listed, deadline = row
    return ReportContext(unit, period, report, listed is not None or report is not None,
                         deadline)


def unit_of_context(ctx: ReportContext) -> int:
    return ctx.unit.id


@cache
def _report_by_id():
    return (select(Report).where(Report.id == bindparam("report_id"))
            .options(joinedload(Report.unit), joinedload(Report.period)))


def report_by_id(report_id: int, **_view_args) -> Optional[Report]:
    """A report with its unit and period, or None; a policy loader."""
    return db.session.scalar(_report_by_id(), {"report_id": report_id})


def period_or_404(period_id: int) -> ReportingPeriod:
    period = db.session.get(ReportingPeriod, period_id)
    if period is None:
        abort(404)
    return period


def _accepted_figures(until: bool):
    stmt = figure_rows().where(IndicatorValue.indicator_id.in_(bindparam("ids", expanding=True)),
                               ReportingPeriod.year == bindparam("year"))
    return stmt.where(ReportingPeriod.ends_on <= bindparam("until")) if until else stmt


@cache
def _accepted_figures_stmt(until: bool):
    return ordered(_accepted_figures(until))


def accepted_figures(indicator_ids, year: int, until: Optional[date] = None) -> dict[int, list[Figure]]:
    """Accepted figures of these indicators in the plan year (up to a cut-off date)."""
    if not indicator_ids:
        return {}
    params = {"ids": list(indicator_ids), "year": year}
    if until is not None:
        params["until"] = until
    return by_indicator(db.session.execute(_accepted_figures_stmt(until is not None), params))


@cache
def _accepted_and_pending_stmt():
    pending = (select(ReportValue.indicator_id, literal(1), ReportingPeriod.kind, ReportingPeriod.ends_on,
                      Report.unit_id, ReportValue.value, ReportingPeriod.starts_on,
                      literal(PENDING).label("state"))
               .join(Report, Report.id == ReportValue.report_id)
               .join(ReportingPeriod, ReportingPeriod.id == Report.period_id)
               .where(ReportValue.indicator_id.in_(bindparam("ids", expanding=True)),
                      ReportingPeriod.year == bindparam("year"),
                      Report.unit_id == bindparam("unit_id"), Report.status == "submitted",
                      ReportValue.value.is_not(None)))
    return ordered(union_all(_accepted_figures(False).add_columns(literal(ACCEPTED).label("state")),
                             pending))


ACCEPTED, PENDING = "accepted", "pending"


def accepted_and_pending(indicator_ids, year: int, unit_id: int) -> tuple[dict, dict]:
    """accepted_figures(), and the unit's own figures sent but not yet accepted (a report
    "submitted"): the report form counts both in its "Lũy kế trước kỳ" and says how many
    periods are not accepted yet (issue 28). One statement."""
    if not indicator_ids:
        return {}, {}
    rows = db.session.execute(_accepted_and_pending_stmt(), {
        "ids": list(indicator_ids), "year": year, "unit_id": unit_id}).all()
    return (by_indicator(r for r in rows if r.state == ACCEPTED),
            by_indicator(r for r in rows if r.state == PENDING))


@cache
def _values():
    return select(ReportValue).where(ReportValue.report_id == bindparam("report_id"))


def values_of(report: Optional[Report]) -> dict[int, ReportValue]:
    if report is None or report.id is None:
        return {}
    return {v.indicator_id: v for v in db.session.scalars(_values(), {"report_id": report.id})}


@cache
def _events():
    return (select(ReportEvent).where(ReportEvent.report_id == bindparam("report_id"))
            .options(joinedload(ReportEvent.user)).order_by(ReportEvent.at, ReportEvent.id))


@cache
def _comments():
    return (select(Comment).where(Comment.subject_type == "report",
                                  Comment.subject_id == bindparam("report_id"))
            .order_by(Comment.created_at, Comment.id))


def history_of(report: Optional[Report]):
    """(events, comments) of a report, oldest first."""
    if report is None or report.id is None:
        return [], []
    events = list(db.session.scalars(_events(), {"report_id": report.id}))
    comments = list(db.session.scalars(_comments(), {"report_id": report.id}))
    return events, comments


@cache
def _years():
    return select(ReportingPeriod.year).distinct()


def years() -> list[int]:
    return sorted(set(db.session.scalars(_years())), reverse=True)


@cache
def _periods_stmt(by_kind: bool):
    stmt = select(ReportingPeriod).where(ReportingPeriod.year == bindparam("year"))
    if by_kind:
        stmt = stmt.where(ReportingPeriod.kind == bindparam("kind"))
    return stmt.order_by(ReportingPeriod.ends_on, ReportingPeriod.kind, ReportingPeriod.number)


def periods_of(year: int, kind: Optional[str] = None) -> list[ReportingPeriod]:
    params = {"year": year, "kind": kind} if kind else {"year": year}
    return list(db.session.scalars(_periods_stmt(bool(kind)), params))


def listed_counts(year: int) -> dict[int, int]:
    """{period id: how many units it lists} for the year's periods."""
    return dict(db.session.execute(
        select(period_unit.c.period_id, func.count()).join(
            ReportingPeriod, ReportingPeriod.id == period_unit.c.period_id)
        .where(ReportingPeriod.year == year).group_by(period_unit.c.period_id)).all())


def deadlines_of_year(year: int) -> dict[int, list[tuple[date, list[str]]]]:
    """Per period of the year: (date, kinds of unit due that day), earliest first — the
    office's view; each unit sees only its own kind's."""
    deadlines: dict = {}
    for pid, kind, d in db.session.execute(
            KIND_DEADLINES.join(ReportingPeriod, ReportingPeriod.id == PeriodDeadline.period_id)
            .where(ReportingPeriod.year == year)):
        deadlines.setdefault(pid, {}).setdefault(d, []).append(kind)
    order = list(UNIT_KINDS)
    return {pid: [(d, sorted(ks, key=order.index)) for d, ks in sorted(by_date.items())]
            for pid, by_date in deadlines.items()}


# --- completeness --------------------------------------------------------------------

@dataclass
class Matrix:
    periods: list[ReportingPeriod]
    units: list  # rows: id, slug, name, short_name, kind, sort_order
    cells: dict[tuple[int, int], completeness.Cell]   # (unit_id, period_id) → cell

    _columns: Optional[dict] = field(default=None, init=False, repr=False, compare=False)

    def row_by_period(self, unit_id, periods=None):
        """[(period, cell or None)] of one unit (of `periods`, every one when None): the table
        asks once per row, not per cell."""
        return [(p, self.cells.get((unit_id, p.id))) for p in (periods or self.periods)]

    def row(self, unit_id):
        return [c for _p, c in self.row_by_period(unit_id)]

    def column(self, period_id):
        if self._columns is None:  # grouped once: the table asks for every column twice
            self._columns = {}
            for (_unit, period), c in self.cells.items():
                self._columns.setdefault(period, []).append(c)
        return self._columns.get(period_id, [])

    def period_rate(self, period_id) -> completeness.Rate:
        return completeness.rate(self.column(period_id))

    def unit_rate(self, unit_id, today) -> completeness.Rate:
        return completeness.rate_to_date([c for c in self.row(unit_id) if c], today)

    def to_chase(self, period_id) -> list[tuple[object, completeness.Cell]]:
        """Units listed for the period whose report is not in: missing, returned or
        not yet due but not sent."""
        return [(u, self.cells[(u.id, period_id)]) for u in self.units
                if (u.id, period_id) in self.cells and not self.cells[(u.id, period_id)].received]


@cache
def _matrix_statements(some_units: bool):
    ids = bindparam("ids", expanding=True)
    # the units as plain rows of the columns the table shows: a unit listed for twelve
    # periods is one ORM entity loaded twelve times, a thousand on a commune's table
    listed = (select(period_unit.c.period_id, Unit.id, Unit.slug, Unit.name, Unit.short_name,
                     Unit.kind, Unit.sort_order)
              .join(Unit, Unit.id == period_unit.c.unit_id)
              .where(period_unit.c.period_id.in_(ids)))
    deadlines = KIND_DEADLINES.where(PeriodDeadline.period_id.in_(ids))
    sent = (select(Report.id, Report.unit_id, Report.period_id, Report.status,
                   Report.submitted_at).where(Report.period_id.in_(ids)))
    if some_units:
        # one unit's page reads its own reports, not every unit's of those periods
        unit_ids = bindparam("unit_ids", expanding=True)
        listed = listed.where(Unit.id.in_(unit_ids))
        sent = sent.where(Report.unit_id.in_(unit_ids))
    return listed, deadlines, sent


def matrix(periods: list[ReportingPeriod], today: date, unit_ids=None) -> Matrix:
    """The units × periods matrix: three statements whatever the number of rows."""
    ids = [p.id for p in periods]
    if not ids:
        return Matrix([], [], {})
    listed, deadlines, sent = _matrix_statements(unit_ids is not None)
    params = {"ids": ids} if unit_ids is None else {"ids": ids, "unit_ids": list(unit_ids)}
    pairs = db.session.execute(listed, params).all()
    by_kind: dict[int, dict[str, date]] = {}
    for pid, kind, d in db.session.execute(deadlines, {"ids": ids}):
        by_kind.setdefault(pid, {})[kind] = d
    reports = {(uid, pid): (rid, status, at)
               for rid, uid, pid, status, at in db.session.execute(sent, params)}
    by_id = {p.id: p for p in periods}
    units = {}
    cells = {}
    for unit in pairs:
        pid = unit.period_id
        units[unit.id] = unit
        period = by_id[pid]
        deadline = deadline_for(unit.kind, period.deadline, by_kind.get(pid, {}))
        rid, status, at = reports.get((unit.id, pid), (None, None, None))
        cells[(unit.id, pid)] = completeness.cell(status, at, deadline, today, rid)
    ordered = sorted(units.values(), key=lambda u: (_KIND_ORDER.get(u.kind, 99), u.sort_order, u.id))
    return Matrix(periods, ordered, cells)


_KIND_ORDER = {k: i for i, k in enumerate(
    ("office", "department", "service", "health", "school", "front", "organisation", "village"))}


@cache
def _unit_periods():
    return (
        select(ReportingPeriod).join(period_unit, period_unit.c.period_id == ReportingPeriod.id)
        .where(period_unit.c.unit_id == bindparam("unit_id"), ReportingPeriod.year == bindparam("year"))
        .order_by(ReportingPeriod.ends_on.desc(), ReportingPeriod.id.desc()))


def unit_reports(unit: Unit, year: int, today: Optional[date] = None):
    """The periods a unit must report in a year with the state of each report, newest
    first: for the unit's page (templates/reports/_unit_reports.html). Four statements."""
    today = today or vn_today()
    periods = list(db.session.scalars(_unit_periods(), {"unit_id": unit.id, "year": year}))
    m = matrix(periods, today, unit_ids=[unit.id])
    return [(p, m.cells.get((unit.id, p.id))) for p in periods]
