"""Read-side queries for plans: few statements, none growing with the rows shown.

Statements asked on every page view are built once per process (functools.cache, one per
variant) with bindparam()s, and executed with their values: SQLAlchemy then skips both
building them and computing their cache key, a good part of a page's CPU."""
from functools import cache
from typing import Optional

from flask import abort
from sqlalchemy import (Date, Integer, String, bindparam, cast, literal, null, or_, select,
                        union_all)
from sqlalchemy.orm import joinedload, selectinload

from app.core.extensions import db
from app.plans import assignments
from app.plans.models import Area, Indicator, IndicatorValue, Plan, indicator_contributor
from app.plans.progress import Figure, evaluate, in_doubt
from app.plans.years import plan_years
from app.reports.models import Report, ReportingPeriod, ReportValue
from app.core.params import query_year


years = plan_years  # the years with a commune plan, newest first, read once per request


@cache
def _commune_plan_stmt(by_year: bool):
    return Plan.commune_plan_stmt(bindparam("year") if by_year else None)


@cache
def _unit_indicators_stmt(by_year: bool):
    table = indicator_contributor
    involved = select(table.c.indicator_id).where(table.c.unit_id == bindparam("unit_id"))
    stmt = (select(Indicator)
            .where(or_(Indicator.lead_unit_id == bindparam("unit_id"),
                       Indicator.id.in_(involved)))
            .options(joinedload(Indicator.reporters),
                     joinedload(Indicator.settlements)).order_by(Indicator.sort_order))
    if by_year:
        return stmt.join(Plan, Plan.id == Indicator.plan_id).where(
            Plan.year == bindparam("year"), Plan.parent_id.is_(None))
    return stmt.where(Indicator.plan_id == bindparam("plan_id"))


def indicators_of_unit(unit_id: int, year: Optional[int] = None, *,
                       plan_id: Optional[int] = None) -> list[Indicator]:
    """The indicators of a commune plan (the year's, or the one with this id) that the unit
    leads or contributes to, in the plan's order."""
    if plan_id is not None:
        params = {"unit_id": unit_id, "plan_id": plan_id}
    else:
        params = {"unit_id": unit_id, "year": year}
    return list(db.session.scalars(_unit_indicators_stmt(plan_id is None), params).unique())


def indicators_to_report(unit_id: int, year: int) -> list[Indicator]:
    """What a unit's report form asks: the targets it has a role in (app/plans/assignments)."""
    return assignments.reported_by(unit_id, year)


def commune_plan(year=None):
    """The commune plan of `year`, or the newest; None when there is none."""
    if year is None:
        return db.session.scalar(_commune_plan_stmt(False))
    return db.session.scalar(_commune_plan_stmt(True), {"year": year})


def requested_plan() -> Plan:
    """The commune plan of ?year=, or the newest one."""
    plan = commune_plan(query_year())
    if plan is None:
        abort(404)
    return plan


@cache
def _areas():
    return select(Area).where(Area.plan_id == bindparam("plan_id")).order_by(Area.sort_order)


def areas_of(plan: Plan) -> list[Area]:
    return list(db.session.scalars(_areas(), {"plan_id": plan.id}))


@cache
def _indicators_stmt(with_contributors: bool):
    stmt = (select(Indicator).where(Indicator.plan_id == bindparam("plan_id"))
            .options(joinedload(Indicator.lead_unit)).order_by(Indicator.sort_order))
    if with_contributors:
        stmt = stmt.options(selectinload(Indicator.contributors))
    # joined, not a second statement: a page's budget counts statements (docs/design.md §5)
    return stmt.options(joinedload(Indicator.reporters), joinedload(Indicator.settlements))


def indicators_of(plan: Plan, with_contributors=False) -> list[Indicator]:
    return list(db.session.scalars(_indicators_stmt(with_contributors),
                                   {"plan_id": plan.id}).unique())


def figure_rows():
    """Accepted figures as rows (indicator id, then a Figure's fields), for a caller to narrow."""
    return (select(IndicatorValue.indicator_id, ReportingPeriod.kind, ReportingPeriod.ends_on,
                   IndicatorValue.unit_id, IndicatorValue.value, ReportingPeriod.starts_on)
            .join(ReportingPeriod, ReportingPeriod.id == IndicatorValue.period_id))


def by_indicator(rows) -> dict[int, list[Figure]]:
    """figure_rows() results grouped: indicator id → its figures."""
    out: dict[int, list[Figure]] = {}
    for ind_id, kind, ends_on, unit_id, value, starts_on in rows:
        out.setdefault(ind_id, []).append(Figure(kind, ends_on, unit_id, value, starts_on))
    return out


@cache
def _figures():
    return (figure_rows().join(Indicator, Indicator.id == IndicatorValue.indicator_id)
            .where(Indicator.plan_id == bindparam("plan_id")))


def figures_by_indicator(plan: Plan) -> dict[int, list[Figure]]:
    return by_indicator(db.session.execute(_figures(), {"plan_id": plan.id}))


@cache
def _doubtful():
    return (select(ReportValue.indicator_id).distinct()
            .join(Report, Report.id == ReportValue.report_id)
            .join(Indicator, Indicator.id == ReportValue.indicator_id)
            .where(Indicator.plan_id == bindparam("plan_id"), Report.status == "submitted",
                   ReportValue.flags != "", ReportValue.confirmed_at.is_(None)))


@cache
def _figures_and_doubt():
    # one statement for both: the dashboard's partials are held to five (docs/design.md §5)
    doubt = (_doubtful().with_only_columns(
        ReportValue.indicator_id, literal(DOUBT, String), cast(null(), Date), cast(null(), Integer),
        cast(null(), IndicatorValue.value.type), cast(null(), Date)).distinct())
    return union_all(_figures(), doubt)


DOUBT = "doubt"


def figures_and_doubt(plan: Plan) -> tuple[dict[int, list[Figure]], frozenset]:
    """figures_by_indicator() and doubtful() in one statement."""
    rows = db.session.execute(_figures_and_doubt(), {"plan_id": plan.id}).all()
    doubt = frozenset(r[0] for r in rows if r[1] == DOUBT)
    return by_indicator(r for r in rows if r[1] != DOUBT), doubt


def doubtful(plan: Plan) -> frozenset:
    """Indicators with a flagged figure (app/reports/checks.py) sent and not yet confirmed
    by the office: their status is "Cần kiểm tra số liệu" until it is."""
    return frozenset(db.session.scalars(_doubtful(), {"plan_id": plan.id}))


def judged(ind: Indicator, progress, doubt: frozenset):
    return in_doubt(progress) if ind.id in doubt else progress


def progress_of(plan: Plan, indicators) -> dict:
    figures = figures_by_indicator(plan)
    doubt = doubtful(plan)
    return {ind.id: judged(ind, evaluate(assignments.target_of(ind), figures.get(ind.id, []),
                                         plan.year), doubt) for ind in indicators}


def indicator_page(indicator_id: int, **_view_args) -> Optional[Indicator]:
    """The indicator with its area, lead and contributors, for its page (a policy loader)."""
    return db.session.scalar(
        select(Indicator).where(Indicator.id == indicator_id)
        .options(joinedload(Indicator.area), joinedload(Indicator.lead_unit),
                 selectinload(Indicator.contributors), joinedload(Indicator.reporters),
                 joinedload(Indicator.settlements)))
