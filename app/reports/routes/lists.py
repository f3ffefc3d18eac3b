"""Reports in lists: a person's own and those waiting for review, who has reported what
(the completeness table), and every accepted figure as a spreadsheet."""
from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.core.errors import Refused
from app.core.extensions import db
from app.core.params import query_int
from app.plans.models import Indicator, IndicatorValue
from app.core.policy import can, requires
from app.reports import bp, queries, xlsx
from app.reports.completeness import STATE_LABELS
from app.reports.models import PERIOD_KINDS, Report, ReportingPeriod
from app.reports.routes._common import XLSX, year_asked
from app.units.models import Unit
from app.core.vietnamese import today as vn_today


@bp.get("/reports")
@requires("plan.view")
def index():
    year = year_asked()
    unit = current_user.unit
    mine = queries.unit_reports(unit, year) if unit is not None and can(
        current_user, "report.view", unit.id) else []
    waiting = []
    if can(current_user, "report.review"):
        waiting = db.session.execute(
            select(Report, Unit, ReportingPeriod).join(Unit, Unit.id == Report.unit_id)
            .join(ReportingPeriod, ReportingPeriod.id == Report.period_id)
            .where(Report.status == "submitted")
            .order_by(Report.submitted_at)).all()
    return render_template("reports/index.html", year=year, unit=unit, mine=mine,
                           waiting=waiting, years=queries.years())


def _current_period(periods, today):
    """The period whose reports are being chased now: the latest that has closed."""
    closed = [p for p in periods if p.ends_on < today]
    return closed[-1] if closed else (periods[0] if periods else None)


RECENT = 4  # the period being chased, the two before it and the next


def _columns(periods, chase, everything):
    """The periods the table shows: by default those around the one being chased (a commune
    ×10 has thousands of cells a year, and a cheap phone lays out every one); the whole year
    on asking, and for one unit."""
    if everything or chase is None or len(periods) <= RECENT:
        return periods
    at = periods.index(chase)
    start = max(0, min(at - RECENT + 2, len(periods) - RECENT))
    return periods[start:start + RECENT]


@bp.get("/reports/completeness")
@requires("plan.view")
def completeness():
    year = year_asked()
    kind = request.args.get("kind") or "month"
    if kind not in PERIOD_KINDS:
        raise Refused(_("Loại kỳ báo cáo không hợp lệ."), 400)
    today = vn_today()
    periods = queries.periods_of(year, kind)
    m = queries.matrix(periods, today)
    # ?unit=: one unit's row with every period, what a phone opens from the unit's counts
    one = request.args.get("unit")
    units = m.units if not one else [u for u in m.units if u.slug == one]
    if one and not units:
        raise Refused(_("Không có đơn vị này trong bảng theo dõi."), 404)
    chosen = query_int("period")
    chase = next((p for p in periods if p.id == chosen), None) or _current_period(periods, today)
    whole_year = request.args.get("all")
    if whole_year not in (None, "1"):
        raise Refused(_("Tham số “all” chỉ nhận giá trị 1 (xem cả năm)."), 400)
    return render_template("reports/completeness.html", year=year, kind=kind, kinds=PERIOD_KINDS,
                           periods=periods, columns=_columns(periods, chase, one or whole_year),
                           m=m, units=units, one=one, today=today, chase=chase,
                           to_chase=m.to_chase(chase.id) if chase else [],
                           state_labels=STATE_LABELS)


@bp.get("/reports/figures.xlsx")
@requires("indicator.export")
def figures_xlsx():
    year = year_asked()
    plan = queries.commune_plan(year)
    if plan is None:
        raise Refused(_("Chưa có kế hoạch năm %(year)s: chưa có số liệu để tải về.", year=year), 404)
    indicators = {i.id: i for i in db.session.scalars(
        select(Indicator).where(Indicator.plan_id == plan.id))}
    periods = queries.periods_of(year)
    values = list(db.session.scalars(
        select(IndicatorValue)
        .join(ReportingPeriod, ReportingPeriod.id == IndicatorValue.period_id)
        .where(ReportingPeriod.year == year, IndicatorValue.indicator_id.in_(list(indicators)))))
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    data = xlsx.figures_workbook(year, indicators, periods, values, units)
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="so-lieu-chi-tieu-{year}.xlsx"'})
