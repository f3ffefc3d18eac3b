"""Read-side queries for plans: few statements, none growing with the rows shown."""
from flask import abort, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.plans.models import Area, Indicator, IndicatorValue, Plan
from app.plans.progress import Figure, Target, evaluate
from app.reports.models import ReportingPeriod


def years() -> list[int]:
    return list(db.session.scalars(select(Plan.year).where(Plan.parent_id.is_(None))
                                   .order_by(Plan.year.desc())))


def requested_plan() -> Plan:
    """The commune plan of ?year=, or the newest one."""
    year = request.args.get("year", type=int)
    plan = db.session.scalar(Plan.commune_plan_stmt(year))
    if plan is None:
        abort(404)
    return plan


def areas_of(plan: Plan) -> list[Area]:
    return list(db.session.scalars(select(Area).where(Area.plan_id == plan.id)
                                   .order_by(Area.sort_order)))


def indicators_of(plan: Plan, with_contributors=False) -> list[Indicator]:
    stmt = (select(Indicator).where(Indicator.plan_id == plan.id)
            .options(joinedload(Indicator.lead_unit)).order_by(Indicator.sort_order))
    if with_contributors:
        stmt = stmt.options(selectinload(Indicator.contributors))
    return list(db.session.scalars(stmt).unique())


def figures_by_indicator(plan: Plan) -> dict[int, list[Figure]]:
    rows = db.session.execute(
        select(IndicatorValue.indicator_id, ReportingPeriod.kind, ReportingPeriod.ends_on,
               IndicatorValue.unit_id, IndicatorValue.value, ReportingPeriod.starts_on)
        .join(ReportingPeriod, ReportingPeriod.id == IndicatorValue.period_id)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.plan_id == plan.id))
    out: dict[int, list[Figure]] = {}
    for ind_id, kind, ends_on, unit_id, value, starts_on in rows:
        out.setdefault(ind_id, []).append(Figure(kind, ends_on, unit_id, value, starts_on))
    return out


def target_of(ind: Indicator) -> Target:
    return Target(ind.semantics, ind.target, ind.total, ind.baseline, ind.lead_unit_id)


def progress_of(plan: Plan, indicators) -> dict:
    figures = figures_by_indicator(plan)
    return {ind.id: evaluate(target_of(ind), figures.get(ind.id, []), plan.year)
            for ind in indicators}
