"""Achievement and on-track status of a target, from its semantics (DESIGN.md §2).

Plain functions on plain values, so every rule is tested without a database or request.
A figure is (period_kind, period_end, unit_id, value). "To date" means: figures accepted
so far, read as of the end of the latest period that has one.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, NamedTuple, Optional

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on_track", "at_risk", "off_track", "no_data"
STATUS_LABELS = {
    ON_TRACK: "Đúng tiến độ",
    AT_RISK: "Có nguy cơ chậm",
    OFF_TRACK: "Chậm tiến độ",
    NO_DATA: "Chưa có số liệu",
}
# A level within this share of its target is "at risk" rather than "off track".
RISK_MARGIN = Decimal("0.10")
HUNDRED = Decimal(100)
# Finest first: a unit's flow is summed over the finest kind of period it reported, so a
# quarter is never added on top of the months inside it.
FLOW_KINDS = ("month", "quarter", "half", "year")


class Figure(NamedTuple):
    period_kind: str
    period_end: date
    unit_id: int
    value: Decimal


@dataclass(frozen=True)
class Target:
    semantics: str
    target: Optional[Decimal]
    total: Optional[Decimal] = None
    baseline: Optional[Decimal] = None
    lead_unit_id: Optional[int] = None


@dataclass(frozen=True)
class Progress:
    current: Optional[Decimal]      # the figure to date (sum, latest level, or delta)
    achievement_pct: Optional[Decimal]
    status: str
    as_of: Optional[date]
    expected: Optional[Decimal] = None  # for flows: what keeps pace at as_of

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def year_share(as_of: date, year: int) -> Decimal:
    """Elapsed share of the reporting year (15/12 of the year before to 14/12)."""
    start, end = date(year - 1, 12, 15), date(year, 12, 14)
    if as_of <= start:
        return Decimal(0)
    if as_of >= end:
        return Decimal(1)
    return Decimal((as_of - start).days + 1) / Decimal((end - start).days + 1)


def flow_to_date(figures: Iterable[Figure]) -> Optional[Decimal]:
    by_unit: dict[int, dict[str, list[Figure]]] = {}
    for f in figures:
        if f.period_kind in FLOW_KINDS:
            by_unit.setdefault(f.unit_id, {}).setdefault(f.period_kind, []).append(f)
    if not by_unit:
        return None
    total = Decimal(0)
    for kinds in by_unit.values():
        finest = next(k for k in FLOW_KINDS if k in kinds)
        total += sum((f.value for f in kinds[finest]), Decimal(0))
    return total


def latest_level(figures: Iterable[Figure], lead_unit_id=None) -> tuple[Optional[Decimal], Optional[date]]:
    """The latest figure; the lead unit's figure is the commune's when it has one."""
    figures = list(figures)
    lead = [f for f in figures if f.unit_id == lead_unit_id]
    pool = lead or figures
    if not pool:
        return None, None
    best = max(pool, key=lambda f: (f.period_end, FLOW_KINDS.index(f.period_kind)
                                    if f.period_kind in FLOW_KINDS else -1))
    return best.value, best.period_end


def _pct(part: Decimal, whole: Optional[Decimal]) -> Optional[Decimal]:
    if whole is None or whole == 0:
        return None
    return (part / whole * HUNDRED).quantize(Decimal("0.1"))


def _level_status(ok: bool, near: bool) -> str:
    return ON_TRACK if ok else (AT_RISK if near else OFF_TRACK)


def evaluate(t: Target, figures: Iterable[Figure], year: int) -> Progress:
    figures = list(figures)
    if not figures or t.target is None:
        return Progress(None, None, NO_DATA, None)
    as_of = max(f.period_end for f in figures)
    target = t.target
    sem = t.semantics

    if sem == "sum_flow":
        current = flow_to_date(figures)
        if current is None:
            return Progress(None, None, NO_DATA, as_of)
        expected = (target * year_share(as_of, year)).quantize(Decimal("0.0001"))
        status = _level_status(current >= expected, current >= expected * (1 - RISK_MARGIN))
        return Progress(current, _pct(current, target), status, as_of, expected)

    level, as_of = latest_level(figures, t.lead_unit_id)
    if sem in ("at_least", "latest_level"):
        status = _level_status(level >= target, level >= target * (1 - RISK_MARGIN))
        return Progress(level, _pct(level, target), status, as_of)
    if sem == "at_most":
        ok = level <= target
        pct = HUNDRED if level == 0 and ok else _pct(target, level)
        return Progress(level, pct, _level_status(ok, level <= target * (1 + RISK_MARGIN)), as_of)
    if sem == "count_of_total":
        # 7 of 8 schools: the target is a count; the total only frames it (87,5 %)
        return Progress(level, _pct(level, target),
                        _level_status(level >= target, level >= target - 1), as_of)
    if sem == "yes_no":
        ok = level >= 1
        return Progress(level, HUNDRED if ok else Decimal(0), ON_TRACK if ok else OFF_TRACK, as_of)
    if sem in ("reduce_by", "increase_by"):
        if t.baseline is None:
            # a delta needs its starting point; without it nothing can be said honestly
            return Progress(None, None, NO_DATA, as_of)
        delta = t.baseline - level if sem == "reduce_by" else level - t.baseline
        pct = _pct(delta, target) if target != 0 else (HUNDRED if delta >= 0 else Decimal(0))
        ok = delta >= target
        near = delta >= target * year_share(as_of, year) * (1 - RISK_MARGIN) and delta > 0
        return Progress(delta, pct, _level_status(ok, near), as_of)
    raise ValueError(f"unknown semantics {sem!r}")


def share_of_total(t: Target) -> Optional[Decimal]:
    """For a count of total: the target as a percentage of the total (7/8 → 87,5)."""
    if t.semantics != "count_of_total" or not t.total:
        return None
    return (t.target / t.total * HUNDRED).quantize(Decimal("0.1"))
