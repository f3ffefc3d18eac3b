"""Load a commune plan file (format thidua-plan/1, see docs/plan-format.md).

Validation names the line of the entry at fault, so the person who wrote the file can
find it. Loading is idempotent: a plan already present for the year is left alone.
"""
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.audit.service import record
from app.extensions import db
from app.plans.models import (SEMANTICS, UNIT_PLAN_SECTIONS, Area, Indicator, Plan,
                              PlanSection)
from app.units.models import UNIT_KINDS, Unit
from app.vietnamese import VNInputError, nfc, parse_number

DEFAULT_PLAN_FILE = Path(__file__).resolve().parent.parent / "data" / "plan-2026-binh-lu.toml"
FORMAT = "thidua-plan/1"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TABLES = ("units", "areas", "indicators", "plan.sections")


class PlanFileError(ValueError):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class PlanFile:
    data: dict
    lines: dict  # table name -> line number of each [[table]] header, in order

    def where(self, table, index):
        try:
            return f"dòng {self.lines[table][index]}"
        except (KeyError, IndexError):
            return f"mục {table} thứ {index + 1}"


def read_plan_file(path) -> PlanFile:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanFileError([f"Tệp không phải UTF-8 (byte {exc.start})."]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanFileError([f"Lỗi cú pháp TOML: {exc}"]) from None
    lines = {t: [] for t in TABLES}
    for number, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"^\s*\[\[\s*([a-z.]+)\s*\]\]", line)
        if m and m.group(1) in lines:
            lines[m.group(1)].append(number)
    plan_file = PlanFile(data=data, lines=lines)
    errors = validate(plan_file)
    if errors:
        raise PlanFileError(errors)
    return plan_file


def _number(value, where, field, errors, required=True):
    if value in ("", None):
        if required:
            errors.append(f"{where}: thiếu {field}.")
        return None
    if not isinstance(value, str):
        errors.append(f"{where}: {field} phải là chuỗi số kiểu Việt Nam, ví dụ \"9.950,3\".")
        return None
    try:
        return parse_number(value)
    except VNInputError as exc:
        errors.append(f"{where}: {field} \"{value}\": {exc.message}")
        return None


def validate(pf: PlanFile) -> list[str]:
    d, errors = pf.data, []
    if d.get("format") != FORMAT:
        errors.append(f"Khóa format phải là \"{FORMAT}\".")
    plan = d.get("plan") or {}
    if not isinstance(plan.get("year"), int) or not 2000 <= plan["year"] <= 2100:
        errors.append("[plan]: year phải là số năm, ví dụ 2026.")
    for key in ("title", "theme"):
        if not str(plan.get(key, "")).strip():
            errors.append(f"[plan]: thiếu {key}.")
    slugs = set()
    for i, u in enumerate(d.get("units", [])):
        w = pf.where("units", i)
        if not SLUG.match(str(u.get("slug", ""))):
            errors.append(f"{w}: slug \"{u.get('slug', '')}\" chỉ gồm chữ thường không dấu, số và dấu gạch nối.")
        elif u["slug"] in slugs:
            errors.append(f"{w}: slug \"{u['slug']}\" bị trùng.")
        slugs.add(u.get("slug"))
        if u.get("kind") not in UNIT_KINDS:
            errors.append(f"{w}: kind \"{u.get('kind', '')}\" không hợp lệ; dùng một trong: {', '.join(UNIT_KINDS)}.")
        if not str(u.get("name", "")).strip():
            errors.append(f"{w}: thiếu name.")
    for i, u in enumerate(d.get("units", [])):
        if u.get("parent") and u["parent"] not in slugs:
            errors.append(f"{pf.where('units', i)}: parent \"{u['parent']}\" không có trong danh sách đơn vị.")
    if not slugs:
        errors.append("Tệp chưa có đơn vị nào ([[units]]).")
    area_codes = set()
    for i, a in enumerate(d.get("areas", [])):
        w = pf.where("areas", i)
        if not str(a.get("code", "")).strip() or a.get("code") in area_codes:
            errors.append(f"{w}: code của nội dung thi đua bị thiếu hoặc trùng.")
        area_codes.add(a.get("code"))
        if not str(a.get("title", "")).strip():
            errors.append(f"{w}: thiếu title.")
        if a.get("lead") and a["lead"] not in slugs:
            errors.append(f"{w}: lead \"{a['lead']}\" không có trong danh sách đơn vị.")
    codes = set()
    for i, ind in enumerate(d.get("indicators", [])):
        w = f"{pf.where('indicators', i)} (chỉ tiêu {ind.get('code', '?')})"
        if not str(ind.get("code", "")).strip() or ind.get("code") in codes:
            errors.append(f"{w}: code bị thiếu hoặc trùng.")
        codes.add(ind.get("code"))
        if ind.get("area") not in area_codes:
            errors.append(f"{w}: area \"{ind.get('area', '')}\" không có trong các nội dung thi đua.")
        if not str(ind.get("name", "")).strip():
            errors.append(f"{w}: thiếu name.")
        sem = ind.get("semantics")
        if sem not in SEMANTICS:
            errors.append(f"{w}: semantics \"{sem}\" không hợp lệ; dùng một trong: {', '.join(SEMANTICS)}.")
        _number(ind.get("target"), w, "target", errors)
        _number(ind.get("baseline"), w, "baseline", errors, required=False)
        total = _number(ind.get("total"), w, "total", errors, required=sem == "count_of_total")
        if sem == "count_of_total" and total is not None and total <= 0:
            errors.append(f"{w}: total phải lớn hơn 0.")
        if ind.get("lead") and ind["lead"] not in slugs:
            errors.append(f"{w}: lead \"{ind['lead']}\" không có trong danh sách đơn vị.")
        for c in ind.get("contributors", []):
            if c not in slugs:
                errors.append(f"{w}: contributors có \"{c}\" không có trong danh sách đơn vị.")
    return errors


def _text(value) -> str:
    return nfc(str(value or "")).strip()


def load_plan(pf: PlanFile, user=None) -> Plan:
    """Create units, the commune plan, its areas, indicators and one implementation plan
    per unit. Units already present (same slug) are kept as they are."""
    d = pf.data
    p = d["plan"]
    existing = db.session.scalar(Plan.commune_plan_stmt(p["year"]))
    if existing is not None:
        return existing
    units = {u.slug: u for u in db.session.scalars(select(Unit))}
    for order, u in enumerate(d["units"]):
        if u["slug"] not in units:
            unit = Unit(slug=u["slug"], name=_text(u["name"]), short_name=_text(u.get("short_name")),
                        kind=u["kind"], sort_order=order)
            db.session.add(unit)
            units[u["slug"]] = unit
    db.session.flush()
    for u in d["units"]:
        if u.get("parent") and units[u["slug"]].parent_id is None:
            units[u["slug"]].parent_id = units[u["parent"]].id
    root = next((units[u["slug"]] for u in d["units"] if u["kind"] == "commune"),
                units[d["units"][0]["slug"]])
    plan = Plan(year=p["year"], unit=root, number=_text(p.get("number")),
                date_text=_text(p.get("date_text")), title=_text(p["title"]),
                basis=_text(p.get("basis")), theme=_text(p["theme"]),
                signer_title=_text(p.get("signer_title")), signer_name=_text(p.get("signer_name")),
                recipients="\n".join(_text(r) for r in p.get("recipients", [])))
    db.session.add(plan)
    db.session.flush()
    for order, s in enumerate(p.get("sections", [])):
        db.session.add(PlanSection(plan=plan, key=s["key"], heading=_text(s["heading"]),
                                   body=_text(s.get("body")), sort_order=order))
    areas = {}
    for order, a in enumerate(d.get("areas", [])):
        areas[a["code"]] = Area(plan_id=plan.id, code=a["code"], title=_text(a["title"]),
                                body=_text(a.get("body")), sort_order=order,
                                lead_unit=units.get(a.get("lead")))
        db.session.add(areas[a["code"]])
    for order, ind in enumerate(d.get("indicators", [])):
        total = ind.get("total") or None
        baseline = ind.get("baseline") or None
        indicator = Indicator(
            plan_id=plan.id, area=areas[ind["area"]], code=ind["code"], name=_text(ind["name"]),
            unit_of_measure=_text(ind.get("unit_of_measure")), semantics=ind["semantics"],
            total=parse_number(total) if total else None,
            baseline=parse_number(baseline) if baseline else None,
            lead_unit=units.get(ind.get("lead")), source_text=_text(ind.get("source")),
            sort_order=order, contributors=[units[c] for c in ind.get("contributors", [])])
        indicator.set_target(parse_number(ind["target"]))
        db.session.add(indicator)
    db.session.flush()
    for unit in units.values():
        ensure_unit_plan(plan, unit)
    db.session.flush()
    record("plan.load", "plan", plan.id, unit_id=root.id, user=user,
           after={"year": plan.year, "units": len(units), "areas": len(areas),
                  "indicators": len(d.get("indicators", []))})
    return plan


def ensure_unit_plan(commune_plan: Plan, unit: Unit) -> Plan:
    """The unit's implementation plan under the commune plan, with the IV.1 sections."""
    plan = db.session.scalar(select(Plan).where(Plan.parent_id == commune_plan.id,
                                                Plan.unit_id == unit.id))
    if plan is None:
        plan = Plan(year=commune_plan.year, parent_id=commune_plan.id, unit=unit,
                    title=f"Kế hoạch triển khai phong trào thi đua năm {commune_plan.year}")
        db.session.add(plan)
        for order, (key, heading) in enumerate(UNIT_PLAN_SECTIONS):
            db.session.add(PlanSection(plan=plan, key=key, heading=heading, body="",
                                       sort_order=order))
    return plan
