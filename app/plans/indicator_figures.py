"""An indicator's accepted figures, by period and by reporting unit, for its page: what the
commune's figure to date is made of. One statement; the arithmetic is progress.py's."""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from sqlalchemy import select

from app.core.extensions import db
from app.plans.models import Indicator, IndicatorValue, Plan
from app.plans.progress import FLOWS, Figure, Progress, counted_figures, evaluate, series
from app.core.i18n import N_
from app.plans.assignments import ROLES, role, rule, target_of
from app.reports.models import ReportingPeriod
from app.units.models import Unit

# a figure of a unit the target no longer asks: shown, never counted
NOT_ASKED = N_("Không được giao, không tính")
KIND_ORDER = {"month": 0, "quarter": 1, "half": 2, "year": 3, "adhoc": 4}


@dataclass
class PeriodRow:
    period: ReportingPeriod
    figure: Optional[Decimal]      # the commune's figure for the period (or the unit's)
    to_date: Optional[Decimal]     # the figure to date at the period's end
    units: int                     # how many units reported for it


@dataclass
class UnitRow:
    unit: Unit
    periods: int
    latest: Decimal
    latest_period: ReportingPeriod
    counted: Optional[Decimal]     # flows: the unit's share of the sum to date
    is_lead: bool
    role: str = ""                 # what the unit is asked for (app/plans/assignments), said


@dataclass
class Note:
    unit: Unit
    period: ReportingPeriod
    value: Decimal
    text: str


@dataclass
class IndicatorFigures:
    progress: Progress
    points: list
    by_period: list[PeriodRow]
    by_unit: list[UnitRow]
    notes: list[Note]
    units: list[Unit] = field(default_factory=list)   # every unit that reported, for the filter
    unit: Optional[Unit] = None                        # the filter, when one is chosen


def indicator_figures(ind: Indicator, plan: Plan, unit_id: Optional[int] = None) -> IndicatorFigures:
    rows = db.session.execute(
        select(IndicatorValue, ReportingPeriod, Unit)
        .join(ReportingPeriod, ReportingPeriod.id == IndicatorValue.period_id)
        .join(Unit, Unit.id == IndicatorValue.unit_id)
        .where(IndicatorValue.indicator_id == ind.id)
        .order_by(ReportingPeriod.ends_on, ReportingPeriod.kind, Unit.sort_order)).all()
    t = target_of(ind)
    figure_of = {}
    for value, period, unit in rows:
        figure_of[value.id] = Figure(period.kind, period.ends_on, unit.id, value.value,
                                     period.starts_on)
    figures = list(figure_of.values())
    progress = evaluate(t, figures, plan.year)
    points = series(t, figures)
    to_date = dict(points)

    counted = set(counted_figures(t, figures))
    units = {u.id: u for _, _, u in rows}
    chosen = units.get(unit_id) if unit_id is not None else None

    per_period: dict[int, list] = defaultdict(list)
    periods = {}
    for value, period, unit in rows:
        per_period[period.id].append((value, unit))
        periods[period.id] = period
    by_period = []
    for pid, items in per_period.items():
        period = periods[pid]
        if chosen is not None:
            mine = [v.value for v, u in items if u.id == chosen.id]
            if not mine:
                continue
            figure = mine[0]
        else:
            in_sum = [figure_of[v.id].value for v, _ in items if figure_of[v.id] in counted]
            if t.semantics in FLOWS or rule(ind) == "sum":
                figure = sum(in_sum, Decimal(0)) if in_sum else None
            else:
                figure = in_sum[-1] if in_sum else None
        by_period.append(PeriodRow(period, figure, to_date.get(period.ends_on), len(items)))
    by_period.sort(key=lambda r: (r.period.ends_on, KIND_ORDER.get(r.period.kind, 9)))

    by_unit: dict[int, UnitRow] = {}
    for value, period, unit in rows:
        f = figure_of[value.id]
        row = by_unit.get(unit.id)
        if row is None:
            row = by_unit[unit.id] = UnitRow(unit, 0, value.value, period, None,
                                             unit.id == ind.lead_unit_id,
                                             ROLES.get(role(ind, unit.id), NOT_ASKED))
        row.periods += 1
        if (period.ends_on, KIND_ORDER.get(period.kind, 9)) >= (
                row.latest_period.ends_on, KIND_ORDER.get(row.latest_period.kind, 9)):
            row.latest, row.latest_period = value.value, period
        if t.semantics in FLOWS and f in counted:
            row.counted = (row.counted or Decimal(0)) + f.value
    unit_rows = sorted(by_unit.values(), key=lambda r: (not r.is_lead, r.unit.sort_order,
                                                        r.unit.name))
    notes = [Note(unit, period, value.value, value.note) for value, period, unit in rows
             if value.note and (chosen is None or unit.id == chosen.id)]
    return IndicatorFigures(progress, points, by_period, unit_rows, notes[-20:][::-1],
                            sorted(units.values(), key=lambda u: (u.sort_order, u.name)), chosen)

