"""A unit's change history, read from the audit log: who changed what, when, before and
after, in the reader's words. Three statements a page at most, plus the audit page."""
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.core.extensions import db
from app.core.i18n import N_
from app.core.vietnamese import format_date
from app.milestones.models import MILESTONE_STATUSES
from app.milestones.service import LABELS as MILESTONE_LABELS
from app.plans.models import Area, Indicator
from app.reports.models import REPORT_SECTIONS, Report, ReportingPeriod

PER_PAGE = 20

# every event the log holds, as people say it; one the list does not know yet is shown as
# "Thay đổi khác", never by its name in the code (tests/test_plain_words.py reads every page)
ACTION_LABELS = {
    "auth.login": N_("Đăng nhập"),
    "auth.logout": N_("Đăng xuất"),
    "auth.guessed": N_("Tài khoản bị đăng nhập sai nhiều lần"),
    "user.password": N_("Đổi mật khẩu"),
    "user.reset_password": N_("Đặt lại mật khẩu"),
    "user.create": N_("Tạo tài khoản"),
    "user.edit": N_("Sửa tài khoản"),
    "user.activate": N_("Mở khóa tài khoản"),
    "user.deactivate": N_("Khóa tài khoản"),
    "user.notifications": N_("Đổi cách nhận thông báo"),
    "unit.create": N_("Thêm đơn vị"),
    "unit.edit": N_("Sửa thông tin đơn vị"),
    "unit.archive": N_("Lưu trữ đơn vị"),
    "unit.restore": N_("Khôi phục đơn vị"),
    "milestone.create": N_("Thêm mốc"),
    "milestone.update": N_("Sửa mốc"),
    "milestone.status": N_("Đổi trạng thái mốc"),
    "milestone.delete": N_("Xóa mốc"),
    "plan_section.update": N_("Sửa kế hoạch triển khai"),
    "plan.create": N_("Lập kế hoạch triển khai"),
    "plan.load": N_("Nạp kế hoạch của xã"),
    "plan.edit": N_("Sửa kế hoạch của xã"),
    "plan.new_year": N_("Mở kế hoạch năm mới"),
    "area.create": N_("Thêm nội dung thi đua"),
    "area.edit": N_("Sửa nội dung thi đua"),
    "indicator.create": N_("Thêm chỉ tiêu"),
    "indicator.edit": N_("Sửa chỉ tiêu"),
    "figure.settle": N_("Chọn số đúng khi hai số liệu lệch nhau"),
    "comment.add": N_("Ý kiến"),
    "report.draft": N_("Lưu nháp báo cáo"),
    "report.create": N_("Bắt đầu soạn báo cáo"),
    "report.import": N_("Nhập số liệu từ tệp Excel"),
    "report.submit": N_("Gửi báo cáo"),
    "report.accept": N_("Duyệt báo cáo"),
    "report.return": N_("Trả lại báo cáo"),
    "period.create": N_("Thêm kỳ báo cáo"),
    "period.update": N_("Sửa kỳ báo cáo"),
    "period.generate": N_("Lập các kỳ báo cáo của năm"),
    "period.follow_calendar": N_("Cập nhật kỳ báo cáo theo lịch"),
    "calendar.settings": N_("Đổi lịch báo cáo"),
    "commune_report.compile": N_("Tổng hợp báo cáo của xã"),
    "commune_report.edit": N_("Sửa báo cáo của xã"),
    "evidence.attach": N_("Đính kèm tệp minh chứng"),
    "evidence.remove": N_("Gỡ tệp minh chứng"),
    "evidence.restore": N_("Khôi phục tệp minh chứng"),
    "good_model.create": N_("Thêm mô hình hay"),
    "good_model.update": N_("Sửa mô hình hay"),
    "good_model.delete": N_("Xóa mô hình hay"),
    "good_model.gather": N_("Tổng hợp mô hình hay từ báo cáo"),
    "proposal.create": N_("Lập đề nghị khen thưởng"),
    "proposal.update": N_("Sửa đề nghị khen thưởng"),
    "proposal.evidence": N_("Cập nhật hồ sơ đề nghị"),
    "proposal.vote": N_("Biểu quyết đề nghị khen thưởng"),
    "proposal.forward": N_("Chuyển đề nghị khen thưởng"),
    "proposal.decide": N_("Quyết định khen thưởng"),
    "proposal.decline": N_("Không khen thưởng đề nghị"),
    "review.create": N_("Mở đợt đánh giá"),
    "review.update": N_("Sửa đợt đánh giá"),
    "review.score": N_("Chấm điểm"),
    "score.update": N_("Sửa điểm"),
    "emulation.settings": N_("Đổi cài đặt thi đua"),
    "criterion.create": N_("Thêm tiêu chí chấm điểm"),
    "criterion.update": N_("Sửa tiêu chí chấm điểm"),
    "criterion.seed": N_("Nạp bảng tiêu chí chấm điểm"),
    "award_title.create": N_("Thêm danh hiệu khen thưởng"),
    "award_title.update": N_("Sửa danh hiệu khen thưởng"),
    "award_title.seed": N_("Nạp danh sách danh hiệu khen thưởng"),
    "demo.accounts": N_("Tạo tài khoản mẫu"),
    "demo.content": N_("Tạo dữ liệu mẫu"),
    "demo.reports": N_("Tạo báo cáo mẫu"),
}
OTHER_ACTION = N_("Thay đổi khác")
FIELD_LABELS = {
    **MILESTONE_LABELS,
    **dict(REPORT_SECTIONS),
    "heading": N_("Mục"),
    "body": N_("Nội dung"),
    "kind": N_("Loại"),
    "year": N_("Năm"),
    "name": N_("Tên"),
    "full_name": N_("Họ và tên"),
    "short_name": N_("Tên viết tắt"),
    "position": N_("Chức vụ"),
    "username": N_("Tên đăng nhập"),
    "areas": N_("Số nội dung thi đua"),
    "indicators": N_("Số chỉ tiêu"),
    "units": N_("Số đơn vị"),
    "reason": N_("Lý do"),
    "decision_no": N_("Số quyết định"),
    "achievements": N_("Thành tích"),
}
# what changed, said without the text itself (a draft's figures are kept as data)
CHANGED_ONLY = {"figures": N_("Số liệu"), "roles": N_("Vai trò")}
COMMENT_KINDS = {"comment": N_("Ý kiến"), "reply": N_("Trả lời"), "return": N_("Trả lại")}
CHANGED = N_("đã thay đổi")


@dataclass
class Change:
    label: str
    before: str
    after: str
    long: bool = False  # a paragraph, shown as a block rather than inline


@dataclass
class Entry:
    at: datetime
    who: str
    action: str
    subject: str
    changes: list = field(default_factory=list)


def _load(text: str) -> dict:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {"": data}


class Names:
    """Area and indicator names for the ids the page's events mention, and the periods of
    the reports they name."""

    def __init__(self, payloads, report_ids=()):
        areas, indicators = set(), set()
        for p in payloads:
            if isinstance(p.get("area_id"), int):
                areas.add(p["area_id"])
            if isinstance(p.get("indicator_id"), int):
                indicators.add(p["indicator_id"])
        self.areas = {i: f"{code}. {title}" for i, code, title in db.session.execute(
            select(Area.id, Area.code, Area.title).where(Area.id.in_(areas)))} if areas else {}
        self.indicators = {i: f"{code} – {name}" for i, code, name in db.session.execute(
            select(Indicator.id, Indicator.code, Indicator.name)
            .where(Indicator.id.in_(indicators)))} if indicators else {}
        self.reports = {rid: period for rid, period in db.session.execute(
            select(Report.id, ReportingPeriod).join(ReportingPeriod,
                                                    ReportingPeriod.id == Report.period_id)
            .where(Report.id.in_(set(report_ids))))} if report_ids else {}


def show(name: str, value, names: Names) -> str:
    if value is None or value == "":
        return "—"
    if name == "status":
        return _(MILESTONE_STATUSES.get(value, str(value)))
    if name == "progress":
        return f"{value}%"
    if name == "kind":
        return _(COMMENT_KINDS.get(value, str(value)))
    if name == "area_id":
        return names.areas.get(value, f"#{value}")
    if name == "indicator_id":
        return names.indicators.get(value, f"#{value}")
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(show(name, v, names) for v in value)
    if isinstance(value, dict):
        return _(CHANGED)  # a structure of the code, not something a person reads
    if isinstance(value, bool):
        return _("có") if value else _("không")
    return str(value)


def changes_of(before: dict, after: dict, names: Names) -> list[Change]:
    """Created: every filled field. Deleted: every field it had. Changed: what differs."""
    out = []
    for key in list(dict.fromkeys([*before, *after])):
        b, a = before.get(key), after.get(key)
        if before and after and b == a:
            continue
        if not before and a in (None, ""):
            continue
        if key in CHANGED_ONLY:
            out.append(Change(_(CHANGED_ONLY[key]), "", _(CHANGED)))
            continue
        if key not in FIELD_LABELS:
            continue  # bookkeeping (ids, versions, hashes, owners): nothing a reader needs
        label = _(FIELD_LABELS[key])
        shown_b = show(key, b, names) if before else ""
        shown_a = show(key, a, names) if after else ""
        out.append(Change(label, shown_b, shown_a,
                          long=max(len(shown_b), len(shown_a)) > 80 or "\n" in shown_b + shown_a))
    return out


def _subject(ev, before: dict, after: dict, names: Names) -> str:
    if ev.entity == "report" and ev.entity_id in names.reports:
        return _("Báo cáo %(period)s", period=names.reports[ev.entity_id].shown_label)
    data = after or before
    for key in ("title", "heading", "name", "full_name"):
        if data.get(key):
            return str(data[key])
    return ""


def page(unit_id: int, number: int) -> tuple[list[Entry], bool]:
    """Entries newest first, and whether an older page exists."""
    rows = db.session.execute(
        select(AuditEvent, User.full_name).outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.unit_id == unit_id)
        .order_by(AuditEvent.id.desc())
        .limit(PER_PAGE + 1).offset((number - 1) * PER_PAGE)).all()
    has_next = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    parsed = [(ev, who, _load(ev.before), _load(ev.after)) for ev, who in rows]
    names = Names([p for _e, _w, b, a in parsed for p in (b, a)],
                  [ev.entity_id for ev, *_rest in parsed if ev.entity == "report"])
    entries = [Entry(at=ev.at, who=who or ev.username or _("Hệ thống"),
                     action=_(ACTION_LABELS.get(ev.action, OTHER_ACTION)),
                     subject=_subject(ev, b, a, names),
                     changes=[] if ev.entity == "evidence_file" else changes_of(b, a, names))
               for ev, who, b, a in parsed]
    return entries, has_next

