"""The office's page "Kiểm tra số liệu" (issue 16): every figure of the year the checks
flagged, by unit and indicator, with what is still open — the office's confirmation, or
the unit's correction after a return."""
from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.extensions import db
from app.plans.models import Indicator
from app.core.policy import requires
from app.reports import bp, checks
from app.reports import figures as fig
from app.reports.models import Report, ReportingPeriod, ReportValue
from app.reports.routes._common import year_asked
from app.units.models import Unit

STATES = {"submitted": "open", "accepted": "confirmed"}


@bp.get("/reports/checks")
@requires("figures.check")
def figure_checks():
    year = year_asked()
    rows = db.session.execute(
        select(ReportValue, Report, ReportingPeriod, Unit, Indicator)
        .join(Report, Report.id == ReportValue.report_id)
        .join(ReportingPeriod, ReportingPeriod.id == Report.period_id)
        .join(Unit, Unit.id == Report.unit_id)
        .join(Indicator, Indicator.id == ReportValue.indicator_id)
        .where(ReportingPeriod.year == year, ReportValue.flags != "")
        .options(joinedload(ReportValue.confirmed_by))
        .order_by(Unit.sort_order, Unit.id, Indicator.sort_order, ReportingPeriod.ends_on)).all()
    items = [{"value": rv, "report": r, "period": p, "unit": u, "ind": i,
              "flags": [f.message(_) for f in checks.load(rv.flags)],
              "state": STATES.get(r.status, "unit")} for rv, r, p, u, i in rows]
    return render_template("reports/checks.html", year=year, items=items,
                           still_open=sum(1 for it in items if it["state"] != "confirmed"),
                           show_figure=fig.show_figure)
