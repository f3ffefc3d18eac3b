"""The commune's report for a period: compiled from the accepted unit reports, edited by the
secretariat, downloaded as a Decree 30 .docx."""
from typing import Optional

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.core.answers import moved
from app.core.editing import save, version_of
from app.core.forms_flow import form_flow, stored_of
from app.core.extensions import db
from app.core.locking import StaleEdit
from app.plans import queries as plan_queries
from app.core.policy import can, requires
from app.core.vietnamese import today as vn_today
from app.reports import bp, commune, queries
from app.reports.forms import CommuneReportForm, CompileForm, EmptyForm
from app.reports.models import REPORT_SECTIONS, CommuneReport, period_unit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _commune_report(period_id) -> Optional[CommuneReport]:
    return db.session.scalar(select(CommuneReport).where(CommuneReport.period_id == period_id))


def _commune_page(period, cr, form=None, status=200, message=None):
    accepted = commune.accepted_reports(period.id)
    expected = db.session.scalar(select(func.count()).select_from(period_unit)
                                 .where(period_unit.c.period_id == period.id))
    editing = can(current_user, "commune_report.edit")
    if editing and cr is not None and form is None:
        form = CommuneReportForm(formdata=None, obj=cr, version=str(cr.version))
    return render_template("reports/commune.html", period=period, cr=cr, form=form,
                           editing=editing, accepted=accepted, expected=expected,
                           compile_form=EmptyForm(), message=message,
                           sections=REPORT_SECTIONS,
                           # a period not yet ended is read to today, never to a day to come
                           figures_until=min(period.ends_on, vn_today())), status


@bp.get("/reports/commune/<int:period_id>")
@requires("overview.view")
def commune_report(period_id):
    period = queries.period_or_404(period_id)
    return _commune_page(period, _commune_report(period_id))


@bp.post("/reports/commune/<int:period_id>/compile")
@requires("commune_report.edit")
def compile_commune(period_id):
    """Nothing typed here to keep: a refusal (nothing accepted yet) is answered by the
    app's handler; someone compiling or editing first, by the page as stored now."""
    period = queries.period_or_404(period_id)
    cr = _commune_report(period_id)
    version = version_of(CompileForm(), required=False)
    try:
        save(lambda: commune.compile_report(period, queries.commune_plan(period.year), cr,
                                            version),
             message=_("Báo cáo của xã vừa được người khác tổng hợp. Vui lòng xem lại."))
    except StaleEdit as stale:
        return _commune_page(period, _commune_report(period_id), status=409,
                             message=stale.message)
    flash(_("Đã tổng hợp báo cáo của xã từ các báo cáo đã duyệt. Hãy biên tập rồi tải về."),
          "success")
    return redirect(url_for("reports.commune_report", period_id=period_id))


@bp.post("/reports/commune/<int:period_id>")
@requires("commune_report.edit")
def save_commune(period_id):
    period = queries.period_or_404(period_id)
    cr = _commune_report(period_id) or abort(404)
    form = CommuneReportForm()
    return form_flow(form, catch=StaleEdit, store=lambda: save(
        lambda: commune.edit_report(cr, {name: form[name].data for name in commune.EDITED}),
        record=cr, form=form, message=_(
            "Báo cáo của xã vừa được người khác sửa. Nội dung bạn nhập vẫn còn dưới đây; bấm "
            "Lưu lần nữa để ghi đè, hoặc tải lại trang để xem bản kia.")),
        done=lambda _saved: moved(url_for("reports.commune_report", period_id=period_id),
                                  _("Đã lưu báo cáo của xã."), 302),
        shown=lambda status, stale: _commune_page(
            period, stored_of(stale) or cr, form, status,
            stale.message if stale else _("Vui lòng kiểm tra lại các ô được đánh dấu.")))


@bp.get("/reports/commune/<int:period_id>/report.docx")
@requires("overview.view")
def commune_docx(period_id):
    period = queries.period_or_404(period_id)
    cr = _commune_report(period_id)
    if cr is None:
        abort(404)
    plan = queries.commune_plan(period.year)
    if plan is None:
        abort(404)
    indicators = plan_queries.indicators_of(plan)
    figures = queries.accepted_figures([i.id for i in indicators], period.year,
                                       until=period.ends_on)
    rows = commune.indicator_rows(indicators, figures, period.year, plan_queries.doubtful(plan),
                                  period)
    data = commune.document(cr, period, plan.unit.name, rows)
    return Response(data, mimetype=DOCX, headers={
        "Content-Disposition": f'attachment; filename="{commune.filename(cr, period)}"'})
