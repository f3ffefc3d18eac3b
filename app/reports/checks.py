"""Checks on every figure a unit sends (issue 16): plain functions on plain values, tested
without a request (tests/test_checks.py). A check never refuses a figure — the strict rules
of app/reports/figures.py do that — it flags one that looks wrong, with its reason; the unit
corrects it or confirms it with an explanation, and the office confirms it has checked it.

- bounds: outside the indicator's plausible bounds (the office's, or from the semantics: a
  rate 0–100, a flow not negative, a count not above its total, any other level not above
  ten times its target — a flow typed into a level's box);
- history: a period amount far from the unit's own earlier ones (DHIS2's min–max outlier
  idea: from at least three earlier amounts, bounds one spread beyond their min and max,
  and never closer than half the min and one and a half times the max);
- ytd_like: a period amount that looks like a year-to-date total: close to (within 10 %),
  or above, the unit's sum so far;
- over_target: a year-to-date above the annual target by more than the indicator's setting
  (30 % when not set);
- over_level: the commune's level with this figure (an area, a count that adds up) above
  the annual target by more than that same setting — a total added to its own parts;
- parts: the lead's commune-wide figure of a "checked" target far from the sum of the parts
  the other units reported (app/plans/assignments, issue 28).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Iterable, Optional

from app.core.i18n import N_
from app.plans.models import PERCENT_UNITS
from app.plans.progress import (FLOWS, FLOW_KINDS, Figure, commune_level, counted_figures,
                                disagreeing_parts, unit_to_date)
from app.core.templating import vn_number

OVER_TARGET_PCT = 30
YTD_CLOSE = Decimal("0.9")      # within 10 % of the sum so far "looks like" it
MIN_HISTORY = 3
# levels whose commune figure adds up, so far above its target means something added twice
OVER_LEVELS = ("at_least", "latest_level")
LEVEL_HIGH_TIMES = 10           # a level ten times its target is a typing slip, not a record

MESSAGES = {
    "bounds": N_("Ngoài khoảng hợp lý %(low)s – %(high)s."),
    "history": N_("Khác xa số các kỳ trước của đơn vị (thường từ %(low)s đến %(high)s)."),
    "ytd_like": N_("Số này gần bằng hoặc lớn hơn lũy kế trước kỳ (%(before)s): có phải là lũy "
                   "kế từ đầu năm? Chỉ nhập số của riêng kỳ này."),
    "over_target": N_("Lũy kế %(ytd)s vượt kế hoạch năm %(target)s quá %(pct)s%%."),
    "over_level": N_("Số của xã %(level)s vượt kế hoạch năm %(target)s quá %(pct)s%%: có phải "
                     "đã cộng số của cả xã với số của các đơn vị?"),
    "parts": N_("Số của cả xã %(total)s khác tổng số các đơn vị báo cáo phần của mình "
                "(%(parts)s) quá %(pct)s%%: kiểm tra lại số nào đúng."),
}


@dataclass(frozen=True)
class Flag:
    code: str
    args: dict = field(default_factory=dict)  # figures already written the Vietnamese way

    def message(self, gettext=None) -> str:
        text = MESSAGES[self.code]
        return (gettext(text) if gettext else text) % self.args


def _show(value: Optional[Decimal]) -> str:
    return "…" if value is None else vn_number(value)


def bounds(ind) -> tuple[Optional[Decimal], Optional[Decimal]]:
    """The indicator's plausible bounds: the office's, else the semantics' defaults."""
    low, high = ind.low, ind.high
    if low is None:
        low = Decimal(0)
    if high is None:
        if ind.semantics == "yes_no":
            high = Decimal(1)
        elif ind.unit_of_measure in PERCENT_UNITS:
            high = Decimal(100)
        elif ind.semantics == "count_of_total":
            high = ind.total
        elif ind.semantics in ("at_least", "at_most", "latest_level") and ind.target:
            high = ind.target * LEVEL_HIGH_TIMES
    return low, high


def bounds_flag(ind, value: Decimal) -> Optional[Flag]:
    low, high = bounds(ind)
    if (low is not None and value < low) or (high is not None and value > high):
        return Flag("bounds", {"low": _show(low), "high": _show(high)})
    return None


def history_bounds(past: Iterable[Decimal]) -> Optional[tuple[Decimal, Decimal]]:
    past = list(past)
    if len(past) < MIN_HISTORY:
        return None
    lo, hi = min(past), max(past)
    spread = hi - lo
    return max(Decimal(0), min(lo - spread, lo / 2)), max(hi + spread, hi * Decimal("1.5"))


def history_flag(amount: Decimal, past: Iterable[Decimal]) -> Optional[Flag]:
    limits = history_bounds(past)
    if limits and not limits[0] <= amount <= limits[1]:
        return Flag("history", {"low": _show(limits[0]), "high": _show(limits[1])})
    return None


def ytd_like_flag(amount: Decimal, before: Decimal) -> Optional[Flag]:
    if before > 0 and amount >= before * YTD_CLOSE:
        return Flag("ytd_like", {"before": _show(before)})
    return None


def over_level_flag(level: Optional[Decimal], target: Optional[Decimal],
                    pct: Optional[int]) -> Optional[Flag]:
    found = over_target_flag(level, target, pct)
    return found and Flag("over_level", {"level": found.args["ytd"], "target": found.args["target"],
                                         "pct": found.args["pct"]})


def over_target_flag(ytd: Optional[Decimal], target: Optional[Decimal],
                     pct: Optional[int]) -> Optional[Flag]:
    pct = OVER_TARGET_PCT if pct is None else pct
    if ytd is None or not target or target <= 0:
        return None
    if ytd > target * (1 + Decimal(pct) / 100):
        return Flag("over_target", {"ytd": _show(ytd), "target": _show(target), "pct": pct})
    return None


@dataclass(frozen=True)
class Context:
    """What a unit's figure for one indicator and period is judged against."""
    before: Decimal                 # the unit's own year-to-date before this period (flows)
    past: tuple                     # its own earlier amounts of the same kind of period
    others: tuple                   # the accepted figures, without this unit's for the period
    figure: tuple                   # (kind, end, unit id, start) of the figure being typed


def context(accepted: Iterable[Figure], period, unit_id: int) -> Context:
    accepted = list(accepted)
    mine = [f for f in accepted if f.unit_id == unit_id and f.period_end < period.ends_on
            and f.period_kind == period.kind]
    others = tuple(f for f in accepted if not (f.unit_id == unit_id and f.period_kind == period.kind
                                               and f.period_end == period.ends_on))
    return Context(unit_to_date(accepted, unit_id, period.starts_on), tuple(f.value for f in mine),
                   others, (period.kind, period.ends_on, unit_id, period.starts_on))


def commune_to_date(target, ctx: Context, value: Decimal) -> Optional[Decimal]:
    """The commune's year-to-date of a flow with this figure counted as the indicator says."""
    kind, end, unit_id, start = ctx.figure
    counted = counted_figures(target, [*ctx.others, Figure(kind, end, unit_id, value, start)])
    return sum((f.value for f in counted), Decimal(0)) if counted else None


def check(ind, target, value: Optional[Decimal], ctx: Context) -> list[Flag]:
    """Every flag of one figure, in the order they are shown."""
    if value is None or ind.semantics == "yes_no":
        return []
    flags = [bounds_flag(ind, value)]
    if ind.semantics in FLOWS and ctx.figure[0] in FLOW_KINDS:
        flags += [history_flag(value, ctx.past), ytd_like_flag(value, ctx.before),
                  over_target_flag(commune_to_date(target, ctx, value), ind.target,
                                   ind.over_target_pct)]
    elif ind.semantics in OVER_LEVELS and ind.unit_of_measure.strip() not in PERCENT_UNITS:
        kind, end, unit_id, start = ctx.figure
        level, _as_of = commune_level(target, [*ctx.others, Figure(kind, end, unit_id, value,
                                                                    start)])
        flags.append(over_level_flag(level, ind.target, ind.over_target_pct))
    flags.append(parts_flag(ind, target, value, ctx))
    return [f for f in flags if f is not None]


def parts_flag(ind, target, value: Decimal, ctx: Context) -> Optional[Flag]:
    """The lead's commune figure against the parts the others reported, as the target's
    status compares them (progress.disagreeing_parts)."""
    kind, end, unit_id, _start = ctx.figure
    if unit_id != target.lead_unit_id:
        return None
    total = commune_to_date(target, ctx, value) if ind.semantics in FLOWS else value
    parts = None if total is None else disagreeing_parts(target, total, ctx.others, end)
    if parts is None:
        return None
    return Flag("parts", {"total": _show(total), "parts": _show(parts),
                          "pct": int(target.tolerance * 100)})


def dump(flags: list[Flag]) -> str:
    return json.dumps([{"code": f.code, "args": f.args} for f in flags], ensure_ascii=False) \
        if flags else ""


def load(text: str) -> list[Flag]:
    try:
        data = json.loads(text or "[]")
    except ValueError:
        return []
    return [Flag(d["code"], d.get("args", {})) for d in data
            if isinstance(d, dict) and d.get("code") in MESSAGES]


@dataclass(frozen=True)
class FieldCheck:
    """What the report form shows at one figure's box: the year-to-date before this period
    and after it (a flow), its share of the annual target, and the flags of what is typed."""
    ctx: Context
    after: Optional[Decimal]
    share: Optional[Decimal]
    flags: list
    history: Optional[tuple]
    role: Optional[str] = None      # what the unit is asked for (app/plans/assignments)
    pending: int = 0                # periods in ctx.before sent but not accepted yet


def field_checks(indicators, accepted, period, unit_id: int, values, pending=None) -> dict:
    """pending: the unit's own figures sent but not accepted yet; its year-to-date before
    this period counts them too, and says how many periods of them it holds (issue 28)."""
    from app.plans.assignments import role, target_of  # who reports what, how it adds up
    out = {}
    for ind in indicators:
        mine = [f for f in (pending or {}).get(ind.id, ())
                if f.period_end < period.starts_on and f.period_kind in FLOW_KINDS]
        ctx = context(accepted.get(ind.id, ()), period, unit_id)
        if mine and ind.semantics in FLOWS:
            ctx = replace(ctx, before=unit_to_date([*accepted.get(ind.id, ()), *mine],
                                                   unit_id, period.starts_on))
        value = values.get(ind.id)
        after = share = None
        if ind.semantics in FLOWS:
            after = ctx.before + (value or 0)
            if ind.target:
                share = (after / ind.target * 100).quantize(Decimal("0.1"))
        out[ind.id] = FieldCheck(ctx, after, share, check(ind, target_of(ind), value, ctx),
                                 history_bounds(ctx.past), role(ind, unit_id),
                                 len(mine) if ind.semantics in FLOWS else 0)
    return out


def live_messages(gettext) -> dict:
    """The messages static/figure-check.js fills in as a figure is typed ({b}, {y}…)."""
    return {"bounds": Flag("bounds", {"low": "{l}", "high": "{h}"}).message(gettext),
            "ytd_like": Flag("ytd_like", {"before": "{b}"}).message(gettext),
            "history": Flag("history", {"low": "{l}", "high": "{h}"}).message(gettext),
            "over_target": Flag("over_target", {"ytd": "{y}", "target": "{t}",
                                                "pct": "{p}"}).message(gettext)}
