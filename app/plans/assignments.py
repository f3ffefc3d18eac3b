"""Who reports each target, in which role, and how the commune's figure is made (issue 28):
the one reader of an indicator's lead unit, its `combine` rule and its reporting units.
The report form, the roll-up, the checks, the dashboard, the indicator page, the scores and
the commune report all ask here, so they cannot disagree about who reports what.

Roles of a unit for a target:
- TOTAL: the lead's commune-wide figure (rules "lead", "checked", "latest");
- PART: the unit's own part, added up into the commune's ("sum", where the lead's own figure
  is a part too; "checked", where the parts check the lead's total; "latest": any may give
  the newest level);
- none: the unit is not asked for a figure (it may still help, as a contributor).
The arithmetic itself is app/plans/progress.py's, on the Target made here.
"""
from datetime import date
from decimal import Decimal
from functools import cache
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple, Optional

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import Integer, bindparam, or_, select
from sqlalchemy.orm import aliased, joinedload

from app.core.extensions import db
from app.core.i18n import N_
from app.plans.models import COMBINE, FigureSettlement, Indicator, Plan, indicator_reporter
from app.plans.progress import FLOWS, Target
from app.units.models import Unit

TOTAL, PART = "total", "part"
ROLES = {TOTAL: N_("Số của cả xã"), PART: N_("Số của riêng đơn vị")}
RULES = COMBINE
DEFAULT_TOLERANCE_PCT = 5
DEFAULT_TOLERANCE = Decimal(DEFAULT_TOLERANCE_PCT) / 100


def rule(ind) -> str:
    """How the commune's figure is made: "lead", "sum", "checked" or "latest"."""
    return ind.combine or "lead"


def lead_id(ind) -> Optional[int]:
    return ind.lead_unit_id


def part_ids(ind) -> frozenset:
    """The units whose own part is asked (the lead's among them under "sum")."""
    how = rule(ind)
    if how == "lead":
        return frozenset()
    parts = frozenset(u.id for u in ind.reporters)
    if how == "sum" and ind.lead_unit_id is not None:
        return parts | {ind.lead_unit_id}
    return parts - {ind.lead_unit_id}


def roles(ind) -> dict:
    """{unit id: TOTAL or PART} of every unit asked for a figure of this target."""
    out = {u: PART for u in part_ids(ind)}
    if ind.lead_unit_id is not None and rule(ind) != "sum":
        out[ind.lead_unit_id] = TOTAL
    return out


def role(ind, unit_id: int) -> Optional[str]:
    return roles(ind).get(unit_id)


def reporting_ids(ind) -> frozenset:
    """Every unit asked for a figure of the target, whatever its role."""
    if rule(ind) == "lead":  # the common case, on every page: no roles to work out
        return frozenset() if ind.lead_unit_id is None else frozenset((ind.lead_unit_id,))
    return frozenset(roles(ind))


def tolerance() -> Decimal:
    pct = (current_app.config.get("PARTS_TOLERANCE_PCT", DEFAULT_TOLERANCE_PCT)
           if has_app_context() else DEFAULT_TOLERANCE_PCT)
    return Decimal(pct) / 100


def target_of(ind) -> Target:
    """The target as app/plans/progress.py reads it, with who counts and how."""
    how = rule(ind)
    if how != "checked":
        return Target(ind.semantics, ind.target, ind.total, ind.baseline, ind.lead_unit_id,
                      how, reporting_ids(ind), DEFAULT_TOLERANCE)
    # the office's word on a disagreement, read here so every reader follows it
    settled = tuple((s.period_end, s.lead_value, s.parts_value, s.choice)
                    for s in ind.settlements)
    return Target(ind.semantics, ind.target, ind.total, ind.baseline, ind.lead_unit_id,
                  how, reporting_ids(ind), tolerance(), settled)


# ---------------------------------------------------------------- what a unit is asked

@cache
def _linked_stmt(table, by_year: bool):
    linked = select(table.c.indicator_id).where(
        table.c.unit_id == bindparam("unit_id", type_=Integer))
    stmt = (select(Indicator)
            .where(or_(Indicator.lead_unit_id == bindparam("unit_id", type_=Integer),
                       Indicator.id.in_(linked)))
            .options(joinedload(Indicator.reporters),
                     joinedload(Indicator.settlements)).order_by(Indicator.sort_order))
    if by_year:
        return stmt.join(Plan, Plan.id == Indicator.plan_id).where(
            Plan.year == bindparam("year"), Plan.parent_id.is_(None))
    return stmt.where(Indicator.plan_id == bindparam("plan_id"))


def linked(table, unit_id: int, year: Optional[int] = None, *,
           plan_id: Optional[int] = None) -> list:
    """The targets of a commune plan (the year's, or plan `plan_id`) that the unit leads or is
    linked to by `table` (reporters, or contributors), with who reports each, in order."""
    params = ({"unit_id": unit_id, "plan_id": plan_id} if plan_id is not None
              else {"unit_id": unit_id, "year": year})
    return list(db.session.scalars(_linked_stmt(table, plan_id is None), params).unique())


def reported_by(unit_id: int, year: Optional[int] = None, *,
                plan_id: Optional[int] = None) -> list:
    """The targets a unit's report form asks, in the plan's order: those it has a role in."""
    found = linked(indicator_reporter, unit_id, year, plan_id=plan_id)
    return [ind for ind in found if unit_id in reporting_ids(ind)]


# ---------------------------------------------------------------- the plan's targets as rows

class LeadName(NamedTuple):
    short_name: Optional[str]
    name: str


class UnitRef(NamedTuple):
    id: int  # what part_ids() reads of a reporter


class Settled(NamedTuple):
    """What target_of() reads of a FigureSettlement."""
    period_end: date
    lead_value: Decimal
    parts_value: Decimal
    choice: str


class IndicatorRow(NamedTuple):
    """An indicator as the dashboard and the CSV read it, with who reports it and the
    office's settlements: read here as an Indicator is."""
    id: int
    area_id: int
    code: str
    name: str
    unit_of_measure: str
    semantics: str
    target: Optional[Decimal]
    target_places: Optional[int]
    total: Optional[Decimal]
    baseline: Optional[Decimal]
    lead_unit_id: Optional[int]
    combine: str
    lead_unit: Optional[LeadName]
    reporters: tuple
    settlements: tuple


_ROW_COLUMNS = (Indicator.id, Indicator.area_id, Indicator.code, Indicator.name,
                Indicator.unit_of_measure, Indicator.semantics, Indicator.target,
                Indicator.target_places, Indicator.total, Indicator.baseline,
                Indicator.lead_unit_id, Indicator.combine)


@cache
def _indicator_rows_stmt():
    lead = aliased(Unit, name="lead")
    return (select(*_ROW_COLUMNS, lead.short_name, lead.name, indicator_reporter.c.unit_id,
                   FigureSettlement.id, FigureSettlement.period_end,
                   FigureSettlement.lead_value, FigureSettlement.parts_value,
                   FigureSettlement.choice)
            .outerjoin(lead, lead.id == Indicator.lead_unit_id)
            .outerjoin(indicator_reporter, indicator_reporter.c.indicator_id == Indicator.id)
            .outerjoin(FigureSettlement, FigureSettlement.indicator_id == Indicator.id)
            .where(Indicator.plan_id == bindparam("plan_id"))
            .order_by(Indicator.sort_order, Indicator.id, FigureSettlement.period_end,
                      FigureSettlement.id))


def plan_rows(plan: Plan) -> list[IndicatorRow]:
    """The plan's targets as plans.queries.indicators_of() gives them, as plain rows, in one
    statement as it is: a page that only reads the targets need not make 24 records with
    their lead units and reporters (~2 000 Python calls of ORM loading on the dashboard
    and the CSV, issue 33)."""
    out = []
    n = len(_ROW_COLUMNS)
    rows = db.session.execute(_indicator_rows_stmt(), {"plan_id": plan.id}).all()
    for _id, group in groupby(rows, itemgetter(0)):
        group = list(group)
        first = group[0]
        reporters, settled, seen = {}, [], set()
        for r in group:
            if r[n + 2] is not None:
                reporters.setdefault(r[n + 2], UnitRef(r[n + 2]))
            if r[n + 3] is not None and r[n + 3] not in seen:
                seen.add(r[n + 3])
                settled.append(Settled(*r[n + 4:]))
        lead = None if first[n + 1] is None else LeadName(first[n], first[n + 1])
        out.append(IndicatorRow(*first[:n], lead, tuple(reporters.values()), tuple(settled)))
    return out


# ---------------------------------------------------------------- said in words

def _name(unit) -> str:
    return unit.short_name or unit.name


def _names(units) -> str:
    return ", ".join(_name(u) for u in units)


def sentence(ind) -> str:
    """One Vietnamese sentence saying how the commune's figure is made: on the indicator
    page and beside the box on a report form, so a unit knows how its figure counts."""
    lead = _name(ind.lead_unit) if ind.lead_unit else _("đơn vị chủ trì")
    how = rule(ind)
    parts = sorted((u for u in ind.reporters if u.id != ind.lead_unit_id),
                   key=lambda u: (u.sort_order, u.id)) if how != "lead" else []
    flow = ind.semantics in FLOWS
    if how == "sum" and parts:
        if flow:
            return _("Số liệu của xã là tổng số liệu trong kỳ do %(lead)s và %(others)s báo cáo, "
                     "cộng dồn từ đầu năm.", lead=lead, others=_names(parts))
        return _("Số liệu của xã là tổng số mới nhất của từng đơn vị: %(lead)s và %(others)s.",
                 lead=lead, others=_names(parts))
    if how == "checked" and parts:
        return _("Số liệu của xã là số của cả xã do %(lead)s báo cáo; số riêng của %(others)s "
                 "cộng lại dùng để đối chiếu, lệch quá %(pct)s%% thì phải kiểm tra lại.",
                 lead=lead, others=_names(parts), pct=int(tolerance() * 100))
    if how == "latest" and parts:
        return _("Số liệu của xã là số mới nhất do %(lead)s hoặc %(others)s báo cáo.",
                 lead=lead, others=_names(parts))
    if flow:
        return _("Số liệu của xã là số liệu trong kỳ do %(lead)s báo cáo, cộng dồn từ đầu năm; "
                 "chỉ %(lead)s báo cáo chỉ tiêu này.", lead=lead)
    return _("Số liệu của xã là số mới nhất do %(lead)s báo cáo; chỉ %(lead)s báo cáo chỉ tiêu "
             "này.", lead=lead)


# ---------------------------------------------------------------- the office's table

LEAD, ASKED, MAY = "lead", "asked", "may"


def table(indicators) -> tuple[list, list]:
    """The columns (every unit leading or taking part in a target, in the units' order) and
    one row per target: (indicator, {unit id: LEAD | ASKED | MAY}). ASKED is a part the unit
    reports; MAY a contributor the office could ask."""
    units = {}
    rows = []
    for ind in indicators:
        cells = {u.id: MAY for u in ind.contributors}
        for u in ind.contributors:
            units[u.id] = u
        if ind.lead_unit is not None:
            units[ind.lead_unit_id] = ind.lead_unit
            cells[ind.lead_unit_id] = LEAD
        for uid in part_ids(ind) - {ind.lead_unit_id}:
            cells[uid] = ASKED
        rows.append((ind, cells))
    return sorted(units.values(), key=lambda u: (u.sort_order, u.id)), rows


def parse_table(form, indicators) -> dict:
    """{indicator id: (rule, part unit ids)} from the table's fields: r<id> the rule, p the
    "<indicator id>.<unit id>" of each part ticked. Anything malformed is ignored, and
    anything not offered is refused by the save (app/plans/editing.save_assignments)."""
    parts: dict[int, set] = {ind.id: set() for ind in indicators}
    for value in form.getlist("p"):
        left, _dot, right = value.partition(".")
        if left.isdigit() and right.isdigit() and int(left) in parts:
            parts[int(left)].add(int(right))
    return {ind.id: (form.get(f"r{ind.id}", rule(ind)), parts[ind.id]) for ind in indicators}
