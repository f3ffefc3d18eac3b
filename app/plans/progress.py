"""Achievement and on-track status of a target, from its semantics (docs/design.md §2).
This module is longer because a figure's doubt and the office's settlement of it are judged
inside evaluate(), the one function every reader calls: split off, they could be skipped.

Plain functions on plain values, so every rule is tested without a database or request
(tests/test_progress.py). A figure is one accepted value: period kind, the period's first and
last day, the unit that reported it, the value.

How "to date" is read:
- the commune's figure for a span of time is its lead unit's figure when the lead reported
  one (the lead compiles its indicator); otherwise the contributing units' figures;
- a flow (sum_flow) adds the figures of non-overlapping periods, finest period first, so a
  quarter is never added on top of the months inside it, yet a quarter reported instead of
  its months still counts; it is on track when the sum keeps pace with the elapsed share of
  the reporting year (15/12 of the year before to 14/12, Decree 09/2019 Art. 12);
- a level (at_least, latest_level, at_most, count_of_total, yes_no) is the lead unit's latest
  figure — a village's own rate is not the commune's, so without the lead's figure there is
  no commune level to judge;
- a delta (reduce_by, increase_by) is that level against the baseline, and keeps pace like a
  flow: the reduction accrues over the year.

An indicator says how its commune figure is made (Target.combine, issue 16), and then only
the units it asks count: "lead" — the lead unit's figures alone; "sum" — every reporting
unit's (a flow adds all their amounts, a level adds each unit's latest); "latest" — the
newest level any reporting unit gave; "checked" — the lead's figures alone, checked against
the sum of the other reporting units' parts. Without a combine (None) the rule above applies.

A commune figure is never called on track when it cannot be right (issue 28): under
"checked", the lead's figure and the parts' sum disagreeing beyond Target.tolerance puts the
target in doubt (NEEDS_CHECK) with both numbers in Progress.doubt, until the figures agree
or the office settles which is right (Target.settled): the lead's figure ("lead") or the
parts' sum ("parts"), which is then the commune's figure. A settlement holds for the
period's end and the two numbers it was made on; a figure changed since is in doubt again.
"""
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, NamedTuple, Optional

from app.core.i18n import N_

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on_track", "at_risk", "off_track", "no_data"
# a figure the checks flagged (app/reports/checks.py) is not yet confirmed by the office:
# the target's status is in doubt, whatever the arithmetic says
NEEDS_CHECK = "needs_check"
STATUSES = (ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, NEEDS_CHECK)
STATUS_LABELS = {
    ON_TRACK: N_("Đúng tiến độ"),
    AT_RISK: N_("Có nguy cơ chậm"),
    OFF_TRACK: N_("Chậm tiến độ"),
    NO_DATA: N_("Chưa có số liệu"),
    NEEDS_CHECK: N_("Cần kiểm tra số liệu"),
}
# Within this share short of what is due, a target is "at risk" rather than "off track".
RISK_MARGIN = Decimal("0.10")
HUNDRED = Decimal(100)
# Finest first. Ad-hoc (đột xuất) figures are not part of any flow: they repeat what the
# periodic reports carry.
FLOW_KINDS = ("month", "quarter", "half", "year")
KIND_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
FLOWS = ("sum_flow",)
DELTAS = ("reduce_by", "increase_by")
LEVELS = ("at_least", "latest_level", "at_most", "count_of_total", "yes_no")


class Figure(NamedTuple):
    period_kind: str
    period_end: date
    unit_id: int
    value: Decimal
    period_start: Optional[date] = None  # derived from kind and end when not given


@dataclass(frozen=True)
class Target:
    semantics: str
    target: Optional[Decimal]
    total: Optional[Decimal] = None
    baseline: Optional[Decimal] = None
    lead_unit_id: Optional[int] = None
    combine: Optional[str] = None            # "lead", "sum", "checked", "latest"; None: above
    reporters: frozenset = frozenset()       # the units whose figures count, lead included
    tolerance: Decimal = Decimal("0.05")     # "checked": the share the parts may differ by
    # "checked": the office's word on disagreements, ((period end, lead's, parts', choice), ...)
    settled: tuple = ()


PARTS_DISAGREE = "parts"  # Progress.doubt's reason: the lead's figure against the parts' sum


@dataclass(frozen=True)
class Progress:
    current: Optional[Decimal]      # the figure to date: a sum, the latest level, or a delta
    achievement_pct: Optional[Decimal]
    status: str
    as_of: Optional[date]
    expected: Optional[Decimal] = None  # flows and deltas: what keeps pace at as_of
    doubt: Optional[tuple] = None       # (PARTS_DISAGREE, the lead's figure, the parts' sum)
    settled: Optional[tuple] = None     # (the office's choice, the lead's figure, the parts' sum)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def year_bounds(year: int) -> tuple[date, date]:
    """The reporting year: 15/12 of the year before to 14/12."""
    return date(year - 1, 12, 15), date(year, 12, 14)


def year_share(as_of: date, year: int) -> Decimal:
    """Elapsed share of the reporting year at the end of the day `as_of`."""
    start, end = year_bounds(year)
    if as_of < start:
        return Decimal(0)
    if as_of >= end:
        return Decimal(1)
    return Decimal((as_of - start).days + 1) / Decimal((end - start).days + 1)


def _months_back(d: date, months: int) -> date:
    month0 = d.month - 1 - months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, 28))  # periods end on the 14th; 28 is always safe


def span(f: Figure) -> tuple[date, date]:
    """First and last day of the figure's period."""
    if f.period_start is not None:
        return f.period_start, f.period_end
    months = KIND_MONTHS.get(f.period_kind)
    if months is None:
        return f.period_end, f.period_end
    return _months_back(f.period_end, months) + timedelta(days=1), f.period_end


def _overlaps_any(a: tuple[date, date], spans: list[tuple[date, date]]) -> bool:
    # a plain loop: every indicator of every overview page asks this of each figure against
    # the spans before it, and a generator cost two calls a comparison (issue 33)
    start, end = a
    for other_start, other_end in spans:
        if start <= other_end and other_start <= end:
            return True
    return False


def _finest_cover(figures: list[Figure]) -> list[Figure]:
    """One unit's figures whose periods do not overlap, finest period first."""
    chosen: list[Figure] = []
    spans: list[tuple[date, date]] = []
    for f in sorted(figures, key=lambda f: (FLOW_KINDS.index(f.period_kind), f.period_end)):
        s = span(f)
        if not _overlaps_any(s, spans):
            chosen.append(f)
            spans.append(s)
    return chosen


def flow_figures(figures: Iterable[Figure], lead_unit_id=None) -> list[Figure]:
    """The figures a flow adds up: the lead's where it reported, the others' elsewhere."""
    by_unit: dict[int, list[Figure]] = {}
    for f in figures:
        if f.period_kind in FLOW_KINDS:
            by_unit.setdefault(f.unit_id, []).append(f)
    lead = _finest_cover(by_unit.pop(lead_unit_id, []))
    lead_spans = [span(f) for f in lead]
    counted = list(lead)
    for unit_figures in by_unit.values():
        counted += [f for f in _finest_cover(unit_figures) if not _overlaps_any(span(f), lead_spans)]
    return counted


def flow_to_date(figures: Iterable[Figure], lead_unit_id=None) -> Optional[Decimal]:
    counted = flow_figures(figures, lead_unit_id)
    if not counted:
        return None
    return sum((f.value for f in counted), Decimal(0))


def level_figures(figures: Iterable[Figure], lead_unit_id=None) -> list[Figure]:
    """The figures that state the commune's level: the lead unit's (anyone's if no lead)."""
    figures = list(figures)
    if lead_unit_id is None:
        return figures
    return [f for f in figures if f.unit_id == lead_unit_id]


def _latest_key(f: Figure):
    # at one end date, the coarser period's figure is the more considered one
    return (f.period_end, FLOW_KINDS.index(f.period_kind) if f.period_kind in FLOW_KINDS else -1,
            -f.unit_id)


def _latest(figures: list[Figure]) -> Optional[Figure]:
    return max(figures, default=None, key=_latest_key)


def latest_level(figures: Iterable[Figure], lead_unit_id=None) -> tuple[Optional[Decimal], Optional[date]]:
    best = _latest(level_figures(figures, lead_unit_id))
    return (None, None) if best is None else (best.value, best.period_end)


def _asked(t: Target, figures: Iterable[Figure]) -> list[Figure]:
    """The figures of the units the indicator asks (all of them without a combine)."""
    if t.combine is None:
        return list(figures)
    units = ({t.lead_unit_id} if t.combine in ("lead", "checked")
             else set(t.reporters) | {t.lead_unit_id})
    return [f for f in figures if f.unit_id in units]


def counted_figures(t: Target, figures: Iterable[Figure]) -> list[Figure]:
    """The figures the commune's figure to date is made of, as the indicator says."""
    asked = _asked(t, figures)
    if t.semantics in FLOWS:
        return flow_figures(asked, None if t.combine == "sum" else t.lead_unit_id)
    if t.combine == "sum":
        return asked
    return level_figures(asked, None if t.combine == "latest" else t.lead_unit_id)


def _summed_level(figures: list[Figure], until=None, keys=None
                  ) -> tuple[Optional[Decimal], Optional[date]]:
    """Each unit's latest level (up to `until`), added up: a commune's area is its villages'.
    `keys`: the figures' _latest_key()s, when the caller asks for many `until`s (series)."""
    if keys is None:
        keys = [_latest_key(f) for f in figures]
    # plain loops, no call a figure: a trend asks this at every period end (issue 33)
    latest: dict[int, tuple] = {}
    for f, key in zip(figures, keys):
        if until is not None and f.period_end > until:
            continue
        if f.unit_id not in latest or key > latest[f.unit_id][0]:  # max() keeps the first
            latest[f.unit_id] = (key, f)
    if not latest:
        return None, None
    total, last = Decimal(0), None
    for _key, f in latest.values():
        total += f.value
        if last is None or f.period_end > last:
            last = f.period_end
    return total, last


def commune_level(t: Target, figures: Iterable[Figure]) -> tuple[Optional[Decimal], Optional[date]]:
    """The commune's level and the day it was read at."""
    counted = counted_figures(t, figures)
    if t.combine == "sum":
        return _summed_level(counted)
    best = _latest(counted)
    return (None, None) if best is None else (best.value, best.period_end)


def _pct(part: Decimal, whole: Optional[Decimal]) -> Optional[Decimal]:
    if whole is None or whole == 0:
        return None
    pct = (part / whole * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    # 9.948,3 of 9.950,3 is not "100 %": short of the whole never rounds up to it (issue 28)
    return min(pct, Decimal("99.9")) if part < whole and whole > 0 else pct


def _status(ok: bool, near: bool) -> str:
    return ON_TRACK if ok else (AT_RISK if near else OFF_TRACK)


def _paced(current: Decimal, target: Decimal, as_of: date, year: int):
    """Status and expected value of something that accrues over the year."""
    expected = target * year_share(as_of, year)
    status = _status(current >= expected, current >= expected * (1 - RISK_MARGIN))
    return status, expected.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def parts_sum(t: Target, figures: Iterable[Figure], until: date) -> Optional[Decimal]:
    """Under "checked": the other reporting units' parts added up to `until` — a flow's
    amounts, a level's latest of each — or None until every one of them has a figure."""
    parts = set(t.reporters) - {t.lead_unit_id}
    mine = [f for f in figures if f.unit_id in parts and f.period_end <= until]
    if not parts or {f.unit_id for f in mine} != parts:
        return None
    if t.semantics in FLOWS:
        return sum((f.value for f in flow_figures(mine)), Decimal(0))
    return _summed_level(mine)[0]


def disagreeing_parts(t: Target, total: Decimal, figures, until: date) -> Optional[Decimal]:
    """Under "checked": the parts' sum when further than the tolerance from the lead's."""
    if t.combine != "checked" or t.semantics in DELTAS:
        return None
    parts = parts_sum(t, figures, until)
    if parts is not None and abs(total - parts) > abs(total) * t.tolerance:
        return parts
    return None


def _doubt(t: Target, figures: list[Figure], p: Progress) -> Optional[tuple]:
    if t.combine != "checked" or p.current is None or p.as_of is None:
        return None
    parts = disagreeing_parts(t, p.current, figures, p.as_of)
    return None if parts is None else (PARTS_DISAGREE, p.current, parts)


SETTLE_LEAD, SETTLE_PARTS = "lead", "parts"  # app/plans/models.SETTLE_CHOICES says them


def settled_choice(t: Target, as_of: date, lead: Decimal, parts: Decimal) -> Optional[str]:
    """The office's choice for these two numbers at this period's end, if it made one."""
    for end, lead_value, parts_value, choice in t.settled:
        if end == as_of and lead_value == lead and parts_value == parts:
            return choice
    return None


def parts_target(t: Target) -> Target:
    """The target read from the parts alone, added up: the office chose their sum."""
    return Target(t.semantics, t.target, t.total, t.baseline, None, "sum",
                  frozenset(t.reporters) - {t.lead_unit_id}, t.tolerance)


def evaluate(t: Target, figures: Iterable[Figure], year: int) -> Progress:
    figures = list(figures)
    p = _evaluate(t, figures, year)
    doubt = _doubt(t, figures, p)
    if doubt is None:
        return p
    _reason, lead, parts = doubt
    choice = settled_choice(t, p.as_of, lead, parts)
    if choice == SETTLE_LEAD:
        return replace(p, settled=(choice, lead, parts))
    if choice == SETTLE_PARTS:
        q = _evaluate(parts_target(t), [f for f in figures if f.period_end <= p.as_of], year)
        return replace(q, settled=(choice, lead, parts))
    return Progress(p.current, p.achievement_pct, NEEDS_CHECK, p.as_of, p.expected, doubt)


def _evaluate(t: Target, figures: list[Figure], year: int) -> Progress:
    sem, target = t.semantics, t.target
    if sem not in FLOWS + DELTAS + LEVELS:
        raise ValueError(f"unknown semantics {sem!r}")
    if target is None:
        return Progress(None, None, NO_DATA, None)

    if sem in FLOWS:
        counted = counted_figures(t, figures)
        if not counted:
            return Progress(None, None, NO_DATA, None)
        current = sum((f.value for f in counted), Decimal(0))
        as_of = max(f.period_end for f in counted)
        status, expected = _paced(current, target, as_of, year)
        return Progress(current, _pct(current, target), status, as_of, expected)

    level, as_of = commune_level(t, figures)
    if level is None:
        return Progress(None, None, NO_DATA, None)
    if sem in ("at_least", "latest_level"):
        return Progress(level, _pct(level, target),
                        _status(level >= target, level >= target * (1 - RISK_MARGIN)), as_of)
    if sem == "at_most":
        # "down to 16,90 %": lower is better, so achievement is target over level
        ok = level <= target
        pct = (HUNDRED if ok else Decimal(0)) if level == 0 or target == 0 else _pct(target, level)
        return Progress(level, pct, _status(ok, level <= target * (1 + RISK_MARGIN)), as_of)
    if sem == "count_of_total":
        # 7 of 8 schools: the target is a count; one short of it is "at risk"
        return Progress(level, _pct(level, target),
                        _status(level >= target, level >= target - 1), as_of)
    if sem == "yes_no":
        ok = level >= 1
        return Progress(level, HUNDRED if ok else Decimal(0), ON_TRACK if ok else OFF_TRACK, as_of)

    # reduce_by / increase_by: a delta from the baseline
    if t.baseline is None:
        # a delta needs its starting point; without it nothing can be said honestly
        return Progress(None, None, NO_DATA, as_of)
    delta = t.baseline - level if sem == "reduce_by" else level - t.baseline
    status, expected = _paced(delta, target, as_of, year)
    pct = _pct(delta, target) if target != 0 else (HUNDRED if delta >= 0 else Decimal(0))
    return Progress(delta, pct, status, as_of, expected)


def series(t: Target, figures: Iterable[Figure]) -> list[tuple[date, Decimal]]:
    """The figure to date at each period end, oldest first: what a trend line draws.
    Flows are cumulative; levels are the commune's level; deltas are against the baseline."""
    figures = list(figures)
    counted = counted_figures(t, figures)
    # plain loops, no call a figure: every indicator of the dashboard draws one (issue 33)
    if t.semantics in FLOWS:
        out = []
        for end in sorted({f.period_end for f in counted}):
            total = Decimal(0)
            for f in counted:
                if f.period_end <= end:
                    total += f.value
            out.append((end, total))
        return out
    keys = [_latest_key(f) for f in counted]
    if t.combine == "sum":
        out = [(end, _summed_level(counted, end, keys)[0])
               for end in sorted({f.period_end for f in counted})]
    else:
        points: dict[date, tuple] = {}
        for f, key in zip(counted, keys):
            if f.period_end not in points or key > points[f.period_end][0]:
                points[f.period_end] = (key, f)
        out = sorted((end, f.value) for end, (_key, f) in points.items())
    if t.semantics in DELTAS:
        if t.baseline is None:
            return []
        sign = -1 if t.semantics == "reduce_by" else 1
        out = [(end, sign * (v - t.baseline)) for end, v in out]
    return out


def share_of_total(t: Target) -> Optional[Decimal]:
    """For a count of total: the target as a percentage of the total (7/8 → 87,5)."""
    if t.semantics != "count_of_total" or not t.total or t.target is None:
        return None
    return (t.target / t.total * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def unit_to_date(figures: Iterable[Figure], unit_id: int, before) -> Decimal:
    """A unit's own year-to-date of a flow from its periods ending before `before`: what
    its report form shows beside the box (the "lũy kế" before this period)."""
    own = [f for f in figures if f.unit_id == unit_id and f.period_kind in FLOW_KINDS
           and f.period_end < before]
    return sum((f.value for f in _finest_cover(own)), Decimal(0))


def in_doubt(p: Progress) -> Progress:
    """The progress of a target whose figure awaits the office's check."""
    return Progress(p.current, p.achievement_pct, NEEDS_CHECK, p.as_of, p.expected, p.doubt,
                    p.settled)
