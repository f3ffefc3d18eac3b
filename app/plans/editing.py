"""Changing the commune plan itself (issue 9), as plain functions a test calls directly.

The routes in edit_routes.py parse forms and call these; every change writes its audit
event in the caller's transaction, and a target change keeps the old value with its reason.
"""
from decimal import Decimal
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit.service import record, snapshot
from app.core.extensions import db
from app.plans.models import Area, Indicator, IndicatorTargetChange, Plan
from app.plans.years import ensure_open
from app.core.errors import Refused
from app.units.models import Unit

PLAN_FIELDS = ("number", "date_text", "title", "basis", "theme", "signer_title",
               "signer_name", "recipients")
AREA_FIELDS = ("code", "title", "body", "lead_unit_id")
INDICATOR_FIELDS = ("area_id", "code", "name", "unit_of_measure", "semantics", "target",
                    "total", "baseline", "lead_unit_id", "combine", "low", "high",
                    "over_target_pct")


def _refused(field, message) -> Refused:
    """A change the rules refuse, its message on the form field it belongs to."""
    return Refused(message, 422, fields={field: message})


def same_number(a: Optional[Decimal], b: Optional[Decimal]) -> bool:
    # 58.39 and 58.3900 (as stored) are the same target
    if a is None or b is None:
        return a is b
    return a == b


def save_plan_text(plan: Plan, values: dict, section_bodies: dict, user=None) -> bool:
    """Set the plan's own fields and its sections' bodies ({section_id: body}).
    Returns whether anything changed; nothing is written when nothing did."""
    ensure_open(plan)
    before = snapshot(plan, PLAN_FIELDS)
    for name in PLAN_FIELDS:
        setattr(plan, name, values[name])
    changed_sections = {}
    for section in plan.sections:
        body = section_bodies.get(section.id)
        if body is not None and body != section.body:
            changed_sections[section.key] = {"before": section.body, "after": body}
            section.body = body
    after = snapshot(plan, PLAN_FIELDS)
    if after == before and not changed_sections:
        return False
    record("plan.edit", "plan", plan.id, unit_id=plan.unit_id, user=user,
           before={k: v for k, v in before.items() if after[k] != v} |
           {f"section:{k}": v["before"] for k, v in changed_sections.items()},
           after={k: v for k, v in after.items() if before[k] != v} |
           {f"section:{k}": v["after"] for k, v in changed_sections.items()})
    return True


def _code_taken(model, plan_id: int, code: str, own_id: Optional[int]) -> bool:
    stmt = select(func.count(model.id)).where(model.plan_id == plan_id, model.code == code)
    if own_id is not None:
        stmt = stmt.where(model.id != own_id)
    return bool(db.session.scalar(stmt))


def save_area(plan: Plan, area: Optional[Area], values: dict, user=None) -> Area:
    """Create (area None) or change an area of the commune plan."""
    ensure_open(plan)
    if _code_taken(Area, plan.id, values["code"], area.id if area else None):
        raise _refused("code", _("Mã %(code)s đã có trong kế hoạch năm %(year)s.",
                                 code=values["code"], year=plan.year))
    before = snapshot(area, AREA_FIELDS) if area else None
    if area is None:
        order = db.session.scalar(select(func.coalesce(func.max(Area.sort_order), -1))
                                  .where(Area.plan_id == plan.id)) + 1
        area = Area(plan_id=plan.id, sort_order=order)
        db.session.add(area)
    for name in AREA_FIELDS:
        setattr(area, name, values[name])
    db.session.flush()
    after = snapshot(area, AREA_FIELDS)
    if before != after:
        record("area.create" if before is None else "area.edit", "area", area.id,
               unit_id=plan.unit_id, user=user, before=before, after=after)
    return area


def save_indicator(plan: Plan, ind: Optional[Indicator], values: dict, contributor_ids,
                   reason: str, user=None, reporter_ids=()) -> Indicator:
    """Create (ind None) or change an indicator. Changing the target of an existing
    indicator needs a reason, and keeps the old value in the indicator's history; the
    first target of an indicator that had none is recorded there too."""
    ensure_open(plan)
    if _code_taken(Indicator, plan.id, values["code"], ind.id if ind else None):
        raise _refused("code", _("Mã %(code)s đã có trong kế hoạch năm %(year)s.",
                                 code=values["code"], year=plan.year))
    area = db.session.get(Area, values["area_id"])
    if area is None or area.plan_id != plan.id:
        raise _refused("area_id", _("Nội dung thi đua này không thuộc kế hoạch năm %(year)s.",
                                    year=plan.year))
    target_changed = ind is not None and not same_number(ind.target, values["target"])
    reason = (reason or "").strip()
    # setting a new year's target for the first time is recorded, but asks no reason
    if target_changed and ind.target is not None and not reason:
        raise _refused("reason", _(
            "Mục tiêu đã thay đổi: vui lòng ghi lý do (ví dụ số, ngày nghị quyết của HĐND xã)."))
    values = {"combine": "lead", "low": None, "high": None, "over_target_pct": None, **values}
    if values["over_target_pct"] is not None:
        values["over_target_pct"] = int(values["over_target_pct"])
    # a reporter is a contributor the office asks for its figure; the lead always reports
    reporters = sorted(set(reporter_ids) & set(contributor_ids) - {values["lead_unit_id"]})
    if values["combine"] == "lead":
        reporters = []
    before = None
    if ind is None:
        order = db.session.scalar(select(func.coalesce(func.max(Indicator.sort_order), -1))
                                  .where(Indicator.plan_id == plan.id)) + 1
        ind = Indicator(plan_id=plan.id, sort_order=order)
        db.session.add(ind)
    else:
        before = snapshot(ind, INDICATOR_FIELDS) | {
            "contributors": sorted(u.id for u in ind.contributors),
            "reporters": sorted(u.id for u in ind.reporters)}
    old_target = ind.target
    for name in INDICATOR_FIELDS:
        if name != "target":
            setattr(ind, name, values[name])
    if before is None or target_changed:
        ind.set_target(values["target"])  # remembers "16,90" is written with 2 places
    wanted = sorted(set(contributor_ids))
    if wanted != sorted(u.id for u in ind.contributors):
        ind.contributors = list(db.session.scalars(select(Unit).where(Unit.id.in_(wanted))))
    if reporters != sorted(u.id for u in ind.reporters):
        ind.reporters = list(db.session.scalars(select(Unit).where(Unit.id.in_(reporters))))
    db.session.flush()
    after = snapshot(ind, INDICATOR_FIELDS) | {"contributors": wanted, "reporters": reporters}
    if target_changed:
        db.session.add(IndicatorTargetChange(
            indicator_id=ind.id, old_target=old_target, new_target=ind.target, reason=reason,
            changed_by_id=getattr(user, "id", None)))
        after["reason"] = reason
    if before != after:
        record("indicator.create" if before is None else "indicator.edit", "indicator",
               ind.id, unit_id=plan.unit_id, user=user, before=before, after=after)
    return ind


def target_history(indicator_id: int) -> list[IndicatorTargetChange]:
    """Newest first, with who changed it."""
    from sqlalchemy.orm import joinedload
    return list(db.session.scalars(
        select(IndicatorTargetChange).where(IndicatorTargetChange.indicator_id == indicator_id)
        .options(joinedload(IndicatorTargetChange.changed_by))
        .order_by(IndicatorTargetChange.changed_at.desc(), IndicatorTargetChange.id.desc())))


def previous_targets(plan_id: int) -> dict[int, Optional[Decimal]]:
    """For each indicator of the plan whose target was changed: the value before the
    latest change (one statement, for the overview)."""
    latest = (select(IndicatorTargetChange.indicator_id,
                     func.max(IndicatorTargetChange.id).label("last_id"))
              .join(Indicator, Indicator.id == IndicatorTargetChange.indicator_id)
              .where(Indicator.plan_id == plan_id)
              .group_by(IndicatorTargetChange.indicator_id).subquery())
    rows = db.session.execute(
        select(IndicatorTargetChange.indicator_id, IndicatorTargetChange.old_target)
        .join(latest, latest.c.last_id == IndicatorTargetChange.id))
    return {ind_id: old for ind_id, old in rows}


def save_assignments(plan: Plan, wanted: dict, user=None) -> int:
    """The office's table of who reports what (issue 28): {indicator id: (combine, part unit
    ids)}. Every row is checked before any is written; a part must be a contributor of its
    indicator (the plan says who takes part), and "the lead's figure" asks no parts.
    Returns how many indicators changed; each change writes its audit event."""
    from app.plans.models import combine_choices  # the rules each kind of target allows
    ensure_open(plan)
    indicators = {i.id: i for i in db.session.scalars(
        select(Indicator).where(Indicator.plan_id == plan.id, Indicator.id.in_(list(wanted))))}
    problems = []
    for ind_id, (combine, parts) in wanted.items():
        ind = indicators.get(ind_id)
        if ind is None:
            raise Refused(_("Chỉ tiêu không thuộc kế hoạch năm %(year)s.", year=plan.year), 422)
        allowed = {u.id for u in ind.contributors} - {ind.lead_unit_id}
        if combine not in combine_choices(ind.semantics, ind.unit_of_measure):
            problems.append(_("%(code)s: cách tính số của xã này không dùng được cho chỉ tiêu.",
                              code=ind.code))
        elif combine == "lead" and parts:
            problems.append(_("%(code)s: số của đơn vị chủ trì thì không đơn vị nào báo phần "
                              "của mình; bỏ chọn các đơn vị hoặc đổi cách tính.", code=ind.code))
        elif not set(parts) <= allowed:
            problems.append(_("%(code)s: chỉ đơn vị phối hợp mới được giao báo phần của mình.",
                              code=ind.code))
        elif combine == "checked" and not parts:
            problems.append(_("%(code)s: đối chiếu với tổng các phần cần ít nhất một đơn vị "
                              "báo phần của mình.", code=ind.code))
    if problems:
        raise Refused(" ".join(problems), 422)
    changed = 0
    for ind_id, (combine, parts) in wanted.items():
        ind = indicators[ind_id]
        before = {"combine": ind.combine, "reporters": sorted(u.id for u in ind.reporters)}
        after = {"combine": combine, "reporters": sorted(set(parts))}
        if before == after:
            continue
        ind.combine = combine
        ind.reporters = list(db.session.scalars(select(Unit).where(Unit.id.in_(after["reporters"]))))
        record("indicator.edit", "indicator", ind.id, unit_id=plan.unit_id, user=user,
               before=before, after=after)
        changed += 1
    db.session.flush()
    return changed
