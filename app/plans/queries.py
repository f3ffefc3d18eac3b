"""Read-side queries for plans: few statements, none growing with the rows shown.

Statements asked on every page view are built once per process (functools.cache, one per
variant) with bindparam()s, and executed with their values: SQLAlchemy then skips both
building them and computing their cache key, a good part of a page's CPU."""
from functools import cache, lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Optional

from flask import abort
from sqlalchemy import (Date, Integer, String, bindparam, cast, literal, null, select,
                        union_all)
from sqlalchemy.orm import joinedload, selectinload

from app.core.extensions import db
from app.plans import assignments
from app.plans.models import Area, Indicator, IndicatorValue, Plan, indicator_contributor
from app.plans.progress import Figure, Progress, Target, evaluate, in_doubt, series
from app.plans.years import plan_years
from app.reports.models import Report, ReportingPeriod, ReportValue
from app.core.params import query_year


years = plan_years  # the years with a commune plan, newest first, read once per request


@cache
def _commune_plan_stmt(by_year: bool):
    return Plan.commune_plan_stmt(bindparam("year") if by_year else None)


def indicators_of_unit(unit_id: int, year: Optional[int] = None, *,
                       plan_id: Optional[int] = None) -> list[Indicator]:
    """The indicators of a commune plan (the year's, or the one with this id) that the unit
    leads or contributes to, in the plan's order."""
    return assignments.linked(indicator_contributor, unit_id, year, plan_id=plan_id)


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


# the plan's targets as plain rows, for pages that only read them; who reports each is
# app/plans/assignments' to read (tests/test_assignments.py)
indicator_rows = assignments.plan_rows


def figure_rows():
    """Accepted figures as rows, for a caller to narrow and to order by FIGURE_ORDER: the
    indicator id, a 1 (see figures_and_doubt), then a Figure's fields under its names, so
    that a row reads as a Figure (row.period_end) and none need be made (issue 33)."""
    return (select(IndicatorValue.indicator_id, literal(1, Integer).label("is_figure"),
                   ReportingPeriod.kind.label("period_kind"),
                   ReportingPeriod.ends_on.label("period_end"), IndicatorValue.unit_id,
                   IndicatorValue.value, ReportingPeriod.starts_on.label("period_start"))
            .join(ReportingPeriod, ReportingPeriod.id == IndicatorValue.period_id))


# figure_rows()' order: by indicator (by_indicator() groups runs of rows), then a stable one
FIGURE_ORDER = ("indicator_id", "is_figure", "period_end", "unit_id", "period_kind")


def ordered(stmt):
    return stmt.order_by(*(stmt.selected_columns[name] for name in FIGURE_ORDER))


def figures_by_indicator(plan: Plan) -> dict[int, tuple]:
    return by_indicator(db.session.execute(ordered(_figures()), {"plan_id": plan.id}))


def by_indicator(rows) -> dict[int, tuple]:
    """figure_rows() results, in FIGURE_ORDER, grouped: indicator id → its figures."""
    return {ind_id: tuple(group) for ind_id, group in groupby(rows, itemgetter(0))}


@cache
def _figures():
    return (figure_rows().join(Indicator, Indicator.id == IndicatorValue.indicator_id)
            .where(Indicator.plan_id == bindparam("plan_id")))


@cache
def _doubtful():
    return (select(ReportValue.indicator_id).distinct()
            .join(Report, Report.id == ReportValue.report_id)
            .join(Indicator, Indicator.id == ReportValue.indicator_id)
            .where(Indicator.plan_id == bindparam("plan_id"), Report.status == "submitted",
                   ReportValue.flags != "", ReportValue.confirmed_at.is_(None)))


@cache
def _figures_and_doubt():
    # one statement for both: the dashboard's partials are held to five (docs/design.md §5);
    # an indicator in doubt has one row with is_figure 0, ordered before its figures
    doubt = (_doubtful().with_only_columns(
        ReportValue.indicator_id, literal(0, Integer), literal(DOUBT, String), cast(null(), Date),
        cast(null(), Integer), cast(null(), IndicatorValue.value.type), cast(null(), Date))
        .distinct())
    return ordered(union_all(_figures(), doubt))


DOUBT = "doubt"


def figures_and_doubt(plan: Plan) -> tuple[dict[int, tuple], frozenset]:
    """The plan's accepted figures by indicator, and the indicators in doubt (doubtful()),
    in one statement."""
    rows = db.session.execute(_figures_and_doubt(), {"plan_id": plan.id}).all()
    figures, doubt = {}, set()
    for ind_id, group in groupby(rows, itemgetter(0)):
        group = tuple(group)
        if not group[0].is_figure:
            doubt.add(ind_id)
            group = group[1:]
        if group:
            figures[ind_id] = group
    return figures, frozenset(doubt)


def doubtful(plan: Plan) -> frozenset:
    """Indicators with a flagged figure (app/reports/checks.py) sent and not yet confirmed
    by the office: their status is "Cần kiểm tra số liệu" until it is."""
    return frozenset(db.session.scalars(_doubtful(), {"plan_id": plan.id}))


def judged(ind: Indicator, progress, doubt: frozenset):
    return in_doubt(progress) if ind.id in doubt else progress


def progress_of(plan: Plan, indicators) -> dict:
    """{indicator id: Progress} of the plan's targets, as every overview reads them."""
    figures, doubt = figures_and_doubt(plan)
    return {ind.id: progress_and_trend(assignments.target_of(ind), figures.get(ind.id, ()),
                                       plan.year, ind.id in doubt)[0] for ind in indicators}


def progress_and_trend(t: Target, rows, year: int, doubtful: bool) -> tuple[Progress, tuple]:
    """A target's progress and trend from its figure_rows() (as figures_and_doubt() gives
    them). `doubtful`: a flagged figure awaits the office, so the target is never "on
    track" until it is checked."""
    # the rows as plain tuples for the key: a Row compares in Python, a tuple in C
    return _progress_and_trend(t, tuple(map(tuple, rows)), year, doubtful)


@lru_cache(maxsize=1024)
def _progress_and_trend(t: Target, rows: tuple, year: int, doubtful: bool):
    """Remembered by everything it reads: evaluate() and series() are pure functions, and
    every overview asks them of every target on each request though the figures change a
    few times a month (issue 33)."""
    figures = [Figure(*row[2:]) for row in rows]  # figure_rows(): after id and is_figure
    p = evaluate(t, figures, year)
    return (in_doubt(p) if doubtful else p), tuple(series(t, figures))


def indicator_page(indicator_id: int, **_view_args) -> Optional[Indicator]:
    """The indicator with its area, lead and contributors, for its page (a policy loader)."""
    return db.session.scalar(
        select(Indicator).where(Indicator.id == indicator_id)
        .options(joinedload(Indicator.area), joinedload(Indicator.lead_unit),
                 selectinload(Indicator.contributors), joinedload(Indicator.reporters),
                 joinedload(Indicator.settlements)))
