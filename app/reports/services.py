"""Every change reporting makes, as plain functions: each checks its rule, writes its audit
event in the caller's transaction, and raises Refused (a Vietnamese message, an HTTP status
and the form fields at fault) — StaleEdit when someone saved first — when the change cannot
be made. The caller commits."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Mapping, Optional

from flask_login import current_user
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm.attributes import flag_modified

from app.audit.service import record
from app.comments.models import Comment
from app.core.errors import Refused
from app.core.extensions import db
from app.core.locking import StaleEdit
from app.core.policy import ensure_open
from app.core.columns import utcnow
from app.notifications import service as notices
from app.plans.models import IndicatorValue
from app.reports import calendar_setting, checks
from app.reports import figures as fig
from app.reports import obligations
from app.reports.calendar import NOT_REPORTING_KINDS, year_calendar
from app.reports.models import (REPORT_SECTIONS, Report, ReportEvent,
                                ReportingPeriod, ReportValue, period_unit)
from app.units.models import Unit
from app.core.vietnamese import _l

SECTION_KEYS = tuple(key for key, _label in REPORT_SECTIONS)


# what a save from a page read before someone else's save is told (StaleEdit: current is the
# report as stored now, shown beside what was typed)
STALE_REPORT = _l("Báo cáo vừa được lưu ở nơi khác (máy khác hoặc thẻ khác). Nội dung bạn "
                  "nhập vẫn còn nguyên dưới đây; hãy so sánh với bản đang lưu rồi lưu lại.")


# --- periods -------------------------------------------------------------------------

def reporting_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(
        Unit.archived_at.is_(None), Unit.kind.not_in(NOT_REPORTING_KINDS))
        .order_by(Unit.sort_order, Unit.id)))


def generate_year(year: int) -> int:
    """Create the year's missing calendar periods that someone reports (the office's
    calendar, app/reports/calendar_setting.py), each listing the active units whose kind
    reports it, with their kinds' staggered deadlines; periods that exist are left as the
    secretariat edited them."""
    from app.reports import calendar_setting

    existing = set(db.session.execute(
        select(ReportingPeriod.kind, ReportingPeriod.number)
        .where(ReportingPeriod.year == year, ReportingPeriod.kind != "adhoc")))
    reports, _version = calendar_setting.current()
    units = reporting_units()
    kinds = {u.kind for u in units}
    created = []
    for spec in year_calendar(year, reports):
        if (spec.kind, spec.number) in existing:
            continue
        listed = [u for u in units if spec.kind in reports.get(u.kind, ())]
        if units and not listed:
            continue  # only kinds with no unit now report it: nobody to ask
        period = ReportingPeriod(year=year, kind=spec.kind, number=spec.number,
                                 starts_on=spec.starts_on, ends_on=spec.ends_on,
                                 deadline=spec.deadline)
        db.session.add(period)
        db.session.flush()
        obligations.add_deadlines(period.id, {k: d for k, d in spec.deadlines.items()
                                              if k in kinds})
        if listed:
            db.session.execute(insert(period_unit),
                               [{"period_id": period.id, "unit_id": u.id} for u in listed])
        created.append(period.label)
    if created:
        record("period.generate", "reporting_period", None,
               after={"year": year, "created": created, "units": len(units)})
    return len(created)


def _plain(data):
    """Dates as ISO text, so an audit event's JSON can hold them."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_plain(v) for v in data]
    return data.isoformat() if isinstance(data, date) else data


def _check_dates(starts_on: date, ends_on: date, deadline: date, by_kind: Mapping[str, date]):
    fields = {}
    if ends_on < starts_on:
        fields["ends_on"] = _l("Ngày chốt số liệu phải sau ngày bắt đầu.")
    if deadline < ends_on:
        fields["deadline"] = _l("Hạn nộp không được trước ngày chốt số liệu.")
    for kind, d in by_kind.items():
        if d is not None and d < ends_on:
            fields[f"deadline_{kind}"] = _l("Hạn nộp không được trước ngày chốt số liệu.")
    if fields:
        raise Refused(_l("Vui lòng kiểm tra lại các ngày."), 422, fields)


def create_adhoc(year: int, subject: str, starts_on: date, ends_on: date, deadline: date,
                 unit_ids) -> ReportingPeriod:
    _check_dates(starts_on, ends_on, deadline, {})
    if not unit_ids:
        raise Refused(_l("Chọn ít nhất một đơn vị phải báo cáo."), 422,
                      {"units": _l("Chọn ít nhất một đơn vị phải báo cáo.")})
    number = (db.session.scalar(select(func.max(ReportingPeriod.number)).where(
        ReportingPeriod.year == year, ReportingPeriod.kind == "adhoc")) or 0) + 1
    period = ReportingPeriod(year=year, kind="adhoc", number=number, subject=subject,
                             starts_on=starts_on, ends_on=ends_on, deadline=deadline)
    db.session.add(period)
    db.session.flush()
    _set_units(period, unit_ids)
    record("period.create", "reporting_period", period.id,
           after=_plain({"label": period.label, "starts_on": starts_on, "ends_on": ends_on,
                         "deadline": deadline, "units": sorted(unit_ids)}))
    return period


def _set_units(period: ReportingPeriod, unit_ids) -> None:
    db.session.execute(delete(period_unit).where(period_unit.c.period_id == period.id))
    if unit_ids:
        db.session.execute(insert(period_unit), [{"period_id": period.id, "unit_id": uid}
                                                 for uid in sorted(unit_ids)])


def adhoc_unit_ids(units) -> list[int]:
    """The units ticked to start with on a new ad-hoc request: those whose kind answers the
    office's requests in the calendar setting."""
    reports, _version = calendar_setting.current()
    return [u.id for u in units if "adhoc" in reports.get(u.kind, ())]


def listed_units(period: ReportingPeriod) -> set[int]:
    return set(db.session.scalars(select(period_unit.c.unit_id)
                                  .where(period_unit.c.period_id == period.id)))


def deadlines_by_kind(period: ReportingPeriod) -> dict[str, date]:
    return obligations.deadlines_by_kind(period.id)


def update_period(period: ReportingPeriod, version: int, *, subject: str, starts_on: date,
                  ends_on: date, deadline: date, by_kind: Mapping[str, Optional[date]],
                  unit_ids) -> None:
    if version != period.version:
        raise StaleEdit(_l("Kỳ báo cáo vừa được người khác sửa. Vui lòng tải lại trang."))
    _check_dates(starts_on, ends_on, deadline, by_kind)
    if not unit_ids:
        raise Refused(_l("Chọn ít nhất một đơn vị phải báo cáo."), 422,
                      {"units": _l("Chọn ít nhất một đơn vị phải báo cáo.")})
    before = {"subject": period.subject, "starts_on": period.starts_on,
              "ends_on": period.ends_on, "deadline": period.deadline,
              "deadlines": deadlines_by_kind(period), "units": sorted(listed_units(period))}
    after = {"subject": subject if period.kind == "adhoc" else period.subject,
             "starts_on": starts_on, "ends_on": ends_on, "deadline": deadline,
             "deadlines": {k: d for k, d in by_kind.items() if d is not None},
             "units": sorted(unit_ids)}
    if after == before:
        return  # the same form sent again (a retry): nothing to record
    period.subject = after["subject"]
    period.starts_on, period.ends_on, period.deadline = starts_on, ends_on, deadline
    # a change to the deadlines or the list alone still makes the period a new version
    flag_modified(period, "deadline")
    obligations.drop_deadlines(period.id)
    obligations.add_deadlines(period.id, by_kind)
    _set_units(period, unit_ids)
    db.session.flush()
    record("period.update", "reporting_period", period.id, before=_plain(before),
           after=_plain(after))


# --- a unit's report -----------------------------------------------------------------

def _new_report(ctx) -> Report:
    if not ctx.expected:
        raise Refused(_l("Đơn vị không có trong danh sách phải báo cáo kỳ này."), 404)
    report = Report(unit_id=ctx.unit.id, period_id=ctx.period.id, status="draft",
                    **{key: "" for key in SECTION_KEYS}, figures_draft="")
    db.session.add(report)
    ctx.report = report
    return report


def _check_writable(report: Report, version: Optional[int], token: str) -> None:
    ensure_open(report)
    # the same page retrying a save whose answer was lost is not a conflict
    if version != report.version and not (token and token == report.draft_token):
        raise StaleEdit(STALE_REPORT, current=report)


def save_draft(ctx, sections: Mapping[str, str], draft: Mapping[int, Mapping[str, str]],
               version: Optional[int], token: str, action: str = "report.draft"
               ) -> tuple[Report, bool]:
    """Keep what was typed, as typed (or imported from a spreadsheet: action
    "report.import"). Returns (report, whether anything changed)."""
    report = ctx.report
    new = report is None
    if new:
        report = _new_report(ctx)
    else:
        _check_writable(report, version, token)
    before, after = {}, {}
    for key in SECTION_KEYS:
        if key in sections and sections[key] != getattr(report, key):
            before[key], after[key] = getattr(report, key), sections[key]
            setattr(report, key, sections[key])
    figures_text = fig.dump_draft(draft)
    if figures_text != (report.figures_draft or ""):
        before["figures"], after["figures"] = report.figures_draft, figures_text
        report.figures_draft = figures_text
    if not after and not new:
        return report, False
    report.draft_token = token
    db.session.flush()
    record(action, "report", report.id, unit_id=report.unit_id,
           before=None if new else before, after=after)
    return report, True


def submit(ctx, sections: Mapping[str, str], values: Mapping[int, Optional[Decimal]],
           explanations: Mapping[int, str], version: Optional[int], token: str,
           indicators, accepted, pending=None) -> Report:
    """Send the report. Figures must already be parsed strictly; a figure that would put
    its indicator off track needs an explanation. After this the unit cannot change it."""
    if ctx.report is not None:
        ensure_open(ctx.report)  # a closed report says so before its figures are checked
    if not (sections.get("results") or "").strip():
        raise Refused(_l("Vui lòng nhập kết quả đạt được trước khi gửi."), 422,
                      {"results": _l("Vui lòng nhập kết quả đạt được.")})
    flags = fig.flagged(indicators, accepted, ctx.period, ctx.unit.id, values)
    missing = {f"e_{i}": _l("Số liệu này làm chỉ tiêu chậm tiến độ: vui lòng giải trình.")
               for i in sorted(flags) if not (explanations.get(i) or "").strip()}
    if missing:
        raise Refused(_l("Có số liệu làm chỉ tiêu chậm tiến độ cần giải trình trước khi "
                         "gửi."), 422, missing)
    # issue 16: a figure the checks flag is corrected, or confirmed with an explanation
    found = checks.field_checks(indicators, accepted, ctx.period, ctx.unit.id, values, pending)
    unconfirmed = {f"v_{i}": " ".join(f.message(_l) for f in c.flags)
                   for i, c in found.items() if c.flags and not (explanations.get(i) or "").strip()}
    if unconfirmed:
        raise Refused(_l("Có số liệu cần kiểm tra: sửa lại, hoặc ghi giải trình để xác nhận số "
                         "liệu đúng rồi gửi."), 422, unconfirmed)
    report = ctx.report
    if report is None:
        report = _new_report(ctx)
        db.session.flush()
    else:
        _check_writable(report, version, token)
    old_status = report.status
    for key in SECTION_KEYS:
        setattr(report, key, sections.get(key, ""))
    by_ind = {ind.id: ind for ind in indicators}
    existing = {v.indicator_id: v for v in db.session.scalars(
        select(ReportValue).where(ReportValue.report_id == report.id))}
    kept = {}
    for ind_id, value in values.items():
        if ind_id not in by_ind:
            continue
        explanation = (explanations.get(ind_id) or "").strip()
        if value is None and not explanation:
            continue
        row = existing.pop(ind_id, None) or ReportValue(report_id=report.id, indicator_id=ind_id)
        row.value, row.explanation = value, explanation
        row.flags = checks.dump(found[ind_id].flags if ind_id in found else [])
        row.confirmed_by_id = row.confirmed_at = None
        db.session.add(row)
        kept[ind_id] = (value, explanation)
    for row in existing.values():
        db.session.delete(row)
    report.figures_draft = fig.dump_draft({
        i: {"v": fig.draft_text(by_ind[i], v), "e": e}
        for i, (v, e) in kept.items()})
    report.status = "submitted"
    report.submitted_at = utcnow()
    report.draft_token = token
    snap = snapshot(report, kept, by_ind)
    db.session.flush()
    db.session.add(ReportEvent(report_id=report.id, action="submit", user_id=current_user_id(),
                               snapshot=json.dumps(snap, ensure_ascii=False)))
    record("report.submit", "report", report.id, unit_id=report.unit_id,
           before={"status": old_status}, after=snap)
    return report


def snapshot(report: Report, kept, by_ind) -> dict:
    """What was sent, as a reader sees it: kept with the submission for good."""
    return {"status": "submitted",
            **{key: getattr(report, key) for key in SECTION_KEYS},
            "figures": [{"code": by_ind[i].code, "value": fig.show(v), "explanation": e}
                        for i, (v, e) in sorted(kept.items(),
                                                key=lambda kv: by_ind[kv[0]].sort_order)]}


def current_user_id():
    return current_user.id if current_user and current_user.is_authenticated else None


def _check_reviewable(report: Report, version: Optional[int]) -> None:
    if report.status != "submitted":
        raise Refused(_l("Báo cáo không ở trạng thái chờ duyệt (hiện: %(status)s).",
                         status=report.status_label), 409)
    if version != report.version:
        raise StaleEdit(_l("Báo cáo vừa thay đổi (đơn vị gửi lại hoặc người khác đã xử lý). "
                           "Vui lòng tải lại trang."))


def accept(report: Report, version: Optional[int], indicators, accepted,
           checked: bool = False) -> int:
    """Accept a submitted report: its figures become the indicators' values for the
    period, with who and when, in this same transaction. Returns the figures written.
    A flagged figure needs the office's word that it was checked (`checked`)."""
    _check_reviewable(report, version)
    values = {v.indicator_id: v for v in db.session.scalars(
        select(ReportValue).where(ReportValue.report_id == report.id))}
    flagged_values = [v for v in values.values() if v.flags]
    if flagged_values and not checked:
        raise Refused(_l("Báo cáo có số liệu được đánh dấu cần kiểm tra: hãy xem lại và đánh dấu "
                         "“Tôi đã kiểm tra các số liệu được đánh dấu” trước khi duyệt."), 422,
                      {"checked": _l("Vui lòng xác nhận đã kiểm tra các số liệu được đánh dấu.")})
    by_ind = {ind.id: ind for ind in indicators}
    numbers = {i: v.value for i, v in values.items() if v.value is not None and i in by_ind}
    flags = fig.flagged(indicators, accepted, report.period, report.unit_id, numbers)
    unexplained = [by_ind[i].code for i in sorted(flags) if not values[i].explanation.strip()]
    if unexplained:
        raise Refused(_l("Số liệu của chỉ tiêu %(codes)s làm chỉ tiêu chậm tiến độ nhưng "
                         "chưa có giải trình: hãy trả lại để đơn vị bổ sung.",
                         codes=", ".join(unexplained)), 422)
    now, who = utcnow(), current_user_id()
    for v in flagged_values:
        v.confirmed_by_id, v.confirmed_at = who, now
    cells = {iv.indicator_id: iv for iv in db.session.scalars(
        select(IndicatorValue).where(IndicatorValue.period_id == report.period_id,
                                     IndicatorValue.unit_id == report.unit_id,
                                     IndicatorValue.indicator_id.in_(list(numbers))))} \
        if numbers else {}
    written = {}
    for ind_id, value in numbers.items():
        iv = cells.get(ind_id) or IndicatorValue(indicator_id=ind_id, period_id=report.period_id,
                                                 unit_id=report.unit_id)
        iv.value, iv.note, iv.report_id = value, values[ind_id].explanation, report.id
        iv.accepted_by_id, iv.accepted_at = who, now
        db.session.add(iv)
        written[by_ind[ind_id].code] = fig.show(value)
    report.status = "accepted"
    report.reviewed_at, report.reviewed_by_id = now, who
    db.session.flush()
    db.session.add(ReportEvent(report_id=report.id, action="accept", user_id=who))
    record("report.accept", "report", report.id, unit_id=report.unit_id,
           before={"status": "submitted"}, after={"status": "accepted", "figures": written})
    notices.report_accepted(report, current_user)
    return len(written)


def return_report(report: Report, version: Optional[int], body: str) -> Comment:
    """Send a submitted report back to its unit with a comment; the unit corrects it."""
    _check_reviewable(report, version)
    if not body.strip():
        raise Refused(_l("Vui lòng ghi rõ lý do trả lại."), 422,
                      {"comment": _l("Vui lòng ghi rõ lý do trả lại.")})
    who = current_user_id()
    comment = Comment(subject_type="report", subject_id=report.id, unit_id=report.unit_id,
                      author_id=who, kind="return", body=body)
    db.session.add(comment)
    report.status = "returned"
    report.reviewed_at, report.reviewed_by_id = utcnow(), who
    db.session.flush()
    db.session.add(ReportEvent(report_id=report.id, action="return", user_id=who,
                               comment_id=comment.id))
    record("report.return", "report", report.id, unit_id=report.unit_id,
           before={"status": "submitted"}, after={"status": "returned", "comment": body})
    notices.report_returned(report, body, current_user)
    return comment
