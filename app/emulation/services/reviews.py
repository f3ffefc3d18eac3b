"""A review (sơ kết, tổng kết) and its score sheets: the report's own text, the scores
computed from the figures, milestones and reports up to its cut-off, and what the
secretariat enters by hand."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Mapping, Optional

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.audit.service import record, snapshot
from app.emulation import queries, scoring
from app.emulation.models import DERIVED, REVIEW_KINDS, Criterion, Review, ScoreLine, ScoreSheet
from app.emulation.services.rows import check_version, holds, user_id
from app.core.errors import Refused
from app.core.extensions import db
from app.core.columns import utcnow
from app.reports.queries import accepted_figures
from app.core.vietnamese import _l
from app.core.vietnamese import today as vn_today

REVIEW_FIELDS = ("title", "number", "issued_on", "assessment", "shortcomings", "directions",
                 "signer_name", "recipients")
DEFAULT_RECIPIENTS = ("Ban Thi đua – Khen thưởng, Sở Nội vụ tỉnh",
                      "Thường trực Đảng ủy, HĐND xã",
                      "Thành viên Hội đồng Thi đua – Khen thưởng xã",
                      "Các cơ quan, đơn vị, các bản",
                      "Lưu: VT, VHXH")


def review_title(kind: str, year: int) -> str:
    if kind == "half":
        return f"Sơ kết 6 tháng đầu năm {year} phong trào thi đua"
    return f"Tổng kết phong trào thi đua năm {year}"


def create_review(year: int, kind: str) -> Review:
    if kind not in REVIEW_KINDS:
        raise Refused(_l("Lựa chọn không hợp lệ."))
    plan = queries.commune_plan(year)
    if plan is None:
        raise Refused(_l("Chưa có kế hoạch thi đua của xã năm %(year)s.", year=year), 404)
    if db.session.scalar(select(Review.id).where(Review.year == year, Review.kind == kind)):
        raise Refused(_l("Đợt %(kind)s năm %(year)s đã có.",
                         kind=_l(REVIEW_KINDS[kind]).lower(), year=year), 409)
    review = Review(year=year, kind=kind, plan_id=plan.id, title=review_title(kind, year),
                    signer_name=plan.signer_name, recipients="\n".join(DEFAULT_RECIPIENTS))
    db.session.add(review)
    db.session.flush()
    record("review.create", "review", review.id, after=snapshot(review, ("year", "kind", "title")))
    return review


def update_review(review: Review, version, values: Mapping) -> None:
    if holds(review, REVIEW_FIELDS, values):
        return
    check_version(review, version, _l("Báo cáo sơ kết, tổng kết"))
    before = snapshot(review, REVIEW_FIELDS)
    for key in REVIEW_FIELDS:
        if key in values:
            setattr(review, key, values[key])
    db.session.flush()
    record("review.update", "review", review.id, before=before,
           after=snapshot(review, REVIEW_FIELDS))


def intro(review: Review) -> str:
    plan = review.plan
    ref = f"Kế hoạch số {plan.number} {plan.date_text}".strip() if plan.number else "Kế hoạch"
    what = "sơ kết 6 tháng đầu năm" if review.kind == "half" else "tổng kết năm"
    return (f"Thực hiện {ref} của Ủy ban nhân dân xã về phát động phong trào thi đua năm "
            f"{review.year}, Ủy ban nhân dân xã báo cáo {what} {review.year} như sau:")


# ---------------------------------------------------------------- scores

def _result_for(criterion: Criterion, unit, ctx) -> scoring.Result:
    if criterion.method == "indicators":
        judged = scoring.judged_indicators(unit.id, ctx["indicators"], ctx["figures"],
                                           ctx["year"])
        return scoring.indicator_result(criterion.max_points, judged)
    if criterion.method == "milestones":
        return scoring.milestone_result(criterion.max_points, ctx["milestones"].get(unit.id, []),
                                        ctx["cutoff"])
    return scoring.timeliness_result(criterion.max_points, ctx["cells"].get(unit.id, []),
                                     ctx["today"])


def _totals(sheet: ScoreSheet) -> None:
    lines = [scoring.Line(ln.max_points, ln.points, ln.applicable) for ln in sheet.lines]
    sheet.base = scoring.base_score(lines)
    sheet.total = scoring.total_score(sheet.base, sheet.bonus, sheet.penalty)
    sheet.unscored = sum(1 for ln in sheet.lines
                         if ln.method not in DERIVED and ln.applicable and ln.points is None)


def compute(review: Review, today: Optional[date] = None, unit_ids=None,
            user=None) -> list[ScoreSheet]:
    """Score every unit that has a scoring table (or those of `unit_ids`): derived lines are
    computed from the figures, milestones and reports up to the review's cut-off; entries
    by hand, bonus and penalty stay as they were. A fixed number of reads."""
    today = today or vn_today()
    cut = queries.cutoff(review)
    units = queries.scored_units(unit_ids)
    if not units:
        return []
    ids = [u.id for u in units]
    by_kind = queries.criteria_by_kind()
    indicators = queries.indicators_of_plan(review.plan_id)
    ctx = dict(
        year=review.year, cutoff=cut, today=today, indicators=indicators,
        figures=accepted_figures([i.id for i in indicators], review.year, until=cut),
        milestones=queries.milestones_by_unit(review.plan_id, ids),
        cells=queries.reporting_cells(review.year, cut, today, ids).cells)
    existing = {s.unit_id: s for s in db.session.scalars(
        select(ScoreSheet).where(ScoreSheet.review_id == review.id, ScoreSheet.unit_id.in_(ids))
        .options(selectinload(ScoreSheet.lines)))}
    now = utcnow()
    sheets, summary = [], {}
    earlier = {s.unit_id: None if s.total is None else format(s.total, "f")
               for s in existing.values()}
    for unit in units:
        criteria = by_kind.get(unit.kind, [])
        sheet = existing.get(unit.id)
        if sheet is None:
            sheet = ScoreSheet(review_id=review.id, unit_id=unit.id, bonus=Decimal(0),
                               penalty=Decimal(0), bonus_reason="", penalty_reason="")
            db.session.add(sheet)
        lines = {ln.criterion_id: ln for ln in sheet.lines}
        kept = []
        for n, c in enumerate(criteria):
            line = lines.pop(c.id, None) or ScoreLine(criterion_id=c.id, points=None, basis="",
                                                      details="")
            line.title, line.method, line.max_points, line.sort_order = (
                c.title, c.method, c.max_points, n)
            if c.derived:
                result = _result_for(c, unit, ctx)
                line.points, line.applicable = result.points, result.applicable
                line.basis = result.basis
                line.details = json.dumps(result.details, ensure_ascii=False)
            else:
                line.applicable = True
                if line.points is not None and line.points > c.max_points:
                    line.points = c.max_points  # the table's points went down since
            kept.append(line)
        sheet.lines = kept  # lines of criteria no longer in the table go (delete-orphan)
        _totals(sheet)
        sheet.computed_at = now
        sheet.updated_by_id = user_id(user)
        sheets.append(sheet)
        summary[unit.slug] = format(sheet.total, "f")
    # not a change of the report's text: its version stays, so an open edit is not made stale
    db.session.execute(update(Review).where(Review.id == review.id).values(scored_at=now))
    set_committed_value(review, "scored_at", now)
    db.session.flush()
    # pressed again with nothing new to count: the totals stand, the log already has them
    if earlier != {u.id: summary[u.slug] for u in units}:
        record("review.score", "review", review.id, user=user,
               after={"cutoff": cut.isoformat(), "totals": summary})
    return sheets


def save_sheet(sheet: ScoreSheet, version, manual: Mapping[int, Optional[Decimal]],
               notes: Mapping[int, str], bonus: Optional[Decimal], bonus_reason: str,
               penalty: Optional[Decimal], penalty_reason: str, user=None) -> None:
    """Points entered by hand (criterion id → points), bonus and penalty with a reason."""
    fields = {}
    bonus, penalty = bonus or Decimal(0), penalty or Decimal(0)
    for name, value, reason in (("bonus", bonus, bonus_reason),
                                ("penalty", penalty, penalty_reason)):
        if not Decimal(0) <= value <= 100:
            fields[name] = _l("Nhập số điểm từ 0 đến 100.")
        elif value and not reason.strip():
            fields[f"{name}_reason"] = _l("Vui lòng ghi lý do.")
    for line in sheet.lines:
        if line.method in DERIVED or line.criterion_id not in manual:
            continue
        value = manual[line.criterion_id]
        if value is not None and not Decimal(0) <= value <= line.max_points:
            fields[f"m_{line.criterion_id}"] = _l("Nhập số điểm từ 0 đến %(max)s.",
                                                  max=scoring.pts(line.max_points))
    if fields:
        raise Refused(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), 422, fields)
    before = _sheet_snapshot(sheet)
    for line in sheet.lines:
        if line.method not in DERIVED and line.criterion_id in manual:
            line.points = manual[line.criterion_id]
            line.basis = notes.get(line.criterion_id, line.basis)
    sheet.bonus, sheet.bonus_reason = bonus, bonus_reason.strip() if bonus else ""
    sheet.penalty, sheet.penalty_reason = penalty, penalty_reason.strip() if penalty else ""
    _totals(sheet)
    after = _sheet_snapshot(sheet)
    if after == before:
        return  # nothing changed, whatever the version (a save sent again): see rows.holds
    check_version(sheet, version, _l("Bảng điểm"))
    sheet.updated_by_id = user_id(user)
    db.session.flush()
    record("score.update", "score_sheet", sheet.id, unit_id=sheet.unit_id, user=user,
           before=before, after=after)


def _sheet_snapshot(sheet: ScoreSheet) -> dict:
    return {"lines": {ln.title: [None if ln.points is None else _points(ln.points), ln.basis]
                      for ln in sheet.lines if ln.method not in DERIVED},
            **{k: _points(getattr(sheet, k)) for k in ("bonus", "penalty", "total")},
            "bonus_reason": sheet.bonus_reason, "penalty_reason": sheet.penalty_reason}


def _points(value: Decimal) -> str:
    """As the column keeps it (two decimals): 10 typed and 10.00 stored are the same."""
    return format(Decimal(value).quantize(Decimal("0.01")), "f")
