"""Milestones of a unit's implementation plan: the rules, as plain functions.

Each load is one statement: the record the URL names, joined with the plan it lives in and
with the area and indicator a submitted form names, so a save stays within the partial
budget (docs/design.md §5: at most 5 SQL statements, audit included).
"""
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import aliased, joinedload

from app.audit.service import record, snapshot
from app.core.errors import Refused
from app.core.policy import ensure_open
from app.core.extensions import db
from app.core.i18n import N_
from app.plans.models import Area, Indicator, Plan
from app.milestones.models import MILESTONE_STATUSES, Milestone
from app.core.locking import ensure_current, stale_guard
from app.units.models import Unit
from app.core.vietnamese import today  # noqa: F401  a milestone is late by Vietnam's date
from app.core.vietnamese import _l, format_date

# Aliases made once: building one per call copies every column and costs each request.
_CHOSEN_AREA = aliased(Area, name="chosen_area")
_CHOSEN_INDICATOR = aliased(Indicator, name="chosen_indicator")
_UNIT_PLAN = aliased(Plan, name="unit_plan")

# What a person edits; the audit snapshots and the conflict view use the same list.
FIELDS = ("title", "owner", "start_on", "due_on", "status", "progress", "area_id",
          "indicator_id", "evidence")
CLOSED = ("done", "cancelled")


def overdue_clause(on: date):
    """SQL twin of Milestone.is_overdue: computed from the date, never stored."""
    return and_(Milestone.due_on < on, Milestone.status.not_in(CLOSED))


def latest_commune_plan_id():
    return (select(Plan.id).where(Plan.parent_id.is_(None)).order_by(Plan.year.desc())
            .limit(1).scalar_subquery())


@dataclass
class Refs:
    """The area and indicator a form names, if they belong to the commune plan."""
    area: Optional[Area] = None
    indicator: Optional[Indicator] = None


@dataclass
class Loaded:
    milestone: Milestone
    plan: Plan
    unit: Unit
    refs: Refs = field(default_factory=Refs)


def _with_refs(stmt, commune_plan_id, area_id, indicator_id):
    chosen_area, chosen_indicator = _CHOSEN_AREA, _CHOSEN_INDICATOR
    stmt = (stmt.add_columns(chosen_area, chosen_indicator)
            .outerjoin(chosen_area, and_(chosen_area.id == area_id,
                                         chosen_area.plan_id == commune_plan_id))
            .outerjoin(chosen_indicator, and_(chosen_indicator.id == indicator_id,
                                              chosen_indicator.plan_id == commune_plan_id))
            .options(joinedload(chosen_indicator.area)))
    return stmt


@cache  # every milestone update starts here: built once per process
def _load_milestone_stmt():
    # a form that names no area (None) joins none: "= NULL" matches no row
    stmt = (select(Milestone, Plan, Unit).select_from(Milestone)
            .join(Plan, Plan.id == Milestone.plan_id)
            .join(Unit, Unit.id == Milestone.unit_id)
            .options(joinedload(Milestone.area), joinedload(Milestone.indicator))
            .where(Milestone.id == bindparam("milestone_id"))
            .execution_options(populate_existing=True))
    return _with_refs(stmt, Plan.parent_id, bindparam("area_id"), bindparam("indicator_id"))


def load_milestone(milestone_id: int, area_id=None, indicator_id=None) -> Optional[Loaded]:
    """The milestone with its plan, unit, area and indicator, and the area and indicator a
    form names — one statement."""
    row = db.session.execute(_load_milestone_stmt(), {
        "milestone_id": milestone_id, "area_id": area_id, "indicator_id": indicator_id}).first()
    if row is None:
        return None
    m, plan, unit, area, indicator = row
    return Loaded(m, plan, unit, Refs(area, indicator))


@dataclass
class UnitTarget:
    """Where a new milestone goes: the unit, its plan for the latest year (None if it has
    none yet) and the commune plan's id."""
    unit: Unit
    plan: Optional[Plan]
    commune_plan_id: int
    refs: Refs


def load_unit_target(slug: str, area_id=None, indicator_id=None) -> Optional[UnitTarget]:
    commune_id = latest_commune_plan_id()
    unit_plan = _UNIT_PLAN
    stmt = (select(Unit, unit_plan, commune_id.label("commune_id")).select_from(Unit)
            .outerjoin(unit_plan, and_(unit_plan.unit_id == Unit.id,
                                       unit_plan.parent_id == commune_id))
            .where(Unit.slug == slug))
    row = db.session.execute(_with_refs(stmt, commune_id, area_id, indicator_id)).first()
    if row is None or row.commune_id is None:
        return None
    unit, plan, cid, area, indicator = row
    return UnitTarget(unit, plan, cid, Refs(area, indicator))


def ensure_plan(target: UnitTarget, user=None) -> Plan:
    """The unit's implementation plan, created (with its IV.1 sections) if it has none."""
    if target.plan is not None:
        return target.plan
    from app.plans.loader import ensure_unit_plan

    plan = ensure_unit_plan(db.session.get(Plan, target.commune_plan_id), target.unit)
    db.session.flush()
    record("plan.create", "plan", plan.id, unit_id=target.unit.id, user=user,
           after={"year": plan.year, "title": plan.title})
    target.plan = plan
    return plan


@dataclass
class Choices:
    """Areas and their indicators, for the milestone form's selects."""
    areas: list
    indicators: dict


def plan_choices(commune_plan_id) -> Choices:
    """Every area of the commune plan with its indicators — one statement."""
    rows = db.session.execute(
        select(Area, Indicator).outerjoin(Indicator, Indicator.area_id == Area.id)
        .where(Area.plan_id == commune_plan_id)
        .order_by(Area.sort_order, Area.id, Indicator.sort_order, Indicator.id))
    areas, indicators = [], {}
    for area, indicator in rows:
        if area.id not in indicators:
            areas.append(area)
            indicators[area.id] = []
        if indicator is not None:
            indicators[area.id].append(indicator)
    return Choices(areas, indicators)


def values_from(form, refs: Refs) -> dict:
    """The values a valid MilestoneForm asks for. Refused, with {field: message}, when the
    area or indicator it names is not in the plan or the two do not fit together."""
    errors = {}
    area = indicator = None
    if form.area_id.data is not None:
        area = refs.area
        if area is None:
            errors["area_id"] = _("Nội dung thi đua đã chọn không có trong kế hoạch.")
    if form.indicator_id.data is not None:
        indicator = refs.indicator
        if indicator is None:
            errors["indicator_id"] = _("Chỉ tiêu đã chọn không có trong kế hoạch.")
    if indicator is not None and area is not None and indicator.area_id != area.id:
        errors["indicator_id"] = _(
            "Chỉ tiêu %(code)s thuộc nội dung %(area)s, không thuộc nội dung đã chọn.",
            code=indicator.code, area=indicator.area.code)
    if indicator is not None and area is None and "area_id" not in errors:
        area = indicator.area  # an indicator says which area it serves
    if errors:
        raise Refused(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), 422, errors)
    return {
        "title": form.title.data, "owner": form.owner.data or "",
        "start_on": form.start_on.data, "due_on": form.due_on.data,
        "status": form.status.data, "progress": int(form.progress.data or 0),
        "area": area, "indicator": indicator, "evidence": form.evidence.data or "",
    }


def _apply(m: Milestone, values: dict) -> None:
    for name in ("title", "owner", "start_on", "due_on", "status", "progress", "evidence"):
        setattr(m, name, values[name])
    m.area, m.area_id = values["area"], values["area"].id if values["area"] else None
    m.indicator = values["indicator"]
    m.indicator_id = values["indicator"].id if values["indicator"] else None


def create(unit: Unit, plan: Plan, values: dict, user=None, token=None) -> Milestone:
    """A new milestone; `token` (the add-form's) makes a replay fail on insert."""
    ensure_open(plan)
    m = Milestone(plan_id=plan.id, unit_id=unit.id, version=1, submission_token=token)
    _apply(m, values)
    db.session.add(m)
    db.session.flush()
    record("milestone.create", "milestone", m.id, unit_id=unit.id, user=user,
           after=snapshot(m, FIELDS))
    return m


def update(m: Milestone, plan: Plan, version: int, values: dict, user=None) -> bool:
    """Save the form's values over the version it was read at; False when nothing changed.
    Raises StaleEdit when someone saved in between, PlanLocked in a closed year."""
    ensure_open(m)
    ensure_current(m, version)
    before = snapshot(m, FIELDS)
    _apply(m, values)
    after = snapshot(m, FIELDS)
    if after == before:
        return False
    with stale_guard():
        record("milestone.update", "milestone", m.id, unit_id=m.unit_id, user=user,
               before=before, after=after)
    return True


def set_status(m: Milestone, plan: Plan, version: int, status: str, user=None) -> bool:
    """One tap: change the status; marking it done also marks it 100 %."""
    ensure_open(m)
    ensure_current(m, version)
    if status == m.status:
        return False
    before = snapshot(m, FIELDS)
    m.status = status
    if status == "done":
        m.progress = 100
    with stale_guard():
        record("milestone.status", "milestone", m.id, unit_id=m.unit_id, user=user,
               before=before, after=snapshot(m, FIELDS))
    return True


def delete(m: Milestone, plan: Plan, version: int, user=None) -> None:
    ensure_open(m)
    ensure_current(m, version)
    before = snapshot(m, FIELDS)
    db.session.delete(m)
    with stale_guard():
        record("milestone.delete", "milestone", m.id, unit_id=m.unit_id, user=user,
               before=before)


# ---- showing values: the conflict view --------------------------------------------------

LABELS = {
    "title": N_("Tên mốc, nhiệm vụ"),
    "owner": N_("Người phụ trách"),
    "start_on": N_("Ngày bắt đầu"),
    "due_on": N_("Hạn hoàn thành"),
    "status": N_("Trạng thái"),
    "progress": N_("Tiến độ"),
    "area_id": N_("Nội dung thi đua"),
    "indicator_id": N_("Chỉ tiêu"),
    "evidence": N_("Minh chứng, ghi chú"),
}


def show(name: str, value) -> str:
    """A field's value as a reader sees it (objects, as the form and the model hold them)."""
    if value is None or value == "":
        return "—"
    if name == "status":
        return _(MILESTONE_STATUSES.get(value, value))
    if name == "progress":
        return f"{value}%"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Area):
        return f"{value.code}. {value.title}"
    if isinstance(value, Indicator):
        return f"{value.code} – {value.name}"
    return str(value)


def conflict_rows(current: Milestone, values: dict) -> list[tuple[str, str, str]]:
    """(label, what this person typed, what is saved now) for every field that differs."""
    rows = []
    for name in FIELDS:
        key = name.removesuffix("_id")
        mine = values[key] if key in values else values.get(name)
        now = getattr(current, key)
        if show(name, mine) != show(name, now):
            rows.append((_(LABELS[name]), show(name, mine), show(name, now)))
    return rows

