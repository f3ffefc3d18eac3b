"""The demo's reports (demo mode only, issue 18): the year's calendar and, for every period
that has ended by the demo's day, the reports a commune would have by then — accepted
figures that put some targets on track, some at risk and some off track; a few units late
in the latest period; one report sent back with its reason; one figure the checks flag,
sent and awaiting the office's check. Written straight to the tables (a few hundred rows,
×10 for the budget tests), dated as if sent on those days; the audit log says when the demo
was made."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_login import login_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit.service import record
from app.auth.models import User
from app.comments.models import Comment
from app.core.extensions import db
from app.demo_cast import BINH_LU, Cast
from app.notifications import service as notices
from app.plans.models import Indicator, IndicatorValue
from app.plans.progress import FLOWS, Figure, year_share
from app.plans import assignments
from app.plans.assignments import target_of
from app.plans.queries import commune_plan
from app.reports import checks, obligations, services
from app.reports import figures as fig
from app.reports.calendar import deadline_for, year_calendar
from app.reports.models import (Report, ReportEvent, ReportingPeriod,
                                ReportValue, period_unit)
from app.core.vietnamese import VN_TZ

# How each target's figures run (the rest keep pace): a demo shows every status. Vocational
# training (III.2-09, the villages' parts add up to it) lags all year, so the villages and
# unions that share it are scored on a figure at risk.
AT_RISK = ("III.2-01", "III.2-06", "III.3-08", "III.2-09")
OFF_TRACK = ("III.2-05", "III.3-06", "III.3-01")
PACE = {"on": Decimal("1.04"), "risk": Decimal("0.95"), "off": Decimal("0.80")}
LATE = ("ban-mau-04", "ban-mau-06", "hoi-cuu-chien-binh")   # nothing sent for the latest period
# Villages that send some reports after the deadline (two days late): a period → late?
# Bản mẫu 04 every third period, Bản mẫu 06 every other month, Bản mẫu 05 May's only.
SENDS_LATE = {
    "ban-mau-04": lambda p: p.number % 3 == 0,
    "ban-mau-06": lambda p: p.kind == "month" and p.number % 2 == 0,
    "ban-mau-05": lambda p: p.kind == "month" and p.number == 5,
}
# Each village's own part of a target the villages share, against an even share: larger
# villages report more, and the six still add up to the commune's figure.
VILLAGE_SIZE = {"ban-mau-01": Decimal("1.12"), "ban-mau-02": Decimal("1.06"),
                "ban-mau-03": Decimal("1.02"), "ban-mau-04": Decimal("0.94"),
                "ban-mau-05": Decimal("1.00"), "ban-mau-06": Decimal("0.86")}
RETURNED = "ban-mau-02"
FLAGGED = "phong-kinh-te"
RETURN_REASON = ("Số lao động được giải quyết việc làm chưa khớp với danh sách của Phòng Văn "
                 "hóa – Xã hội. Đề nghị bản kiểm tra lại và gửi lại báo cáo.")
RESULTS = "Đơn vị đã triển khai các nhiệm vụ của kỳ theo kế hoạch thi đua; số liệu kèm theo."
FLAG_EXPLANATION = "Đã đối chiếu với sổ theo dõi của phòng; đề nghị Văn phòng xem lại."


def _at(d: date, hour: int = 9) -> datetime:
    """A Vietnamese day and hour as the stored UTC instant."""
    return datetime.combine(d, time(hour), VN_TZ).astimezone(timezone.utc).replace(tzinfo=None)


# Bình Lư's: indicator code → how its figures run ("on" when absent)
LAGGING = {**{c: "off" for c in OFF_TRACK}, **{c: "risk" for c in AT_RISK}}


def _pace(code: str, lagging) -> Decimal:
    return PACE[lagging.get(code, "on")]


def _round(ind: Indicator, value: Decimal) -> Decimal:
    places = ind.target_places or 0
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _level(ind: Indicator, end: date, share: int, size: Decimal = Decimal(1),
           lagging=LAGGING) -> Decimal:
    """A level at a period's end: near the target by its pace, drifting a little over the year."""
    t, code, m = ind.target, ind.code, Decimal(end.month)
    kind = lagging.get(code, "on")
    if ind.semantics == "yes_no":
        return Decimal(0 if kind == "off" else 1)
    if ind.semantics == "count_of_total":
        return t - {"off": 2, "risk": 1, "on": 0}[kind]
    if ind.semantics == "at_most":
        return _round(ind, t * {"on": Decimal("0.97"), "risk": Decimal("1.06"),
                                "off": Decimal("1.25")}[kind])
    if ind.semantics == "reduce_by" and ind.baseline is not None:
        # the rate itself, falling from its baseline by the target over the year, at its pace
        return _round(ind, ind.baseline - t * m / 12 * PACE[kind])
    if ind.semantics == "reduce_by":  # the rate itself, falling over the year
        return _round(ind, Decimal("8.5") - Decimal("0.1") * m)
    factor = {"on": Decimal("1") + Decimal("0.002") * m, "risk": Decimal("0.93") + Decimal("0.002") * m,
              "off": Decimal("0.78") + Decimal("0.004") * m}[kind]
    value = t * factor / share * size
    _low, high = checks.bounds(ind)
    return _round(ind, min(value, high) if high is not None else value)


def _flow(ind: Indicator, period: ReportingPeriod, share: int, year: int,
          size: Decimal = Decimal(1), lagging=LAGGING) -> Decimal:
    """A flow's amount for the period: the difference of a paced year-to-date, rounded, so
    months add up to their quarter and the year keeps its pace."""
    def ytd(d: date) -> Decimal:
        return _round(ind, ind.target * year_share(d, year) * _pace(ind.code, lagging) / share
                      * size)
    return ytd(period.ends_on) - ytd(period.starts_on - timedelta(days=1))


def _asked(indicators) -> dict[int, list[tuple[Indicator, int]]]:
    """unit id → [(indicator, how many parts make its figure)] of what each unit reports: a
    part of a sum is the target shared out; the lead's commune figure, or a level, is whole."""
    out: dict[int, list] = {}
    for ind in indicators:
        roles = assignments.roles(ind)
        shared = assignments.rule(ind) in ("sum", "checked")
        parts = sum(1 for r in roles.values() if r == assignments.PART) if shared else 1
        for uid, role in roles.items():
            out.setdefault(uid, []).append((ind, parts if role == assignments.PART else 1))
    return out


class _Story:
    def __init__(self, year: int, today: date, office: User, cast: Cast = BINH_LU):
        self.year, self.today, self.office, self.cast = year, today, office, cast
        self.lagging = LAGGING if cast.lagging is None else cast.lagging
        self.accepted: dict[int, list[Figure]] = {}
        self.reports = 0

    def values(self, unit_id, period, asked, size=Decimal(1)) -> dict[Indicator, Decimal]:
        """The unit's figures for the period; `size` scales a part of a shared target."""
        if period.kind == "adhoc":
            return {}
        return {ind: (_flow(ind, period, share, self.year, size if share > 1 else Decimal(1),
                            self.lagging)
                      if ind.semantics in FLOWS
                      else _level(ind, period.ends_on, share, size if share > 1 else Decimal(1),
                                  self.lagging))
                for ind, share in asked}

    def report(self, unit_id, period, status, values, sent: date, flags=None) -> Report:
        flags = flags or {}
        r = Report(unit_id=unit_id, period_id=period.id, status=status, results=RESULTS,
                   good_models="", difficulties="", proposals="", next_tasks="",
                   figures_draft=fig.dump_draft({ind.id: {"v": fig.draft_text(ind, v),
                                                          "e": FLAG_EXPLANATION if ind in flags else ""}
                                                 for ind, v in values.items()}),
                   submitted_at=_at(sent), created_at=_at(sent, 8), updated_at=_at(sent))
        db.session.add(r)
        db.session.flush()
        snap = {"status": "submitted", "results": RESULTS,
                "figures": [{"code": ind.code, "value": fig.show(v),
                             "explanation": FLAG_EXPLANATION if ind in flags else ""}
                            for ind, v in values.items()]}
        db.session.add(ReportEvent(report_id=r.id, action="submit", at=_at(sent),
                                   snapshot=json.dumps(snap, ensure_ascii=False)))
        for ind, v in values.items():
            db.session.add(ReportValue(report_id=r.id, indicator_id=ind.id, value=v,
                                       explanation=FLAG_EXPLANATION if ind in flags else "",
                                       flags=checks.dump(flags.get(ind, []))))
        if status == "accepted":
            seen = min(sent + timedelta(days=1), self.today - timedelta(days=1))
            r.reviewed_at, r.reviewed_by_id = _at(max(seen, sent), 15), self.office.id
            db.session.add(ReportEvent(report_id=r.id, action="accept", at=r.reviewed_at,
                                       user_id=self.office.id))
            for ind, v in values.items():
                db.session.add(IndicatorValue(indicator_id=ind.id, period_id=period.id,
                                              unit_id=unit_id, value=v, report_id=r.id,
                                              accepted_by_id=self.office.id,
                                              accepted_at=r.reviewed_at))
                self.accepted.setdefault(ind.id, []).append(
                    Figure(period.kind, period.ends_on, unit_id, v, period.starts_on))
        self.reports += 1
        return r

    def flagged(self, unit_id, period, values):
        """The one figure the checks flag: a year-to-date typed for a month's amount, or a
        rate typed without its decimal comma; {indicator: flags} of the first that is."""
        for ind in values:
            ctx = checks.context(self.accepted.get(ind.id, ()), period, unit_id)
            for wrong in ((ctx.before + values[ind]) if ind.semantics in FLOWS else None,
                          values[ind] * 100 if ind.unit_of_measure == "%" else None):
                if wrong is None:
                    continue
                found = checks.check(ind, target_of(ind), wrong, ctx)
                if found:
                    values[ind] = wrong
                    return {ind: found}
        return {}

    def send_back(self, report: Report) -> None:
        """The office returns the report, as the return button does, dated yesterday."""
        when = _at(max(self.today - timedelta(days=1), report.submitted_at.date()), 16)
        reason = self.cast.say(RETURN_REASON)
        comment = Comment(subject_type="report", subject_id=report.id, unit_id=report.unit_id,
                          author_id=self.office.id, kind="return", body=reason,
                          created_at=when)
        db.session.add(comment)
        report.status, report.reviewed_at, report.reviewed_by_id = "returned", when, self.office.id
        db.session.flush()
        db.session.add(ReportEvent(report_id=report.id, action="return", at=when,
                                   user_id=self.office.id, comment_id=comment.id))
        with current_app.test_request_context():  # the notice's link is built for a page
            login_user(self.office)
            notices.report_returned(report, reason, self.office)


def load_reports(year: int, today: date, cast: Cast = BINH_LU) -> int:
    """The demo's calendar and reports as of `today`, played by the commune's cast
    (app/demo_cast.py); 0 (nothing done) when reports exist or there is no plan. Returns
    the reports written."""
    plan = commune_plan(year)
    if plan is None or db.session.scalar(select(Report.id).limit(1)):
        return 0
    if not any(spec.ends_on < today for spec in year_calendar(year)):
        return 0  # nothing has ended yet: no report to tell of (`flask calendar` makes the year)
    office = db.session.scalar(select(User).where(User.username == cast.username("vhxh")))
    services.generate_year(year)
    units = {u.id: u for u in services.reporting_units()}
    asked = _asked(db.session.scalars(select(Indicator).where(Indicator.plan_id == plan.id)
                                      .options(selectinload(Indicator.reporters))
                                      .order_by(Indicator.sort_order)))
    periods = list(db.session.scalars(select(ReportingPeriod).where(
        ReportingPeriod.year == year, ReportingPeriod.ends_on < today)
        .order_by(ReportingPeriod.ends_on, ReportingPeriod.id)))
    kinds = {}
    for pid, kind, d in db.session.execute(obligations.KIND_DEADLINES):
        kinds.setdefault(pid, {})[kind] = d
    listed = {}
    for pid, uid in db.session.execute(select(period_unit.c.period_id, period_unit.c.unit_id)):
        listed.setdefault(pid, []).append(uid)
    latest = {}  # unit → the end of its latest ended period
    for p in periods:
        for uid in listed.get(p.id, ()):
            latest[uid] = p.ends_on
    story = _Story(year, today, office, cast)
    late_ones = {cast.slug(s) for s in LATE}
    sends_late = {cast.slug(s): when for s, when in SENDS_LATE.items()}
    sizes = {cast.slug(s): size for s, size in VILLAGE_SIZE.items()}
    returned, flagged = cast.slug(RETURNED), cast.slug(FLAGGED)
    done_special = set()
    for p in periods:
        for uid in sorted(listed.get(p.id, ()), key=lambda i: (units[i].sort_order, i)):
            unit = units.get(uid)
            if unit is None:
                continue
            deadline = deadline_for(unit.kind, p.deadline, kinds.get(p.id, {}))
            values = story.values(uid, p, asked.get(uid, ()), sizes.get(unit.slug, Decimal(1)))
            if p.ends_on == latest.get(uid) and unit.slug in late_ones:
                continue  # late, or not sent yet
            first_day = p.ends_on + timedelta(days=1)
            if first_day >= today:
                continue  # ended yesterday: nobody has sent it yet
            if p.ends_on == latest.get(uid) and unit.slug in (returned, flagged) \
                    and unit.slug not in done_special:
                done_special.add(unit.slug)
                flags = story.flagged(uid, p, values) if unit.slug == flagged else {}
                r = story.report(uid, p, "submitted", values, first_day, flags)
                if unit.slug == returned:
                    story.send_back(r)
                continue
            # on time, a day or two ahead of the deadline; a few villages now and then late
            late = sends_late.get(unit.slug, lambda _p: False)(p)
            sent = deadline + timedelta(days=2) if late else deadline - timedelta(days=uid % 3)
            sent = max(first_day, min(sent, today - timedelta(days=1)))
            status = "accepted" if deadline < today else "submitted"
            story.report(uid, p, status, values, sent)
    db.session.flush()
    record("demo.reports", "report", None, after={"today": today.isoformat(),
                                                  "reports": story.reports})
    return story.reports
