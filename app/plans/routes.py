import csv
import io

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.plans.indicator_figures import indicator_figures
from app.core.exports import neutralise
from app.core.extensions import db
from app.core.params import query_int
from app.plans import bp, queries
from app.plans import assignments
from app.plans.editing import target_history
from app.plans.models import Indicator, Plan, PlanSection
from app.plans.progress import share_of_total
from app.core.answers import answer
from app.core.editing import save
from app.core.errors import Refused
from app.core.policy import requires
from app.plans import settling
from app.plans.forms import SettleForm
from app.plans.models import SETTLE_CHOICES

CSV_COLUMNS = ("code", "area", "name", "unit", "semantics", "target", "baseline", "latest",
               "achievement_pct")


@bp.route("/plan")
@requires("plan.view")
def overview():
    plan = queries.requested_plan()
    areas = queries.areas_of(plan)
    indicators = queries.indicators_of(plan)
    progress = queries.progress_of(plan, indicators)
    by_area = {a.id: [i for i in indicators if i.area_id == a.id] for a in areas}
    sections = [s for s in plan.sections if isinstance(s, PlanSection)]
    return render_template("plans/overview.html", plan=plan, areas=areas, by_area=by_area,
                           progress=progress, sections=sections, years=queries.years(),
                           share_of_total=lambda ind: share_of_total(assignments.target_of(ind)))


# ---- one indicator, read-only: its target's history, figures and trend ----

@bp.route("/indicators/<int:indicator_id>")
@requires("plan.view", load=queries.indicator_page)
def indicator(ind, indicator_id):
    return _indicator_page(ind)


def _indicator_page(ind, status=200, message=None):
    plan = db.session.get(Plan, ind.plan_id)
    # the same indicator (by code) in every year, to switch year on this page
    years = db.session.execute(
        select(Plan.year, Indicator.id).join(Plan, Plan.id == Indicator.plan_id)
        .where(Indicator.code == ind.code, Plan.parent_id.is_(None))
        .order_by(Plan.year.desc())).all()
    # its accepted figures by period and by unit, and its trend (the dashboard's)
    figs = indicator_figures(ind, plan, query_int("unit"))
    figs.progress = queries.judged(ind, figs.progress, queries.doubtful(plan))
    return render_template("plans/indicator.html", ind=ind, plan=plan, years=years,
                           history=target_history(ind.id), figs=figs,
                           share=share_of_total(assignments.target_of(ind)),
                           counting=assignments.sentence(ind), message=message,
                           settlement=settling.settlement_of(ind, figs.progress),
                           settle_choices=SETTLE_CHOICES), status


# ---- the office settles a lead's figure its parts contradict (issue 28) ----

@bp.post("/indicators/<int:indicator_id>/settle")
@requires("report.review", load=queries.indicator_page)
def settle_figure(ind, indicator_id):
    plan = db.session.get(Plan, ind.plan_id)
    try:
        if not SettleForm().validate_on_submit():
            raise Refused(_("Phiên làm việc đã hết hạn. Vui lòng tải lại trang."), 422)
        as_of, lead, parts, choice = settling.read(request.form)
        save(lambda: settling.settle(ind, plan, as_of, lead, parts, choice, user=current_user))
    except Refused as refused:
        # the save rolled back: the page shows the figures and the choice as stored now
        return _indicator_page(ind, refused.status, refused.message)
    back = url_for("plans.indicator", indicator_id=ind.id) + "#figures"
    return answer("figures", lambda: _indicator_page(ind), back=back,
                  said=_("Đã lưu lựa chọn cho chỉ tiêu %(code)s: %(choice)s.", code=ind.code,
                         choice=_(SETTLE_CHOICES[choice]).lower()))


# ---- the indicators as CSV ----

def _plain(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


@bp.route("/indicators/export.csv")
@requires("indicator.export")
def export_csv():
    plan = queries.requested_plan()
    indicators = queries.indicator_rows(plan)
    areas = {a.id: a for a in queries.areas_of(plan)}
    progress = queries.progress_of(plan, indicators)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for ind in indicators:
        p = progress[ind.id]
        # numbers are written for machines here: a point as decimal mark, no grouping
        row = [ind.code, areas[ind.area_id].code, ind.name, ind.unit_of_measure, ind.semantics,
               _plain(ind.target), _plain(ind.baseline), _plain(p.current),
               _plain(p.achievement_pct)]
        writer.writerow([neutralise(c) if isinstance(c, str) and not _is_number(c) else c
                         for c in row])
    filename = f"chi-tieu-{plan.year}.csv"
    return Response("\ufeff" + buf.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _is_number(cell: str) -> bool:
    # our own plain numbers (e.g. "-1.2") are data, not formulas
    try:
        float(cell)
    except ValueError:
        return False
    return cell.strip() == cell and cell != ""


from app.plans import edit_routes  # noqa: E402,F401  editing the plan itself (issue 9)
from app.plans import assignment_routes  # noqa: E402,F401  who reports what (issue 28)
