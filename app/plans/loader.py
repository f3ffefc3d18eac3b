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
from app.core.extensions import db
from app.plans.models import (SEMANTICS, UNIT_PLAN_SECTIONS, Area, Indicator, Plan,
                              PlanSection, combine_choices)
from app.units.models import UNIT_KINDS, Unit, own_short_name
from app.core.vietnamese import VNInputError, nfc, parse_number

DEFAULT_PLAN_FILE = Path(__file__).resolve().parent.parent / "data" / "plan-2026-binh-lu.toml"
FORMAT = "thidua-plan/1"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class PlanFileError(ValueError):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


# The keys each table may hold, and their TOML types; anything else is a mistake to name.
STR, INT, STRS, TABLE, TABLES = "str", "int", "strs", "table", "tables"
SCHEMA = {
    "": {"format": STR, "commune": TABLE, "plan": TABLE, "units": TABLES, "areas": TABLES,
         "indicators": TABLES},
    "commune": {"name": STR, "province": STR, "committee": STR},
    "plan": {"year": INT, "number": STR, "date_text": STR, "title": STR, "basis": STR,
             "theme": STR, "signer_title": STR, "signer_name": STR, "recipients": STRS,
             "sections": TABLES},
    "plan.sections": {"key": STR, "heading": STR, "body": STR},
    "units": {"slug": STR, "name": STR, "short_name": STR, "kind": STR, "parent": STR},
    "areas": {"code": STR, "title": STR, "body": STR, "lead": STR},
    "indicators": {"code": STR, "area": STR, "name": STR, "unit_of_measure": STR,
                   "semantics": STR, "target": STR, "total": STR, "baseline": STR,
                   "lead": STR, "contributors": STRS, "source": STR, "combine": STR,
                   "reporters": STRS},
}
REQUIRED = {"plan": ("year", "title", "theme"), "plan.sections": ("key", "heading"),
            "units": ("slug", "name", "kind"), "areas": ("code", "title"),
            "indicators": ("code", "area", "name", "semantics")}
NUMBERS = ("target", "total", "baseline")  # _number() explains a wrong type better

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"' + r"|'[^']*'")
_TRIPLE = ('"' * 3, "'" * 3)


def _brackets(fragment: str) -> int:
    """Open minus closed brackets in a line, outside strings and comments."""
    code = _STRINGS.sub("", fragment).split("#", 1)[0]
    return code.count("[") - code.count("]")


def locate_lines(text: str):
    """Where each table header and each key sits: ({(table, index): line},
    {(table, index, key): line}). `index` counts [[array]] tables, None for [tables].
    Multi-line strings and arrays are skipped, so a line inside them is never a key."""
    headers, keys, counts = {("", None): 1}, {}, {}
    table, index, closing, depth = "", None, None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if closing:
            if line.count(closing) % 2:
                closing = None
            continue
        if depth > 0:
            depth += _brackets(line)
            continue
        if m := _KEY.match(line):
            keys[(table, index, m.group(1))] = number
            rest = line[m.end():]
            closing = next((q for q in _TRIPLE if rest.count(q) % 2), None)
            if not closing:
                depth = max(_brackets(rest), 0)
        elif m := _HEADER.match(line):
            table = m.group(2)
            index = None
            if m.group(1) == "[[":
                index = counts.get(table, 0)
                counts[table] = index + 1
            headers[(table, index)] = number
    return headers, keys


@dataclass
class PlanFile:
    data: dict
    headers: dict  # (table, index) -> line of its header
    keys: dict     # (table, index, key) -> line of the key

    def line(self, table="", index=None, key=None) -> int:
        if key is not None and (table, index, key) in self.keys:
            return self.keys[(table, index, key)]
        if (table, index) in self.headers:
            return self.headers[(table, index)]
        parent, _, name = table.rpartition(".")
        # an inline array of tables (units = [{...}]) has no headers: its key line
        return self.keys.get((parent, None, name), 1)

    def where(self, table="", index=None, key=None) -> str:
        return f"dòng {self.line(table, index, key)}"


def read_plan_file(path) -> PlanFile:
    """Read and validate a plan file; every problem names its line ("dòng N: …")."""
    return read_plan_bytes(Path(path).read_bytes())


def read_plan_bytes(raw: bytes) -> PlanFile:
    """A plan file's bytes (one uploaded to the province's page), read and validated as
    read_plan_file reads a file."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise PlanFileError([f"dòng {line}: tệp phải mã hóa UTF-8 (byte {exc.start} không "
                             "đọc được); hãy lưu lại tệp dưới dạng UTF-8."]) from None
    text = text.removeprefix("\ufeff")  # a BOM some editors add
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"dòng {m.group(1)}, cột {m.group(2)}" if m else "dòng 1"
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise PlanFileError([f"{where}: lỗi cú pháp TOML ({reason})."]) from None
    headers, keys = locate_lines(text)
    plan_file = PlanFile(data=data, headers=headers, keys=keys)
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


def _wrong_type(kind, value) -> bool:
    if kind == STR:
        return not isinstance(value, str)
    if kind == INT:
        return not isinstance(value, int) or isinstance(value, bool)
    if kind == STRS:
        return not (isinstance(value, list) and all(isinstance(v, str) for v in value))
    if kind == TABLE:
        return not isinstance(value, dict)
    return not (isinstance(value, list) and all(isinstance(v, dict) for v in value))


_TYPE_TEXT = {STR: "chuỗi văn bản trong dấu ngoặc kép", INT: "số nguyên, ví dụ 2026",
              STRS: "danh sách chuỗi, ví dụ [\"ban-mau-01\"]"}


def _check_table(pf, table, index, data, errors, label="") -> dict:
    """Unknown keys, wrong types and missing required keys of one table. Returns the
    table without its wrongly typed values, so later checks never trip on them."""
    schema, clean = SCHEMA[table], {}
    for key, value in data.items():
        w = pf.where(table, index, key) + label
        kind = schema.get(key)
        if kind is None:
            errors.append(f"{w}: khóa \"{key}\" không có trong định dạng {FORMAT} (gõ sai tên "
                          f"khóa?); các khóa hợp lệ: {', '.join(schema)}.")
        elif key in NUMBERS or not _wrong_type(kind, value):
            clean[key] = value
        elif kind == TABLE:
            errors.append(f"{w}: {key} phải là một bảng [{key}].")
        elif kind == TABLES:
            name = f"{table}.{key}" if table else key
            errors.append(f"{w}: {key} phải là danh sách bảng [[{name}]].")
        else:
            errors.append(f"{w}: {key} phải là {_TYPE_TEXT[kind]}.")
    for key in REQUIRED.get(table, ()):
        if key not in data:
            errors.append(f"{pf.where(table, index)}{label}: thiếu {key}.")
        elif isinstance(clean.get(key), str) and not clean[key].strip():
            errors.append(f"{pf.where(table, index, key)}{label}: {key} đang để trống.")
    return clean


def validate(pf: PlanFile) -> list[str]:
    errors: list[str] = []
    d = _check_table(pf, "", None, pf.data, errors)
    if d.get("format") != FORMAT:
        errors.append(f"{pf.where('', None, 'format')}: khóa format phải là \"{FORMAT}\".")
    if "commune" in d:
        _check_table(pf, "commune", None, d["commune"], errors)
    if "plan" in d:
        plan = _check_table(pf, "plan", None, d["plan"], errors)
    else:
        plan = {}
        errors.append(f"{pf.where()}: thiếu bảng [plan].")
    if "year" in plan and not 2000 <= plan["year"] <= 2100:
        errors.append(f"{pf.where('plan', None, 'year')}: year phải là số năm, ví dụ 2026.")
    section_keys = set()
    for i, s in enumerate(plan.get("sections", [])):
        s = _check_table(pf, "plan.sections", i, s, errors)
        if s.get("key") in section_keys:
            errors.append(f"{pf.where('plan.sections', i, 'key')}: key \"{s['key']}\" bị trùng.")
        section_keys.add(s.get("key"))

    units = [_check_table(pf, "units", i, u, errors) for i, u in enumerate(d.get("units", []))]
    slugs = set()
    for i, u in enumerate(units):
        if "slug" in u and not SLUG.match(u["slug"]):
            errors.append(f"{pf.where('units', i, 'slug')}: slug \"{u['slug']}\" chỉ gồm chữ "
                          "thường không dấu, số và dấu gạch nối.")
        elif u.get("slug") in slugs:
            errors.append(f"{pf.where('units', i, 'slug')}: slug \"{u['slug']}\" bị trùng.")
        slugs.add(u.get("slug"))
        if "kind" in u and u["kind"] not in UNIT_KINDS:
            errors.append(f"{pf.where('units', i, 'kind')}: kind \"{u['kind']}\" không hợp lệ; "
                          f"dùng một trong: {', '.join(UNIT_KINDS)}.")
    slugs.discard(None)
    for i, u in enumerate(units):
        if u.get("parent") and u["parent"] not in slugs:
            errors.append(f"{pf.where('units', i, 'parent')}: parent \"{u['parent']}\" không "
                          "có trong danh sách đơn vị.")
    if not slugs:
        errors.append(f"{pf.where()}: tệp chưa có đơn vị nào ([[units]]).")

    area_codes = set()
    for i, a in enumerate(d.get("areas", [])):
        a = _check_table(pf, "areas", i, a, errors)
        if a.get("code") in area_codes:
            errors.append(f"{pf.where('areas', i, 'code')}: code \"{a['code']}\" của nội dung "
                          "thi đua bị trùng.")
        area_codes.add(a.get("code"))
        if a.get("lead") and a["lead"] not in slugs:
            errors.append(f"{pf.where('areas', i, 'lead')}: lead \"{a['lead']}\" không có trong "
                          "danh sách đơn vị.")
    area_codes.discard(None)

    codes = set()
    for i, raw in enumerate(d.get("indicators", [])):
        code = raw.get("code")
        label = f" (chỉ tiêu {code if isinstance(code, str) else '?'})"
        ind = _check_table(pf, "indicators", i, raw, errors, label)

        def w(key=None, i=i, label=label):
            return pf.where("indicators", i, key) + label
        if ind.get("code") in codes:
            errors.append(f"{w('code')}: code bị trùng.")
        codes.add(ind.get("code"))
        if "area" in ind and ind["area"] not in area_codes:
            errors.append(f"{w('area')}: area \"{ind['area']}\" không có trong các nội dung "
                          "thi đua.")
        sem = ind.get("semantics")
        if "semantics" in ind and sem not in SEMANTICS:
            errors.append(f"{w('semantics')}: semantics \"{sem}\" không hợp lệ; dùng một trong: "
                          f"{', '.join(SEMANTICS)}.")
        _number(ind.get("target"), w("target"), "target", errors)
        _number(ind.get("baseline"), w("baseline"), "baseline", errors, required=False)
        total = _number(ind.get("total"), w("total"), "total", errors,
                        required=sem == "count_of_total")
        if sem == "count_of_total" and total is not None and total <= 0:
            errors.append(f"{w('total')}: total phải lớn hơn 0.")
        if ind.get("lead") and ind["lead"] not in slugs:
            errors.append(f"{w('lead')}: lead \"{ind['lead']}\" không có trong danh sách đơn vị.")
        for c in ind.get("contributors", []):
            if c not in slugs:
                errors.append(f"{w('contributors')}: contributors có \"{c}\" không có trong "
                              "danh sách đơn vị.")
        _check_counting(ind, w, errors)
    return errors


def _check_counting(ind, w, errors) -> None:
    """combine and reporters (issue 16): how the commune's figure is made, and by whom."""
    combine = ind.get("combine", "lead")
    allowed = combine_choices(ind.get("semantics", ""), ind.get("unit_of_measure", ""))
    if combine not in allowed:
        errors.append(f"{w('combine')}: combine \"{combine}\" không hợp lệ với semantics "
                      f"\"{ind.get('semantics')}\", đơn vị tính \"{ind.get('unit_of_measure', '')}\"; "
                      f"dùng một trong: {', '.join(allowed)}.")
    reporters = ind.get("reporters", [])
    if reporters and combine == "lead":
        errors.append(f"{w('reporters')}: combine \"lead\" lấy số của đơn vị chủ trì: "
                      "không cần reporters.")
    for r in reporters:
        if r not in ind.get("contributors", []):
            errors.append(f"{w('reporters')}: reporters có \"{r}\" không có trong "
                          "contributors.")


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
            name = _text(u["name"])
            unit = Unit(slug=u["slug"], name=name,
                        short_name=own_short_name(name, _text(u.get("short_name"))),
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
            sort_order=order, contributors=[units[c] for c in ind.get("contributors", [])],
            combine=ind.get("combine", "lead"),
            reporters=[units[r] for r in ind.get("reporters", [])])
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
                    title=f"Kế hoạch triển khai phong trào thi đua năm {commune_plan.year}",
                    locked=bool(commune_plan.locked))  # a closed year stays closed
        db.session.add(plan)
        for order, (key, heading) in enumerate(UNIT_PLAN_SECTIONS):
            db.session.add(PlanSection(plan=plan, key=key, heading=heading, body="",
                                       sort_order=order))
    return plan
