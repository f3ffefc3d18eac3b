"""Settings the secretariat edits: the completion thresholds of Decree 335/2025, the
council's passing share, the legal bases of a commendation decision.

DEFAULTS is the seed: a row exists once someone saved a value, and until then (or when a
stored value cannot be read) the default stands. Code asks `current()` — never a constant:
a view reads it once and hands the values to what it calls (nothing is kept between calls,
so a page shown after a save reads what was saved).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


from app.audit.service import record
from app.core import settings as stored_settings
from app.emulation.scoring import Thresholds
from app.core.errors import Refused
from app.core.extensions import db
from app.core.locking import StaleEdit
from app.core.vietnamese import VNInputError, _l, format_number, parse_number

DEFAULTS = {
    "level_excellent": "90",
    "level_good": "70",
    "level_done": "50",
    # a proposal passes when the votes for it are MORE than this share of the council
    "council_pass_percent": "50",
    "decision_bases": "\n".join((
        "Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;",
        "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ;",
    )),
}
NUMBERS = ("level_excellent", "level_good", "level_done", "council_pass_percent")
LABELS = {
    "level_excellent": _l("Hoàn thành xuất sắc nhiệm vụ: từ (điểm)"),
    "level_good": _l("Hoàn thành tốt nhiệm vụ: từ (điểm)"),
    "level_done": _l("Hoàn thành nhiệm vụ: từ (điểm)"),
    "council_pass_percent": _l("Đề nghị được thông qua khi số phiếu tán thành vượt quá (% tổng "
                               "số thành viên Hội đồng)"),
    "decision_bases": _l("Căn cứ pháp lý của quyết định khen thưởng (mỗi căn cứ một dòng)"),
}


@dataclass(frozen=True)
class Values:
    thresholds: Thresholds
    pass_percent: Decimal
    decision_bases: list[str]
    raw: dict[str, str]
    versions: dict[str, int]


def _number(raw: dict, key: str) -> Decimal:
    try:
        value = parse_number(raw.get(key, ""))
    except VNInputError:
        value = None
    if value is None or not 0 <= value <= 100:
        value = parse_number(DEFAULTS[key])  # a value that cannot be read is not a rule
    return value


def pass_percent_of(raw) -> Decimal:
    """The council's passing share from its stored text (None: not saved yet)."""
    return _number({"council_pass_percent": raw} if raw is not None else DEFAULTS,
                   "council_pass_percent")


def current() -> Values:
    """The settings in force: one statement."""
    rows = stored_settings.stored()
    raw = {**DEFAULTS, **{k: v for k, (v, _ver) in rows.items() if k in DEFAULTS}}
    versions = {k: ver for k, (_v, ver) in rows.items()}
    t = Thresholds(_number(raw, "level_excellent"), _number(raw, "level_good"),
                   _number(raw, "level_done"))
    if not t.done <= t.good <= t.excellent:
        t = Thresholds(*(parse_number(DEFAULTS[k]) for k in
                         ("level_excellent", "level_good", "level_done")))
    return Values(t, _number(raw, "council_pass_percent"),
                  [line.strip() for line in raw["decision_bases"].splitlines() if line.strip()],
                  raw, versions)


def check(numbers: dict[str, Decimal]) -> dict[str, object]:
    """Field errors of a set of thresholds and the passing share."""
    errors = {}
    for key in NUMBERS:
        value = numbers.get(key)
        if value is None:
            errors[key] = _l("Vui lòng nhập một số.")
        elif not 0 <= value <= 100:
            errors[key] = _l("Nhập một số từ 0 đến 100.")
    if errors:
        return errors
    if not numbers["level_done"] < numbers["level_good"] < numbers["level_excellent"]:
        errors["level_good"] = _l("Các mức phải tăng dần: hoàn thành < tốt < xuất sắc.")
    if numbers["council_pass_percent"] >= 100:
        errors["council_pass_percent"] = _l("Phải nhỏ hơn 100: không ai vượt quá 100% số "
                                            "thành viên.")
    return errors


def save(numbers: dict[str, Decimal], bases: str, versions: dict[str, int | None]) -> bool:
    """Save what changed. `versions` are those the form was read at (None: no row then);
    a row saved by someone else since is a conflict (StaleEdit) — unless it
    already holds what this form sends (the same save sent again after its answer was lost,
    or the same change by someone else)."""
    errors = check(numbers)
    if errors:
        raise Refused(_l("Vui lòng kiểm tra lại các giá trị."), fields=errors)
    rows = stored_settings.stored(*DEFAULTS)
    wanted = {k: format_number(numbers[k].normalize()) for k in NUMBERS}
    wanted["decision_bases"] = bases.strip()
    for key, value in wanted.items():
        value_now, version_now = rows.get(key, (DEFAULTS[key], None))
        if value_now == value:
            continue
        if version_now != versions.get(key):
            raise StaleEdit(_l("Cài đặt vừa được người khác thay đổi. Giá trị đang lưu hiện ở "
                               "dưới; hãy xem lại rồi lưu."))
    before, after = {}, {}
    for key, value in wanted.items():
        saved = key in rows
        old = rows[key][0] if saved else DEFAULTS[key]
        if old == value:
            continue
        stored_settings.put(key, value)
        before[key], after[key] = old, value
    if not after:
        return False
    db.session.flush()
    record("emulation.settings", "emulation_setting", None, before=before, after=after)
    return True
