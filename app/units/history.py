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
from app.milestones.service import LABELS as MILESTONE_LABELS
from app.plans.models import Area, Indicator
from app.milestones.models import MILESTONE_STATUSES
from app.core.vietnamese import format_date

PER_PAGE = 20

ACTION_LABELS = {
    "auth.guessed": N_("Tài khoản bị đăng nhập sai nhiều lần"),
    "milestone.create": N_("Thêm mốc"),
    "milestone.update": N_("Sửa mốc"),
    "milestone.status": N_("Đổi trạng thái mốc"),
    "milestone.delete": N_("Xóa mốc"),
    "plan_section.update": N_("Sửa kế hoạch triển khai"),
    "plan.create": N_("Lập kế hoạch triển khai"),
    "comment.add": N_("Ý kiến"),
}
FIELD_LABELS = {
    **MILESTONE_LABELS,
    "heading": N_("Mục"),
    "body": N_("Nội dung"),
    "kind": N_("Loại"),
    "year": N_("Năm"),
}
COMMENT_KINDS = {"comment": N_("Ý kiến"), "reply": N_("Trả lời"), "return": N_("Trả lại")}
# bookkeeping that says nothing to a reader
HIDDEN = {"id", "version", "plan_id", "unit_id", "created_at", "updated_at", "author_id",
          "subject_type", "subject_id", "reply_to_id"}


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
    """Area and indicator names for the ids the page's events mention."""

    def __init__(self, payloads):
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
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def changes_of(before: dict, after: dict, names: Names) -> list[Change]:
    """Created: every filled field. Deleted: every field it had. Changed: what differs."""
    out = []
    for key in list(dict.fromkeys([*before, *after])):
        if key in HIDDEN:
            continue
        b, a = before.get(key), after.get(key)
        if before and after and b == a:
            continue
        if not before and a in (None, ""):
            continue
        label = _(FIELD_LABELS.get(key, key))
        shown_b = show(key, b, names) if before else ""
        shown_a = show(key, a, names) if after else ""
        out.append(Change(label, shown_b, shown_a,
                          long=max(len(shown_b), len(shown_a)) > 80 or "\n" in shown_b + shown_a))
    return out


def _subject(before: dict, after: dict) -> str:
    data = after or before
    if "title" in data:
        return str(data["title"])
    if "heading" in data:
        return str(data["heading"])
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
    names = Names([p for _e, _w, b, a in parsed for p in (b, a)])
    entries = [Entry(at=ev.at, who=who or ev.username or _("Hệ thống"),
                     action=_(ACTION_LABELS.get(ev.action, ev.action)),
                     subject=_subject(b, a), changes=changes_of(b, a, names))
               for ev, who, b, a in parsed]
    return entries, has_next

