"""A unit's figures: how they are read, what a figure may be, and when one needs an
explanation. Plain functions, shared by the report form and the spreadsheet upload.

The explanation rule (the issue's "a figure that puts an indicator off track asks for an
explanation"): a figure needs one when, counted with the figures accepted so far, the
indicator is off track and the figure moved its figure-to-date. A contributor's part of a
summed flow is never judged alone (it has no target of its own; the commune's sum has).
The unit must write the explanation before it can submit; the reviewer sees the flag, and
accepting re-checks against the figures accepted by then.
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Iterable, Mapping, Optional

from app.plans.models import PERCENT_UNITS
from app.plans.progress import OFF_TRACK, Figure, evaluate
from app.plans.assignments import target_of
from app.core.vietnamese import MAX_ABS_NUMBER, VNInputError, _l, fold, nfc, parse_number
from app.core.templating import vn_number

MAX_DECIMALS = 4  # the Amount column keeps four places; more would be rounded silently
YES_WORDS = {"1": Decimal(1), "dat": Decimal(1), "co": Decimal(1),
             "0": Decimal(0), "chua dat": Decimal(0), "khong dat": Decimal(0),
             "khong": Decimal(0)}
MAX_EXPLANATION = 5000


def value_problem(ind, value: Decimal):
    """Why `value` cannot be a figure of indicator `ind`, or None."""
    if ind.semantics == "yes_no":
        return None if value in (0, 1) else _l("Chọn Đạt hoặc Chưa đạt (1 hoặc 0).")
    if value < 0:
        return _l("Số liệu không được âm.")
    if value.as_tuple().exponent < -MAX_DECIMALS:
        return _l("Số liệu có tối đa %(n)s chữ số sau dấu phẩy.", n=MAX_DECIMALS)
    if ind.unit_of_measure in PERCENT_UNITS and value > 100:
        return _l("Tỷ lệ không được vượt quá 100%.")
    if ind.semantics == "count_of_total" and ind.total is not None and value > ind.total:
        return _l("Không được vượt quá tổng số %(total)s.", total=show(ind.total))
    return None


def parse_figure(ind, text) -> Optional[Decimal]:
    """Read what a person typed (or a spreadsheet held) for `ind`; blank is None.
    Raises VNInputError with a Vietnamese message for anything else."""
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        value = Decimal(str(text)) if isinstance(text, float) else Decimal(text)
        if not value.is_finite():
            raise VNInputError(_l("Không phải là một số."))
        if abs(value) >= MAX_ABS_NUMBER:
            raise VNInputError(_l("Số quá lớn."))
    else:
        text = nfc(str(text or "")).strip()
        if not text:
            return None
        if ind.semantics == "yes_no":
            value = YES_WORDS.get(fold(text))
            if value is None:
                raise VNInputError(_l("Chọn Đạt hoặc Chưa đạt (1 hoặc 0)."))
        else:
            value = parse_number(text)
    problem = value_problem(ind, value)
    if problem:
        raise VNInputError(problem)
    return value


def show(value: Optional[Decimal]) -> str:
    """A stored figure as a Vietnamese reads it, without the column's trailing zeros."""
    return vn_number(value)


def draft_text(ind, value: Optional[Decimal]) -> str:
    """A figure as the form's box holds it (a yes/no is the select's "1" or "0")."""
    if value is None:
        return ""
    if ind.semantics == "yes_no":
        return "1" if value >= 1 else "0"
    return show(value)


def show_figure(ind, value: Optional[Decimal]) -> str:
    if value is None:
        return ""
    if ind.semantics == "yes_no":
        return str(_l("Đạt")) if value >= 1 else str(_l("Chưa đạt"))
    return show(value)


# --- the draft: raw text per indicator, as JSON on the report -------------------------

def load_draft(text: str) -> dict[int, dict[str, str]]:
    """{indicator_id: {"v": typed value, "e": explanation}}; a damaged draft reads empty."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    out = {}
    for key, item in data.items():
        if str(key).isdigit() and isinstance(item, dict):
            out[int(key)] = {"v": str(item.get("v", "")), "e": str(item.get("e", ""))}
    return out


def dump_draft(draft: Mapping[int, Mapping[str, str]]) -> str:
    clean = {str(k): {"v": v.get("v", ""), "e": v.get("e", "")} for k, v in sorted(draft.items())
             if v.get("v", "") or v.get("e", "")}
    return json.dumps(clean, ensure_ascii=False, sort_keys=True) if clean else ""


# --- the explanation rule ------------------------------------------------------------

def needs_explanation(ind, accepted: Iterable[Figure], period_kind: str, period_end,
                      unit_id: int, value: Decimal, year: int, period_start=None) -> bool:
    """Would this figure put (or keep, by moving it) the indicator off track? Only a figure
    that counts for the commune can: a village's own rate is not the commune's level
    (app.plans.progress reads the lead's), so it changes nothing and needs nothing."""
    if ind.semantics == "sum_flow" and ind.lead_unit_id != unit_id:
        return False
    # the unit's own earlier figure for this same period is replaced, not added
    before = [f for f in accepted if not (f.unit_id == unit_id and f.period_end == period_end
                                          and f.period_kind == period_kind)]
    target = target_of(ind)
    was = evaluate(target, before, year)
    now = evaluate(target, [*before, Figure(period_kind, period_end, unit_id, value,
                                            period_start)], year)
    return now.status == OFF_TRACK and now.current != was.current


def flagged(indicators, accepted: Mapping[int, list[Figure]], period, unit_id: int,
            values: Mapping[int, Optional[Decimal]]) -> set[int]:
    """Ids of the indicators whose figure in `values` needs an explanation."""
    return {ind.id for ind in indicators
            if values.get(ind.id) is not None and needs_explanation(
                ind, accepted.get(ind.id, ()), period.kind, period.ends_on, unit_id,
                values[ind.id], period.year, period.starts_on)}
