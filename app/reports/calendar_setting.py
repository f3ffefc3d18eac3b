"""The office's reporting calendar (issue 18): which kinds of period each kind of unit
reports. Kept as one row of the office's settings table (emulation_setting, key
"report_calendar", JSON): no row means the defaults of app/reports/calendar.py. Saving it
applies it to the periods that have not ended yet; those that have ended stay as they were."""
from __future__ import annotations

import json
from datetime import date
from typing import Optional

from sqlalchemy import delete, insert, select

from app.audit.service import record
from app.core import settings
from app.core.extensions import db
from app.core.locking import StaleEdit
from app.notifications.models import Reminder
from app.reports import obligations
from app.reports.calendar import REPORT_KINDS, default_deadlines, reports_of
from app.reports.models import (CommuneReport, PeriodDeadline, Report, ReportingPeriod,
                                period_unit)
from app.core.vietnamese import _l

KEY = "report_calendar"
STALE = _l("Lịch báo cáo vừa được người khác thay đổi. Cài đặt đang lưu hiện ở dưới; hãy xem "
           "lại rồi lưu.")


def current() -> tuple[dict[str, tuple[str, ...]], Optional[int]]:
    """(the setting in force, the stored row's version or None): one statement."""
    row = settings.stored(KEY).get(KEY)
    if row is None:
        return reports_of(None), None
    value, version = row
    try:
        stored = json.loads(value or "{}")
    except ValueError:
        stored = None  # an unreadable value is no rule: the defaults stand
    return reports_of(stored), version


def save(wanted: dict[str, tuple[str, ...]], version: Optional[int]) -> bool:
    """Store the setting read at `version` (None: no row then); StaleEdit when someone
    saved since — unless what is stored is already what is sent (a retry)."""
    before, stored_version = current()
    after = {**before, **{k: tuple(x for x in REPORT_KINDS if x in v) for k, v in wanted.items()
                          if k in before}}
    if after == before:
        return False
    if stored_version != version:
        raise StaleEdit(STALE)
    value = json.dumps({k: list(v) for k, v in after.items()}, ensure_ascii=False)
    settings.put(KEY, value)
    db.session.flush()
    record("calendar.settings", "emulation_setting", None,
           before={k: list(v) for k, v in before.items() if v != after[k]},
           after={k: list(v) for k, v in after.items() if v != before[k]})
    return True


def apply(today: date, units) -> int:
    """Make the calendar periods that have not ended follow the setting: each lists the
    units whose kind reports it (a unit that already wrote a report stays listed), with a
    deadline for each of their kinds; one nobody reports any more and nobody wrote for goes.
    Returns how many periods changed."""
    reports, _version = current()
    periods = list(db.session.scalars(select(ReportingPeriod).where(
        ReportingPeriod.kind != "adhoc", ReportingPeriod.ends_on >= today)))
    if not periods:
        return 0
    ids = [p.id for p in periods]
    listed = {tuple(r) for r in db.session.execute(
        select(period_unit.c.period_id, period_unit.c.unit_id)
        .where(period_unit.c.period_id.in_(ids)))}
    wrote = {tuple(r) for r in db.session.execute(
        select(Report.period_id, Report.unit_id).where(Report.period_id.in_(ids)))}
    # a period something points to (the commune's compiled report, a reminder sent) is kept,
    # unlisted, rather than deleted
    pinned = set(db.session.scalars(select(CommuneReport.period_id).where(
        CommuneReport.period_id.in_(ids)).union(select(Reminder.period_id).where(
            Reminder.period_id.in_(ids)))))
    kinds_by_period = {}
    for pid, kind, _d in db.session.execute(
            obligations.KIND_DEADLINES.where(PeriodDeadline.period_id.in_(ids))):
        kinds_by_period.setdefault(pid, set()).add(kind)
    changed = []
    for p in periods:
        want = {u.id for u in units if p.kind in reports.get(u.kind, ())}
        want |= {uid for pid, uid in wrote if pid == p.id}
        have = {uid for pid, uid in listed if pid == p.id}
        if not want and p.id not in pinned:
            obligations.drop_deadlines(p.id)
            db.session.execute(delete(period_unit).where(period_unit.c.period_id == p.id))
            db.session.delete(p)
            changed.append(p.label)
            continue
        kinds = {u.kind for u in units if u.id in want}
        if want == have and kinds == kinds_by_period.get(p.id, set()):
            continue
        db.session.execute(delete(period_unit).where(period_unit.c.period_id == p.id))
        if want:
            db.session.execute(insert(period_unit), [{"period_id": p.id, "unit_id": uid}
                                                     for uid in sorted(want)])
        # a kind that starts reporting this period gets the default deadline; the others
        # keep what the office set
        _deadline, by_kind = default_deadlines(p.ends_on)
        old = kinds_by_period.get(p.id, set())
        obligations.drop_deadlines(p.id, keep_kinds=kinds)
        obligations.add_deadlines(p.id, {k: by_kind[k] for k in kinds - old if k in by_kind})
        changed.append(p.label)
    if changed:
        db.session.flush()
        record("period.follow_calendar", "reporting_period", None, after={"periods": changed})
    return len(changed)
