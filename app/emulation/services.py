"""Every change thi đua – khen thưởng makes, as plain functions: each checks its rule, writes
its audit event in the caller's transaction and raises Problem (a Vietnamese message, an
HTTP status, field messages) when the change cannot be made. The caller commits."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping, Optional

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.audit.service import record, snapshot
from app.comments.models import Comment
from app.emulation import queries, scoring
from app.emulation.models import (DERIVED, METHODS, NOMINEE_KINDS, REVIEW_KINDS, VOTES,
                                  AwardTitle, Criterion, GoodModel, Proposal, ProposalEvidence,
                                  ProposalVote, Review, ScoreLine, ScoreSheet)
from app.extensions import db
from app.models_base import utcnow
from app.vietnamese import today as vn_today
from app.reports.commune import phrase
from app.reports.queries import accepted_figures
from app.units.models import UNIT_KINDS
from app.vietnamese import _l


class Problem(Exception):
    def __init__(self, message, status=422, fields=None):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.fields = fields or {}


def _stale(what):
    return Problem(_l("%(what)s vừa được người khác thay đổi. Nội dung bạn nhập vẫn còn dưới "
                      "đây; hãy xem bản đang lưu rồi lưu lại.", what=what), 409)


def _check_version(obj, version, what):
    if version is None or version != obj.version:
        raise _stale(what)


def _holds(obj, fields, values: Mapping) -> bool:
    """The row already holds what the form sent: most often the person's own save sent
    again after its answer was lost on a weak link (or someone else's same change) —
    answered as saved whatever the version, nothing written."""
    return all(getattr(obj, key) == values[key] for key in fields if key in values)


def _user_id(user):
    return getattr(user, "id", None)


def _save_row(obj, new_row, fields, values, version, what, entity, user=None, unit_of=None):
    """Create (obj None: `new_row()`) or update a row from `values`, the version checked,
    with its audit event: entity.create / entity.update, before and after."""
    new = obj is None
    if new:
        obj = new_row()
        db.session.add(obj)
        before = None
    else:
        if _holds(obj, fields, values):
            return obj  # nothing changed, nothing to record (and no conflict to settle)
        _check_version(obj, version, what)
        before = snapshot(obj, fields)
    for key in fields:
        if key in values:
            setattr(obj, key, values[key])
    after = snapshot(obj, fields)
    db.session.flush()
    record(f"{entity}.create" if new else f"{entity}.update", entity, obj.id, user=user,
           unit_id=unit_of(obj) if unit_of else None, before=before, after=after)
    return obj


# ---------------------------------------------------------------- scoring tables

CRITERION_FIELDS = ("unit_kind", "title", "description", "max_points", "method", "sort_order",
                    "active")


def save_criterion(c: Optional[Criterion], values: Mapping, version=None) -> Criterion:
    if values["unit_kind"] not in UNIT_KINDS or values["method"] not in METHODS:
        raise Problem(_l("Lựa chọn không hợp lệ."))
    if not Decimal(0) < values["max_points"] <= 100:
        raise Problem(_l("Điểm tối đa phải lớn hơn 0 và không quá 100."),
                      fields={"max_points": _l("Điểm tối đa phải lớn hơn 0 và không quá 100.")})
    return _save_row(c, Criterion, CRITERION_FIELDS, values, version, _l("Tiêu chí"),
                     "criterion")


def kind_totals(by_kind: Mapping[str, list[Criterion]]) -> dict[str, Decimal]:
    return {k: sum((c.max_points for c in rows if c.active), Decimal(0))
            for k, rows in by_kind.items()}


# ---------------------------------------------------------------- titles

TITLE_FIELDS = ("name", "kind", "nominee_kind", "level", "authority", "sort_order", "active")


def save_title(t: Optional[AwardTitle], values: Mapping, version=None) -> AwardTitle:
    taken = db.session.scalar(select(AwardTitle.id).where(
        func.lower(AwardTitle.name) == values["name"].lower()))
    if taken is not None and (t is None or taken != t.id):
        raise Problem(_l("Đã có danh hiệu, hình thức mang tên này."),
                      fields={"name": _l("Đã có danh hiệu, hình thức mang tên này.")})
    return _save_row(t, AwardTitle, TITLE_FIELDS, values, version, _l("Danh hiệu, hình thức"),
                     "award_title")


# ---------------------------------------------------------------- reviews

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
        raise Problem(_l("Lựa chọn không hợp lệ."))
    plan = queries.commune_plan(year)
    if plan is None:
        raise Problem(_l("Chưa có kế hoạch thi đua của xã năm %(year)s.", year=year), 404)
    if db.session.scalar(select(Review.id).where(Review.year == year, Review.kind == kind)):
        raise Problem(_l("Đợt %(kind)s năm %(year)s đã có.",
                         kind=_l(REVIEW_KINDS[kind]).lower(), year=year), 409)
    review = Review(year=year, kind=kind, plan_id=plan.id, title=review_title(kind, year),
                    signer_name=plan.signer_name, recipients="\n".join(DEFAULT_RECIPIENTS))
    db.session.add(review)
    db.session.flush()
    record("review.create", "review", review.id, after=snapshot(review, ("year", "kind", "title")))
    return review


def update_review(review: Review, version, values: Mapping) -> None:
    if _holds(review, REVIEW_FIELDS, values):
        return
    _check_version(review, version, _l("Báo cáo sơ kết, tổng kết"))
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
        judged = scoring.judged_indicators(unit.id, ctx["indicators"], ctx["contributors"],
                                           ctx["figures"], ctx["year"])
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


def compute(review: Review, today: Optional[date] = None, unit_ids=None, user=None) -> list[ScoreSheet]:
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
    indicators, contributors = queries.indicators_with_contributors(review.plan_id)
    ctx = dict(
        year=review.year, cutoff=cut, today=today, indicators=indicators,
        contributors=contributors,
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
        sheet.updated_by_id = _user_id(user)
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
    for name, value, reason in (("bonus", bonus, bonus_reason), ("penalty", penalty, penalty_reason)):
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
        raise Problem(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), 422, fields)
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
        return  # nothing changed, whatever the version (a save sent again): see _holds
    _check_version(sheet, version, _l("Bảng điểm"))
    sheet.updated_by_id = _user_id(user)
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


# ---------------------------------------------------------------- good models

MODEL_FIELDS = ("unit_id", "area_id", "title", "description")
TITLE_WORDS = 14


def title_from(text: str) -> str:
    """A short title from a report's section: its first line, cut at a word."""
    first = next((line.strip(" -–•*\t") for line in text.splitlines() if line.strip()), "")
    words = first.split()
    return " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")


def gather_models(year: int, user=None) -> int:
    """One good model per accepted report of the year whose section names one, not yet
    gathered; the secretariat then sets its area and edits its wording."""
    found = queries.reports_with_models(year)
    for report, unit, period in found:
        db.session.add(GoodModel(year=year, unit_id=unit.id, title=title_from(report.good_models)[:300],
                                 description=f"{report.good_models.strip()}\n(Nguồn: báo cáo "
                                             f"{phrase(period)})",
                                 source_report_id=report.id, created_by_id=_user_id(user)))
    if found:
        db.session.flush()
        record("good_model.gather", "good_model", None, user=user,
               after={"year": year, "reports": [r.id for r, _u, _p in found]})
    return len(found)


def save_model(model: Optional[GoodModel], values: Mapping, version=None, year=None,
               user=None) -> GoodModel:
    return _save_row(model, lambda: GoodModel(year=year, created_by_id=_user_id(user)),
                     MODEL_FIELDS, values, version, _l("Mô hình"), "good_model", user=user,
                     unit_of=lambda m: m.unit_id)


def delete_model(model: GoodModel, version, user=None) -> None:
    _check_version(model, version, _l("Mô hình"))
    db.session.execute(delete(ProposalEvidence).where(ProposalEvidence.kind == "model",
                                                      ProposalEvidence.ref_id == model.id))
    before = snapshot(model, MODEL_FIELDS)
    db.session.delete(model)
    db.session.flush()
    record("good_model.delete", "good_model", model.id, unit_id=model.unit_id, user=user,
           before=before)


# ---------------------------------------------------------------- proposals

PROPOSAL_FIELDS = ("nominee_kind", "unit_id", "person_name", "person_position", "title_id",
                   "achievements")


def _check_nominee(values: Mapping, title: Optional[AwardTitle]) -> None:
    fields = {}
    if values["nominee_kind"] not in NOMINEE_KINDS:
        fields["nominee_kind"] = _l("Lựa chọn không hợp lệ.")
    elif values["nominee_kind"] == "individual" and not values["person_name"].strip():
        fields["person_name"] = _l("Vui lòng nhập họ và tên người được đề nghị.")
    if title is None or not title.active:
        fields["title_id"] = _l("Lựa chọn không hợp lệ; hãy chọn trong danh sách.")
    elif values["nominee_kind"] in NOMINEE_KINDS and not title.fits(values["nominee_kind"]):
        fields["title_id"] = _l("“%(title)s” dành cho %(who)s.", title=title.name,
                                who=_l(title.nominee_label).lower())
    if not values["achievements"].strip():
        fields["achievements"] = _l("Vui lòng tóm tắt thành tích.")
    if fields:
        raise Problem(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), 422, fields)


def _proposal_snapshot(p: Proposal) -> dict:
    return snapshot(p, (*PROPOSAL_FIELDS, "status", "decision_number", "decision_date"))


def create_proposal(year: int, values: Mapping, user=None) -> Proposal:
    title = db.session.get(AwardTitle, values["title_id"]) if values["title_id"] else None
    _check_nominee(values, title)
    p = Proposal(year=year, status="proposed", created_by_id=_user_id(user),
                 **{k: values[k] for k in PROPOSAL_FIELDS})
    if p.nominee_kind == "collective":
        p.person_name = p.person_position = ""
    db.session.add(p)
    db.session.flush()
    record("proposal.create", "proposal", p.id, unit_id=p.unit_id, user=user,
           after=_proposal_snapshot(p))
    return p


def update_proposal(p: Proposal, version, values: Mapping, user=None) -> None:
    if not p.editable:
        raise Problem(_l("Đề nghị đã trình Hội đồng nên không sửa được nữa."), 409)
    if _holds(p, PROPOSAL_FIELDS, values):
        return
    _check_version(p, version, _l("Đề nghị"))
    title = db.session.get(AwardTitle, values["title_id"]) if values["title_id"] else None
    _check_nominee(values, title)
    before = _proposal_snapshot(p)
    for key in PROPOSAL_FIELDS:
        setattr(p, key, values[key])
    if p.nominee_kind == "collective":
        p.person_name = p.person_position = ""
    db.session.flush()
    record("proposal.update", "proposal", p.id, unit_id=p.unit_id, user=user, before=before,
           after=_proposal_snapshot(p))


def set_evidence(p: Proposal, chosen: Iterable[tuple[str, int]],
                 allowed: set[tuple[str, int]], user=None) -> None:
    """Link exactly the chosen reports, good models and score sheets (of those offered)."""
    if p.status in ("decided", "forwarded", "rejected"):
        raise Problem(_l("Đề nghị đã kết thúc nên không đổi minh chứng được."), 409)
    chosen = set(chosen)
    if not chosen <= allowed:
        raise Problem(_l("Minh chứng không thuộc đơn vị được đề nghị."), 422)
    current = {(e.kind, e.ref_id): e for e in db.session.scalars(
        select(ProposalEvidence).where(ProposalEvidence.proposal_id == p.id))}
    if set(current) == chosen:
        return
    for key, e in current.items():
        if key not in chosen:
            db.session.delete(e)
    for kind, ref in chosen - set(current):
        db.session.add(ProposalEvidence(proposal_id=p.id, kind=kind, ref_id=ref))
    db.session.flush()
    record("proposal.evidence", "proposal", p.id, unit_id=p.unit_id, user=user,
           before=sorted(f"{k}:{r}" for k, r in current),
           after=sorted(f"{k}:{r}" for k, r in chosen))


def _move(p: Proposal, version, expected: str, new: str, action: str, user=None, **extra):
    if p.status != expected:
        raise Problem(_l("Đề nghị không ở bước này (hiện: %(status)s). Vui lòng tải lại trang.",
                         status=_l(p.status_label)), 409)
    _check_version(p, version, _l("Đề nghị"))
    before = {"status": p.status}
    p.status = new
    for key, value in extra.items():
        setattr(p, key, value)
    db.session.flush()
    record(action, "proposal", p.id, unit_id=p.unit_id, user=user, before=before,
           after={"status": new, **{k: (v.isoformat() if isinstance(v, date) else v)
                                    for k, v in extra.items() if k != "decided_by_id"}})


def send_to_council(p: Proposal, version, user=None) -> None:
    _move(p, version, "proposed", "council", "proposal.send", user)


def tally(votes: Iterable) -> dict[str, int]:
    out = {k: 0 for k in VOTES}
    for v in votes:
        choice = v if isinstance(v, str) else v.vote
        if choice in out:
            out[choice] += 1
    return out


def passes(yes: int, members: int, pass_percent: Decimal) -> bool:
    """More than `pass_percent` % of the council's members voted for it."""
    return members > 0 and Decimal(yes) * 100 > pass_percent * members


def cast_vote(p: Proposal, user, choice: str) -> ProposalVote:
    """A council member's vote; voting again changes it (until the vote is closed)."""
    if choice not in VOTES:
        raise Problem(_l("Lựa chọn không hợp lệ."), 422)
    if p.status != "council":
        raise Problem(_l("Đề nghị không còn trong thời gian biểu quyết."), 409)
    mine = next((v for v in p.votes if v.user_id == user.id), None)
    before = mine.vote if mine else None
    if mine is None:
        mine = ProposalVote(proposal_id=p.id, user_id=user.id, vote=choice, user=user)
        p.votes.append(mine)
    elif mine.vote == choice:
        return mine
    mine.vote, mine.at = choice, utcnow()
    db.session.flush()
    record("proposal.vote", "proposal", p.id, unit_id=p.unit_id, user=user,
           before={"vote": before}, after={"vote": choice})
    return mine


def close_vote(p: Proposal, version, members: int, pass_percent: Decimal, user=None) -> bool:
    """Count the votes (read after the proposal is locked) and pass or reject it."""
    if p.status != "council":
        raise Problem(_l("Đề nghị không ở bước Hội đồng xét."), 409)
    _check_version(p, version, _l("Đề nghị"))
    if members <= 0:
        raise Problem(_l("Chưa có thành viên Hội đồng Thi đua – Khen thưởng nào."), 409)
    counted = tally(db.session.scalars(select(ProposalVote.vote)
                                       .where(ProposalVote.proposal_id == p.id)))
    ok = passes(counted["yes"], members, pass_percent)
    _move(p, version, "council", "approved" if ok else "rejected", "proposal.close", user,
          votes_yes=counted["yes"], votes_no=counted["no"], votes_abstain=counted["abstain"],
          members=members)
    return ok


def decide(p: Proposal, version, number: str, on: date, user=None) -> None:
    """The chair's decision (a title the commune awards), or the submission upward."""
    fields = {}
    if not number.strip():
        fields["decision_number"] = _l("Vui lòng nhập số văn bản.")
    if on is None:
        fields["decision_date"] = _l("Vui lòng nhập ngày ký.")
    if fields:
        raise Problem(_l("Vui lòng kiểm tra lại các ô được đánh dấu."), 422, fields)
    new = "decided" if p.title.commune_level else "forwarded"
    _move(p, version, "approved", new,
          "proposal.decide" if new == "decided" else "proposal.forward", user,
          decision_number=number.strip(), decision_date=on, decided_by_id=_user_id(user))


def add_comment(p: Proposal, body: str, user) -> Comment:
    if not body.strip():
        raise Problem(_l("Vui lòng nhập ý kiến."), 422, {"body": _l("Vui lòng nhập ý kiến.")})
    c = Comment(subject_type="proposal", subject_id=p.id, unit_id=p.unit_id,
                author_id=user.id, kind="comment", body=body.strip())
    db.session.add(c)
    db.session.flush()
    record("comment.add", "comment", c.id, unit_id=p.unit_id, user=user,
           after={"proposal": p.id, "body": c.body})
    return c
