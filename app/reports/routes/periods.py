"""Reporting periods, the secretariat's: the year's calendar generated, an ad-hoc request
added, a period's dates, deadlines and units edited."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from app.core.editing import save
from app.core.errors import Refused
from app.core.extensions import db
from app.core.policy import requires
from app.reports import bp, queries, services
from app.core.locking import StaleEdit
from app.reports import calendar_setting, obligations
from app.reports.calendar import DEFAULT_REPORTS, periods_a_year
from app.reports.forms import EmptyForm, PeriodForm, calendar_form_class, period_form_class
from app.reports.models import PERIOD_KINDS, PeriodDeadline, ReportingPeriod, period_unit
from app.reports.routes._common import year_asked
from app.units.models import UNIT_KINDS
from app.core.vietnamese import today as vn_today

@bp.get("/reports/periods")
@requires("period.manage")
def periods():
    year = year_asked()
    rows = queries.periods_of(year)
    listed = dict(db.session.execute(
        select(period_unit.c.period_id, func.count()).join(
            ReportingPeriod, ReportingPeriod.id == period_unit.c.period_id)
        .where(ReportingPeriod.year == year).group_by(period_unit.c.period_id)).all())
    deadlines = {}
    for pid, kind, d in db.session.execute(
            obligations.KIND_DEADLINES
            .join(ReportingPeriod, ReportingPeriod.id == PeriodDeadline.period_id)
            .where(ReportingPeriod.year == year)):
        deadlines.setdefault(pid, {}).setdefault(d, []).append(kind)
    # per period: (date, kinds of unit due that day), earliest first — the office's view;
    # each unit sees only its own kind's
    order = list(UNIT_KINDS)
    deadlines = {pid: [(d, sorted(ks, key=order.index)) for d, ks in sorted(by_date.items())]
                 for pid, by_date in deadlines.items()}
    return render_template("reports/periods.html", year=year, periods=rows, listed=listed,
                           deadlines=deadlines, generate_form=EmptyForm(), kinds=PERIOD_KINDS,
                           unit_kinds=UNIT_KINDS)


# the kinds of unit in the order of UNIT_KINDS that report at all (the commune compiles)
_REPORTING = [(k, label) for k, label in UNIT_KINDS.items() if k in DEFAULT_REPORTS]


def _calendar_page(form, units, status=200, message=None):
    counts = {}
    for u in units:
        counts[u.kind] = counts.get(u.kind, 0) + 1
    return render_template("reports/calendar.html", form=form, counts=counts,
                           kinds=_REPORTING, message=message,
                           per_year={k: periods_a_year(form[f"k_{k}"].data or ())
                                     for k, _label in _REPORTING}), status


def _stored_form(Form):
    """The form filled with the setting as stored now."""
    reports, version = calendar_setting.current()
    return Form(formdata=None, data={"version": "" if version is None else str(version),
                                     **{f"k_{k}": list(reports[k]) for k, _label in _REPORTING}})


@bp.route("/reports/periods/calendar", methods=["GET", "POST"])
@requires("period.manage")
def calendar():
    """Which kinds of period each kind of unit reports: the office's setting."""
    units = services.reporting_units()
    Form = calendar_form_class(_REPORTING, list(PERIOD_KINDS.items()))
    if request.method == "GET":
        return _calendar_page(_stored_form(Form), units)
    form = Form()
    if not form.validate():
        return _calendar_page(form, units, 400, _("Trang đã hết hạn; vui lòng tải lại rồi lưu."))
    wanted = {k: tuple(form[f"k_{k}"].data or ()) for k, _label in _REPORTING}

    def change():
        saved = calendar_setting.save(wanted, form.version.data)
        return saved, calendar_setting.apply(vn_today(), units) if saved else 0
    try:  # (two first saves at once: the other's row is there, a duplicate key)
        saved, changed = save(change, message=calendar_setting.STALE).result
    except StaleEdit as stale:
        return _calendar_page(_stored_form(Form), units, 409, stale.message)
    if not saved:
        flash(_("Lịch báo cáo không thay đổi."), "info")
    elif changed:
        flash(_("Đã lưu lịch báo cáo; %(n)s kỳ chưa kết thúc đã được cập nhật theo lịch mới.",
                n=changed), "success")
    else:
        flash(_("Đã lưu lịch báo cáo."), "success")
    return redirect(url_for("reports.calendar"), 303)


@bp.post("/reports/periods/generate")
@requires("period.manage")
def generate():
    year = request.form.get("year", type=int)
    if year is None or not 2000 <= year <= 2100:
        raise Refused(status=400)
    n = save(lambda: services.generate_year(year)).result
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
    form.units.choices = [SelectChoice(u.id, u.short_name or u.name) for u in units]


@bp.route("/reports/periods/new", methods=["GET", "POST"])
@requires("period.manage")
def new_period():
    units = services.reporting_units()
    form = PeriodForm()
    _unit_choices(form, units)
    if request.method == "GET":
        # ticked to start with: the units whose kind answers the office's requests
        reports, _version = calendar_setting.current()
        form.units.data = [u.id for u in units if "adhoc" in reports.get(u.kind, ())]
        return _period_page(form, units)
    valid = form.validate()  # (it resets every field's errors: the subject's is added after)
    if not (form.subject.data or "").strip():
        form.subject.errors = [*form.subject.errors, _("Vui lòng nhập nội dung yêu cầu báo cáo.")]
        valid = False
    if not valid:
        return _period_page(form, units, status=422,
                            message=_("Vui lòng kiểm tra lại các ô được đánh dấu."))
    values = _period_values(form, [])
    try:
        saved = save(lambda: services.create_adhoc(
            values["ends_on"].year, values["subject"], values["starts_on"], values["ends_on"],
            values["deadline"], values["unit_ids"] & {u.id for u in units}),
            token=form.token.data,
            message=_("Có người vừa tạo yêu cầu khác cùng lúc; vui lòng bấm tạo lại."))
    except Refused as e:
        e.apply_to(form)
        return _period_page(form, units, status=e.status, message=e.message)
    if saved.again:
        flash(_("Yêu cầu báo cáo này đã được tạo."), "success")
        return redirect(url_for("reports.periods", year=values["ends_on"].year), 303)
    flash(_("Đã tạo yêu cầu báo cáo đột xuất."), "success")
    return redirect(url_for("reports.periods", year=saved.record.year))


@bp.route("/reports/periods/<int:period_id>", methods=["GET", "POST"])
@requires("period.manage")
def edit_period(period_id):
    period = queries.period_or_404(period_id)
    units = services.reporting_units()
    # a deadline box for each kind of unit that reports this period, and for no other
    listed = services.listed_units(period)
    by_kind = services.deadlines_by_kind(period)
    kinds = [(k, label) for k, label in UNIT_KINDS.items()
             if k in by_kind or any(u.kind == k and u.id in listed for u in units)]
    Form = period_form_class(kinds)
    if request.method == "GET":
        data = {"version": str(period.version), "subject": period.subject,
                "starts_on": period.starts_on, "ends_on": period.ends_on,
                "deadline": period.deadline, "units": sorted(listed),
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
    try:  # a lost race, or a version read before someone's save, among the refusals
        save(lambda: services.update_period(period, form.version.data, **values),
             message=_("Kỳ báo cáo vừa được người khác sửa. Vui lòng tải lại."))
    except Refused as e:
        e.apply_to(form)
        return _period_page(form, units, queries.period_or_404(period_id), e.status, e.message)
    flash(_("Đã lưu kỳ báo cáo."), "success")
    return redirect(url_for("reports.periods", year=period.year))
