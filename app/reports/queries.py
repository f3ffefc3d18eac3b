"""Read-side queries for reporting: few statements each, none growing with the rows shown."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from flask import abort, g
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from app.comments.models import Comment
from app.extensions import db
from app.plans.models import Indicator, IndicatorValue, Plan, indicator_contributor
from app.plans.progress import Figure
from app.reports import completeness
from app.reports.calendar import deadline_for, today as vn_today
from app.reports.models import (PeriodDeadline, Report, ReportEvent, ReportingPeriod,
                                ReportValue, period_unit)
from app.units.models import Unit


@dataclass
class ReportContext:
    """A unit, a period, the unit's report for it (or None), and whether it must report."""
    unit: Unit
    period: ReportingPeriod
    report: Optional[Report]
    expected: bool
    deadline: date


def report_context(slug: str, period_id: int) -> ReportContext:
    """One statement for the unit, the period, the report, the listing and the deadline;
    loaded once per request (the policy's resolver and the view share it)."""
    ctx = g.get("report_ctx")
    if ctx is not None and ctx.unit.slug == slug and ctx.period.id == period_id:
        return ctx
    row = db.session.execute(
        select(Unit, ReportingPeriod, Report, period_unit.c.unit_id, PeriodDeadline.deadline)
        .select_from(Unit)
        .join(ReportingPeriod, ReportingPeriod.id == period_id)
        .outerjoin(Report, and_(Report.unit_id == Unit.id, Report.period_id == ReportingPeriod.id))
        .outerjoin(period_unit, and_(period_unit.c.unit_id == Unit.id,
                                     period_unit.c.period_id == ReportingPeriod.id))
        .outerjoin(PeriodDeadline, and_(PeriodDeadline.period_id == ReportingPeriod.id,
                                        PeriodDeadline.unit_kind == Unit.kind))
        .where(Unit.slug == slug)).first()
    if row is None:
        abort(404)
    unit, period, report, listed, kind_deadline = row
    ctx = ReportContext(unit, period, report, listed is not None or report is not None,
                        kind_deadline or period.deadline)
    g.report_ctx = ctx
    return ctx


def unit_of_report_page(slug, period_id, **_):
    """Policy resolver for the routes of one unit's report for one period."""
    return report_context(slug, period_id).unit.id


def report_or_404(report_id: int) -> Report:
    report = g.get("report")
    if report is None or report.id != report_id:
        report = db.session.scalar(select(Report).where(Report.id == report_id)
                                   .options(joinedload(Report.unit), joinedload(Report.period)))
        if report is None:
            abort(404)
        g.report = report
    return report


def unit_of_report(report_id, **_):
    return report_or_404(report_id).unit_id


def period_or_404(period_id: int) -> ReportingPeriod:
    period = db.session.get(ReportingPeriod, period_id)
    if period is None:
        abort(404)
    return period


def commune_plan(year: int) -> Optional[Plan]:
    return db.session.scalar(Plan.commune_plan_stmt(year))


def indicators_of_unit(unit_id: int, year: int) -> list[Indicator]:
    """The indicators of the year's commune plan the unit leads or contributes to."""
    contributing = select(indicator_contributor.c.indicator_id).where(
        indicator_contributor.c.unit_id == unit_id)
    return list(db.session.scalars(
        select(Indicator).join(Plan, Plan.id == Indicator.plan_id)
        .where(Plan.year == year, Plan.parent_id.is_(None),
               or_(Indicator.lead_unit_id == unit_id, Indicator.id.in_(contributing)))
        .order_by(Indicator.sort_order)))


def accepted_figures(indicator_ids, year: int, until: Optional[date] = None) -> dict[int, list[Figure]]:
    """Accepted figures of these indicators in the plan year (up to a cut-off date)."""
    if not indicator_ids:
        return {}
    stmt = (select(IndicatorValue.indicator_id, ReportingPeriod.kind, ReportingPeriod.ends_on,
                   IndicatorValue.unit_id, IndicatorValue.value, ReportingPeriod.starts_on)
            .join(ReportingPeriod, ReportingPeriod.id == IndicatorValue.period_id)
            .where(IndicatorValue.indicator_id.in_(list(indicator_ids)),
                   ReportingPeriod.year == year))
    if until is not None:
        stmt = stmt.where(ReportingPeriod.ends_on <= until)
    out: dict[int, list[Figure]] = {}
    for ind_id, kind, ends_on, unit_id, value, starts_on in db.session.execute(stmt):
        out.setdefault(ind_id, []).append(Figure(kind, ends_on, unit_id, value, starts_on))
    return out


def values_of(report: Optional[Report]) -> dict[int, ReportValue]:
    if report is None or report.id is None:
        return {}
    return {v.indicator_id: v for v in db.session.scalars(
        select(ReportValue).where(ReportValue.report_id == report.id))}


def history_of(report: Optional[Report]):
    """(events, comments) of a report, oldest first."""
    if report is None or report.id is None:
        return [], []
    events = list(db.session.scalars(
        select(ReportEvent).where(ReportEvent.report_id == report.id)
        .options(joinedload(ReportEvent.user)).order_by(ReportEvent.at, ReportEvent.id)))
    comments = list(db.session.scalars(
        select(Comment).where(Comment.subject_type == "report", Comment.subject_id == report.id)
        .order_by(Comment.created_at, Comment.id)))
    return events, comments


def years() -> list[int]:
    return sorted(set(db.session.scalars(select(ReportingPeriod.year).distinct())), reverse=True)


def periods_of(year: int, kind: Optional[str] = None) -> list[ReportingPeriod]:
    stmt = select(ReportingPeriod).where(ReportingPeriod.year == year)
    if kind:
        stmt = stmt.where(ReportingPeriod.kind == kind)
    return list(db.session.scalars(stmt.order_by(ReportingPeriod.ends_on, ReportingPeriod.kind,
                                                 ReportingPeriod.number)))


def default_year() -> int:
    return vn_today().year


# --- completeness --------------------------------------------------------------------

@dataclass
class Matrix:
    periods: list[ReportingPeriod]
    units: list[Unit]
    cells: dict[tuple[int, int], completeness.Cell]   # (unit_id, period_id) → cell

    def row(self, unit_id):
        return [self.cells.get((unit_id, p.id)) for p in self.periods]

    def column(self, period_id):
        return [c for (u, p), c in self.cells.items() if p == period_id]

    def period_rate(self, period_id) -> completeness.Rate:
        return completeness.rate(self.column(period_id))

    def unit_rate(self, unit_id, today) -> completeness.Rate:
        return completeness.rate_to_date([c for c in self.row(unit_id) if c], today)

    def to_chase(self, period_id) -> list[tuple[Unit, completeness.Cell]]:
        """Units listed for the period whose report is not in: missing, returned or
        not yet due but not sent."""
        return [(u, self.cells[(u.id, period_id)]) for u in self.units
                if (u.id, period_id) in self.cells and not self.cells[(u.id, period_id)].received]


def matrix(periods: list[ReportingPeriod], today: date, unit_ids=None) -> Matrix:
    """The units × periods matrix: three statements whatever the number of rows."""
    ids = [p.id for p in periods]
    if not ids:
        return Matrix([], [], {})
    listed = select(period_unit.c.period_id, Unit).join(Unit, Unit.id == period_unit.c.unit_id)\
        .where(period_unit.c.period_id.in_(ids))
    if unit_ids is not None:
        listed = listed.where(Unit.id.in_(list(unit_ids)))
    pairs = db.session.execute(listed).all()
    by_kind: dict[int, dict[str, date]] = {}
    for pid, kind, d in db.session.execute(
            select(PeriodDeadline.period_id, PeriodDeadline.unit_kind, PeriodDeadline.deadline)
            .where(PeriodDeadline.period_id.in_(ids))):
        by_kind.setdefault(pid, {})[kind] = d
    reports = {(uid, pid): (rid, status, at) for rid, uid, pid, status, at in db.session.execute(
        select(Report.id, Report.unit_id, Report.period_id, Report.status, Report.submitted_at)
        .where(Report.period_id.in_(ids)))}
    by_id = {p.id: p for p in periods}
    units: dict[int, Unit] = {}
    cells = {}
    for pid, unit in pairs:
        units[unit.id] = unit
        period = by_id[pid]
        deadline = deadline_for(unit.kind, period.deadline, by_kind.get(pid, {}))
        rid, status, at = reports.get((unit.id, pid), (None, None, None))
        cells[(unit.id, pid)] = completeness.cell(status, at, deadline, today, rid)
    ordered = sorted(units.values(), key=lambda u: (_KIND_ORDER.get(u.kind, 99), u.sort_order, u.id))
    return Matrix(periods, ordered, cells)


_KIND_ORDER = {k: i for i, k in enumerate(
    ("office", "department", "service", "health", "school", "front", "organisation", "village"))}


def unit_reports(unit: Unit, year: int, today: Optional[date] = None):
    """The periods a unit must report in a year with the state of each report, newest
    first: for the unit's page (templates/reports/_unit_reports.html). Four statements."""
    today = today or vn_today()
    periods = list(db.session.scalars(
        select(ReportingPeriod).join(period_unit, period_unit.c.period_id == ReportingPeriod.id)
        .where(period_unit.c.unit_id == unit.id, ReportingPeriod.year == year)
        .order_by(ReportingPeriod.ends_on.desc(), ReportingPeriod.id.desc())))
    m = matrix(periods, today, unit_ids=[unit.id])
    return [(p, m.cells.get((unit.id, p.id))) for p in periods]
