"""Scoring, as plain functions on plain values (tests/test_scoring.py): criteria → points,
a sheet's total, the completion level from the thresholds, a ranking.

How a derived criterion is scored, for one unit up to the review's cut-off date:
- indicators: only those the unit is asked to report (app/plans/assignments, issue 28). The
  ones it leads are judged on the commune's figure (the lead answers for it); a part it
  reports of a rate (unit of measure "%") on its own latest figure, because a village's
  rate compares with the commune's target; a part of a sum or a count on the commune's
  figure it goes into ("Số của xã"), and not at all while there is none. On track counts 1,
  at risk ½, off track or a figure the unit owes and did not give 0 (in doubt, "Cần kiểm
  tra", ½ — neither proven nor disproven): points = max × credit / indicators judged;
- milestones: each milestone of the unit's plan due by the cut-off, cancelled ones aside,
  counts 1 when done, else its progress %: points = max × the average;
- timeliness: the share of the expected reports received on time (app/reports/completeness,
  DHIS2's "reporting rate on time"): points = max × on time / expected.
A criterion with nothing to judge is "not applicable" and the sheet is brought back to the
100-point scale over the criteria that apply.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping, Optional, Sequence

from app.core.i18n import N_
from app.plans import assignments
from app.plans.progress import (AT_RISK, NEEDS_CHECK, NO_DATA, OFF_TRACK, ON_TRACK, STATUS_LABELS, Figure,
                                Target, evaluate)
from app.reports.completeness import LATE, MISSING, RETURNED, Cell, rate_to_date
from app.core.vietnamese import format_number

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
CREDIT = {ON_TRACK: Decimal(1), AT_RISK: Decimal("0.5"), OFF_TRACK: Decimal(0), NO_DATA: Decimal(0),
          NEEDS_CHECK: Decimal("0.5")}
# Levels of a unit's own figure that compare with the commune's target (see the docstring).
OWN_LEVELS = ("at_least", "latest_level", "at_most")
RATE_UNITS = frozenset({"%"})

EXCELLENT, GOOD, DONE, NOT_DONE = "excellent", "good", "done", "not_done"
LEVELS = (EXCELLENT, GOOD, DONE, NOT_DONE)
LEVEL_LABELS = {
    EXCELLENT: N_("Hoàn thành xuất sắc nhiệm vụ"),
    GOOD: N_("Hoàn thành tốt nhiệm vụ"),
    DONE: N_("Hoàn thành nhiệm vụ"),
    NOT_DONE: N_("Không hoàn thành nhiệm vụ"),
}


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pts(value: Optional[Decimal]) -> str:
    """Points as a Vietnamese reader writes them: 31,43; 18; 7,5."""
    if value is None:
        return "–"
    return format_number(q(value).normalize())


@dataclass
class Result:
    """What one criterion gives a unit: the points (None when not applicable or not yet
    entered), a sentence saying how, and the rows behind it."""
    points: Optional[Decimal]
    applicable: bool
    basis: str
    details: list = field(default_factory=list)


# ---------------------------------------------------------------- indicators

def judged_indicators(unit_id: int, indicators, figures: Mapping[int, list[Figure]], year: int):
    """(indicator, progress, how) for every indicator the unit is judged on — only those it
    is asked to report (app/plans/assignments): "lead", the commune's figure it answers for;
    "own", its own rate; "shared", the commune's figure its part goes into, left out while
    there is none (the unit is not at fault for another's missing figure)."""
    out = []
    for ind in indicators:
        asked = assignments.role(ind, unit_id)
        if asked is None:
            continue
        figs = figures.get(ind.id, [])
        if ind.lead_unit_id == unit_id:
            out.append((ind, evaluate(assignments.target_of(ind), figs, year), "lead"))
        elif ind.semantics in OWN_LEVELS and ind.unit_of_measure in RATE_UNITS:
            own = [f for f in figs if f.unit_id == unit_id]
            target = Target(ind.semantics, ind.target, ind.total, ind.baseline, unit_id)
            out.append((ind, evaluate(target, own, year), "own"))
        else:
            progress = evaluate(assignments.target_of(ind), figs, year)
            if progress.status != NO_DATA:
                out.append((ind, progress, "shared"))
    return out


HOW = {"lead": N_("Số của xã (đơn vị chủ trì)"), "own": N_("Số của đơn vị"),
       "shared": N_("Số của xã (đơn vị góp phần)")}


def indicator_result(max_points: Decimal, judged) -> Result:
    if not judged:
        return Result(None, False, "Không có chỉ tiêu nào đánh giá được riêng cho đơn vị.")
    counts = {s: 0 for s in CREDIT}
    credit = Decimal(0)
    details = []
    for ind, progress, how in judged:
        counts[progress.status] += 1
        credit += CREDIT[progress.status]
        details.append({"code": ind.code, "name": ind.name, "status": progress.status,
                        "how": HOW[how],
                        "current": format_number(progress.current.normalize())
                        if progress.current is not None else ""})
    n = len(judged)
    points = q(max_points * credit / n)
    doubt = (f"{counts[NEEDS_CHECK]} cần kiểm tra số liệu (tính ½), " if counts[NEEDS_CHECK]
             else "")
    basis = (f"{n} chỉ tiêu được đánh giá: {counts[ON_TRACK]} đạt, {counts[AT_RISK]} có nguy cơ "
             f"chậm (tính ½), {doubt}{counts[OFF_TRACK]} chậm tiến độ, {counts[NO_DATA]} chưa có số "
             f"liệu → {pts(credit)}/{n} × {pts(max_points)} = {pts(points)} điểm.")
    return Result(points, True, basis, details)


# ---------------------------------------------------------------- milestones

def milestone_credit(status: str, progress: int) -> Decimal:
    if status == "done":
        return Decimal(1)
    return Decimal(min(max(progress or 0, 0), 100)) / HUNDRED


def milestone_result(max_points: Decimal, milestones: Iterable, cutoff: date) -> Result:
    """`milestones`: objects with title, due_on, status, progress (the unit's plan)."""
    due = [m for m in milestones if m.due_on is not None and m.due_on <= cutoff
           and m.status != "cancelled"]
    if not due:
        return Result(None, False, f"Không có nhiệm vụ, mốc nào đến hạn trước ngày "
                                   f"{cutoff:%d/%m/%Y}.")
    credit = sum((milestone_credit(m.status, m.progress) for m in due), Decimal(0))
    share = credit / len(due)
    points = q(max_points * share)
    done = sum(1 for m in due if m.status == "done")
    basis = (f"{len(due)} nhiệm vụ, mốc đến hạn trước ngày {cutoff:%d/%m/%Y}: {done} hoàn thành, "
             f"{len(due) - done} chưa hoàn thành (tính theo tiến độ) → mức hoàn thành bình quân "
             f"{format_number(q(share * HUNDRED).normalize())}% × {pts(max_points)} = "
             f"{pts(points)} điểm.")
    details = [{"title": m.title, "due": f"{m.due_on:%d/%m/%Y}", "status": m.status,
                "progress": 100 if m.status == "done" else int(m.progress or 0)}
               for m in sorted(due, key=lambda m: (m.due_on, m.title))]
    return Result(points, True, basis, details)


# ---------------------------------------------------------------- timeliness

def timeliness_result(max_points: Decimal, cells: Sequence[tuple[str, Cell]],
                      today: date) -> Result:
    """`cells`: (period label, completeness cell) of the reports the unit was expected to
    send in the review's span; counted as app/reports/completeness counts them."""
    counted = [(label, c) for label, c in cells if c.due(today) or c.received]
    r = rate_to_date([c for _label, c in cells], today)
    if not r.expected:
        return Result(None, False, "Chưa có kỳ báo cáo nào đến hạn.")
    points = q(max_points * r.on_time / r.expected)
    late = sum(1 for _l, c in counted if c.state == LATE)
    missing = sum(1 for _l, c in counted if c.state in (MISSING, RETURNED))
    basis = (f"{r.expected} báo cáo phải nộp: {r.on_time} đúng hạn, {late} nộp muộn, "
             f"{missing} chưa nộp hoặc bị trả lại → {r.on_time}/{r.expected} × "
             f"{pts(max_points)} = {pts(points)} điểm.")
    details = [{"period": label, "state": c.state, "label": c.label} for label, c in counted]
    return Result(points, True, basis, details)


# ---------------------------------------------------------------- a sheet

@dataclass(frozen=True)
class Line:
    max_points: Decimal
    points: Optional[Decimal]
    applicable: bool = True


def base_score(lines: Iterable[Line]) -> Decimal:
    """The points on the 100-point scale over the criteria that apply (an entry not yet
    made counts 0)."""
    lines = [ln for ln in lines if ln.applicable]
    possible = sum((ln.max_points for ln in lines), Decimal(0))
    if not possible:
        return Decimal(0)
    got = sum((ln.points or Decimal(0) for ln in lines), Decimal(0))
    return q(got * HUNDRED / possible)


def total_score(base: Decimal, bonus: Decimal, penalty: Decimal) -> Decimal:
    """Bonus added and penalty taken off, kept on the 100-point scale (0 to 100)."""
    return q(min(max(base + (bonus or 0) - (penalty or 0), Decimal(0)), HUNDRED))


@dataclass(frozen=True)
class Thresholds:
    """Decree 335/2025's levels on the 100-point scale; the values come from settings."""
    excellent: Decimal
    good: Decimal
    done: Decimal


def level_of(total: Optional[Decimal], t: Thresholds) -> Optional[str]:
    if total is None:
        return None
    if total >= t.excellent:
        return EXCELLENT
    if total >= t.good:
        return GOOD
    if total >= t.done:
        return DONE
    return NOT_DONE


def level_label(level: Optional[str]) -> str:
    return LEVEL_LABELS.get(level, "") if level else ""


def ranking(scored: Iterable[tuple[object, Decimal]]) -> list[tuple[int, object, Decimal]]:
    """(rank, item, total), best first; equal totals share a rank (1, 1, 3)."""
    ordered = sorted(scored, key=lambda pair: -pair[1])
    out, rank, previous = [], 0, None
    for i, (item, total) in enumerate(ordered, 1):
        if total != previous:
            rank, previous = i, total
        out.append((rank, item, total))
    return out


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
