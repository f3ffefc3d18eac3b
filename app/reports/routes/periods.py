"""Reporting periods, the secretariat's: the year's calendar generated, an ad-hoc request
added, a period's dates, deadlines and units edited."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import idempotency
from app.errors import Refused
from app.extensions import db
from app.policy import requires
from app.reports import bp, queries, services
from app.reports.forms import EmptyForm, PeriodForm, period_form_class
from app.reports.models import PERIOD_KINDS, ReportingPeriod, period_unit
from app.reports.routes._common import posted_version, year_asked
from app.units.models import UNIT_KINDS

@bp.get("/reports/periods")
@requires("period.manage")
def periods():
    year = year_asked()
    rows = queries.periods_of(year)
    listed = dict(db.session.execute(
        select(period_unit.c.period_id, func.count()).join(
            ReportingPeriod, ReportingPeriod.id == period_unit.c.period_id)
        .where(ReportingPeriod.year == year).group_by(period_unit.c.period_id)).all())
    return render_template("reports/periods.html", year=year, periods=rows, listed=listed,
                           generate_form=EmptyForm(), kinds=PERIOD_KINDS)


@bp.post("/reports/periods/generate")
@requires("period.manage")
def generate():
    year = request.form.get("year", type=int)
    if year is None or not 2000 <= year <= 2100:
        abort(400)
    n = services.generate_year(year)
    db.session.commit()
    if n:
        flash(_("Đã tạo %(n)s kỳ báo cáo của năm %(year)s.", n=n, year=year), "success")
    else:
        flash(_("Lịch báo cáo năm %(year)s đã đủ.", year=year), "info")
    return redirect(url_for("reports.periods", year=year))


def _kinds_present(units):
    present = {u.kind for u in units}
    return [(k, label) for k, label in UNIT_KINDS.items() if k in present]


def _period_page(form, units, period=None, status=200, message=None):
    return render_template("reports/period.html", form=form, period=period, units=units,
                           kinds=_kinds_present(units), message=message,
                           unit_kinds=UNIT_KINDS), status


def _period_values(form, kinds):
    by_kind = {k: form[f"deadline_{k}"].data for k, _label in kinds} if kinds else {}
    return dict(subject=form.subject.data or "", starts_on=form.starts_on.data,
                ends_on=form.ends_on.data, deadline=form.deadline.data, by_kind=by_kind,
                unit_ids=set(form.units.data or ()))


def _unit_choices(form, units):
    form.units.choices = [(u.id, u.short_name or u.name) for u in units]


@bp.route("/reports/periods/new", methods=["GET", "POST"])
@requires("period.manage")
def new_period():
    units = services.reporting_units()
    form = PeriodForm()
    _unit_choices(form, units)
    if request.method == "GET":
        return _period_page(form, units)
    valid = form.validate()  # (it resets every field's errors: the subject's is added after)
    if not (form.subject.data or "").strip():
        form.subject.errors = [*form.subject.errors, _("Vui lòng nhập nội dung yêu cầu báo cáo.")]
        valid = False
    if not valid:
        return _period_page(form, units, status=422,
                            message=_("Vui lòng kiểm tra lại các ô được đánh dấu."))
    values = _period_values(form, [])
    if not idempotency.claim(form.token.data):
        flash(_("Yêu cầu báo cáo này đã được tạo."), "success")
        return redirect(url_for("reports.periods", year=values["ends_on"].year), 303)
    try:
        period = services.create_adhoc(
            values["ends_on"].year, values["subject"], values["starts_on"], values["ends_on"],
            values["deadline"], values["unit_ids"] & {u.id for u in units})
        db.session.commit()
    except Refused as e:
        db.session.rollback()
        e.apply_to(form)
        return _period_page(form, units, status=e.status, message=e.message)
    except IntegrityError:
        db.session.rollback()
        return _period_page(form, units, status=409, message=_(
            "Có người vừa tạo yêu cầu khác cùng lúc; vui lòng bấm tạo lại."))
    flash(_("Đã tạo yêu cầu báo cáo đột xuất."), "success")
    return redirect(url_for("reports.periods", year=period.year))


@bp.route("/reports/periods/<int:period_id>", methods=["GET", "POST"])
@requires("period.manage")
def edit_period(period_id):
    period = queries.period_or_404(period_id)
    units = services.reporting_units()
    kinds = _kinds_present(units)
    Form = period_form_class(kinds)
    if request.method == "GET":
        by_kind = services.deadlines_by_kind(period)
        data = {"version": str(period.version), "subject": period.subject,
                "starts_on": period.starts_on, "ends_on": period.ends_on,
                "deadline": period.deadline, "units": sorted(services.listed_units(period)),
                **{f"deadline_{k}": by_kind.get(k) for k, _label in kinds}}
        form = Form(formdata=None, data=data)
        _unit_choices(form, units)
        return _period_page(form, units, period)
    form = Form()
    _unit_choices(form, units)
    if not form.validate():
        return _period_page(form, units, period, 422,
                            _("Vui lòng kiểm tra lại các ô được đánh dấu."))
    values = _period_values(form, kinds)
    values["unit_ids"] &= {u.id for u in units}
    try:
        services.update_period(period, posted_version(form.version.data), **values)
        db.session.commit()
    except Refused as e:
        db.session.rollback()
        e.apply_to(form)
        return _period_page(form, units, queries.period_or_404(period_id), e.status, e.message)
    except StaleDataError:
        db.session.rollback()
        return _period_page(form, units, queries.period_or_404(period_id), 409,
                            _("Kỳ báo cáo vừa được người khác sửa. Vui lòng tải lại."))
    flash(_("Đã lưu kỳ báo cáo."), "success")
    return redirect(url_for("reports.periods", year=period.year))
