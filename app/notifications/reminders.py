"""Reminders to the units that have not submitted: `flask remind` (run daily by a timer)
and the office's "Nhắc các đơn vị chưa nộp" button.

For each unit still owing a report, against its own deadline d (by kind of unit):
"before-N" once from d − N days (REMIND_DAYS_BEFORE, default 3) until the day before,
"due" on d itself, and "overdue-W" once in each week W after d (for OVERDUE_WEEKS weeks;
an older debt is on the unit's "Việc cần làm", not in its mailbox). The office's button
sends "manual-<date>": at most one a day per unit and period.

Never twice: every reminder is a row with a unique (period, unit, key). It is inserted
in a savepoint before its notifications; when another run (a second timer, another app
server, a double click) inserted it first, the insert fails and this one sends nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import and_, or_
from sqlalchemy.exc import IntegrityError

from app.core.extensions import db
from app.notifications import service
from app.notifications.models import Reminder
from app.reports.models import Report, ReportingPeriod
from app.reports.obligations import DEADLINE, owed
from app.units.models import Unit
from app.core.vietnamese import format_date
from app.core.vietnamese import today as vn_today

OVERDUE_WEEKS = 8


@dataclass(frozen=True)
class Owing:
    period: ReportingPeriod
    unit: Unit
    deadline: date


def owing(today: date, period_id: Optional[int] = None, since: Optional[date] = None
          ) -> list[Owing]:
    """Units listed for a period whose report is not sent (none, draft or returned), with
    their deadline: one statement."""
    stmt = (owed(ReportingPeriod, Unit, DEADLINE)
            .outerjoin(Report, and_(Report.period_id == ReportingPeriod.id,
                                    Report.unit_id == Unit.id))
            .where(Unit.archived_at.is_(None),
                   or_(Report.id.is_(None), Report.status.in_(("draft", "returned"))))
            .order_by(ReportingPeriod.id, Unit.sort_order, Unit.id))
    if period_id is not None:
        stmt = stmt.where(ReportingPeriod.id == period_id)
    if since is not None:
        stmt = stmt.where(DEADLINE >= since)
    return [Owing(p, u, d) for p, u, d in db.session.execute(stmt)]


def key_for(deadline: date, today: date, days_before: int) -> Optional[tuple[str, str]]:
    """(the reminder's key, the notification kind) due today, or None."""
    if today == deadline:
        return "due", "deadline_today"
    if deadline - timedelta(days=days_before) <= today < deadline:
        return f"before-{days_before}", "deadline_soon"
    if today > deadline:
        # d+1 … d+7 is week 1, d+8 … d+14 week 2
        week = ((today - deadline).days - 1) // 7 + 1
        if week <= OVERDUE_WEEKS:
            return f"overdue-{week}", "deadline_passed"
    return None


SENT, ALREADY, NOBODY = "sent", "already", "nobody"


def send(o: Owing, key: str, kind: str, today: date, actor=None) -> str:
    """This one reminder, unless it was sent already (by anyone, at any time): SENT, or
    ALREADY, or NOBODY when the unit has no active account to remind (nothing recorded, so
    it is reminded once someone is given an account)."""
    editors = service.unit_editors(o.unit.id)
    if not editors:
        return NOBODY
    try:
        with db.session.begin_nested():
            db.session.add(Reminder(period_id=o.period.id, unit_id=o.unit.id, key=key,
                                    sent_by_id=getattr(actor, "id", None)))
            db.session.flush()
    except IntegrityError:
        return ALREADY
    days = (o.deadline - today).days
    if days > 0:
        detail = f"Hạn nộp {format_date(o.deadline)}, còn {days} ngày."
    elif days == 0:
        detail = f"Hạn nộp là hôm nay, {format_date(o.deadline)}."
    else:
        detail = f"Hạn nộp {format_date(o.deadline)}, đã quá {-days} ngày."
    if kind == "deadline_soon" and days <= 0:
        kind = "deadline_today" if days == 0 else "deadline_passed"
    service.notify(editors, kind,
                   where=f"Báo cáo {o.period.label} · {o.unit.name}",
                   who=getattr(actor, "full_name", "") or "Phòng Văn hóa – Xã hội", detail=detail,
                   link=service.path_for("reports.report", slug=o.unit.slug,
                                         period_id=o.period.id), actor=actor)
    return SENT


def run(today: Optional[date] = None) -> int:
    """`flask remind`: every reminder due today; each committed on its own, so a run cut
    short keeps what it sent. Returns how many were sent."""
    today = today or vn_today()
    days_before = int(current_app.config.get("REMIND_DAYS_BEFORE") or 3)
    todo = owing(today, since=today - timedelta(weeks=OVERDUE_WEEKS))
    db.session.commit()
    sent = 0
    for o in todo:
        found = key_for(o.deadline, today, days_before)
        if found is None:
            continue
        if send(o, *found, today) == SENT:
            sent += 1
        db.session.commit()
    return sent


def remind_now(period: ReportingPeriod, actor, today: Optional[date] = None
               ) -> tuple[int, int, list[str]]:
    """The office's button: every unit still owing this period's report, at most once a
    day each. Returns (sent now, already reminded today, names of the units nobody could be
    reminded in: no account). The caller commits."""
    today = today or vn_today()
    sent = again = 0
    nobody = []
    for o in owing(today, period_id=period.id):
        kind = "deadline_passed" if today > o.deadline else (
            "deadline_today" if today == o.deadline else "deadline_soon")
        outcome = send(o, f"manual-{today.isoformat()}", kind, today, actor=actor)
        if outcome == SENT:
            sent += 1
        elif outcome == ALREADY:
            again += 1
        else:
            nobody.append(o.unit.name)
    return sent, again, nobody
