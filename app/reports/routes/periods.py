"""Reporting periods, the secretariat's: the year's calendar generated, an ad-hoc request
added, a period's dates, deadlines and units edited."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.core.answers import moved
from app.core.editing import save
from app.core.forms_flow import form_flow
from app.core.errors import Refused
from app.core.policy import requires
from app.reports import bp, queries, services
from app.core.locking import StaleEdit
from app.reports import calendar_setting
from app.reports.calendar import DEFAULT_REPORTS, periods_a_year
from app.reports.forms import EmptyForm, PeriodForm, calendar_form_class, period_form_class
from app.reports.models import PERIOD_KINDS
from app.reports.routes._common import year_asked
from app.units.models import UNIT_KINDS
from app.core.vietnamese import today as vn_today

@bp.get("/reports/periods")
@requires("period.manage")
def periods():
    year = year_asked()
    return render_template("reports/periods.html", year=year, periods=queries.periods_of(year),
                           listed=queries.listed_counts(year),
                           deadlines=queries.deadlines_of_year(year), generate_form=EmptyForm(),
                           kinds=PERIOD_KINDS, unit_kinds=UNIT_KINDS)


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
    form = Form() if request.method == "POST" else _stored_form(Form)
    # (two first saves at once: the other's row is there, a duplicate key)
    return form_flow(form, invalid=400, catch=StaleEdit,
                     store=lambda: save(lambda: _save_calendar(form, units),
                                        message=calendar_setting.STALE).result,
                     done=lambda result: _calendar_saved(*result),
                     shown=lambda status, stale: _calendar_again(Form, form, units, status, stale))


def _save_calendar(form, units):
    wanted = {k: tuple(form[f"k_{k}"].data or ()) for k, _label in _REPORTING}
    saved = calendar_setting.save(wanted, form.version.data)
    return saved, calendar_setting.apply(vn_today(), units) if saved else 0


def _calendar_again(Form, form, units, status, stale):
    """The form; after a lost race, the setting as stored now with why."""
    if stale is not None:
        return _calendar_page(_stored_form(Form), units, status, stale.message)
    message = _("Trang đã hết hạn; vui lòng tải lại rồi lưu.") if status != 200 else None
    return _calendar_page(form, units, status, message)


def _calendar_saved(saved, changed):
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


def _period_values(form, kinds, units):
    """What a period's valid form asks for; only units that report can be listed."""
    by_kind = {k: form[f"deadline_{k}"].data for k, _label in kinds} if kinds else {}
    return dict(subject=form.subject.data or "", starts_on=form.starts_on.data,
                ends_on=form.ends_on.data, deadline=form.deadline.data, by_kind=by_kind,
                unit_ids=set(form.units.data or ()) & {u.id for u in units})


def _unit_choices(form, units):
    form.units.choices = [SelectChoice(u.id, u.short_name or u.name) for u in units]


def _period_again(form, units, period=None):
    """shown(status, refused) of a period's form: the page, with the refusal's message, or
    for input the form refuses the general one."""
    def shown(status, refused):
        message = refused.message if refused is not None else (
            _("Vui lòng kiểm tra lại các ô được đánh dấu.") if status != 200 else None)
        current = queries.period_or_404(period.id) if period and refused else period
        return _period_page(form, units, current, status, message)
    return shown


def _subject_given(form) -> bool:
    """An ad-hoc request says what it asks for (checked after the validators: they reset
    every field's errors)."""
    if (form.subject.data or "").strip():
        return True
    form.subject.errors = [*form.subject.errors, _("Vui lòng nhập nội dung yêu cầu báo cáo.")]
    return False


@bp.route("/reports/periods/new", methods=["GET", "POST"])
@requires("period.manage")
def new_period():
    units = services.reporting_units()
    form = PeriodForm()
    _unit_choices(form, units)
    if request.method == "GET":  # ticked: the units whose kind answers the office's requests
        form.units.data = services.adhoc_unit_ids(units)
    return form_flow(form, check=lambda: _subject_given(form),
                     values=lambda: _period_values(form, [], units),
                     store=lambda v: save(lambda: services.create_adhoc(
                         v["ends_on"].year, v["subject"], v["starts_on"], v["ends_on"],
                         v["deadline"], v["unit_ids"]), token=form.token.data, message=_(
                             "Có người vừa tạo yêu cầu khác cùng lúc; vui lòng bấm tạo lại.")),
                     done=lambda saved: _period_created(form, saved),
                     shown=_period_again(form, units))


def _period_created(form, saved):
    if saved.again:
        flash(_("Yêu cầu báo cáo này đã được tạo."), "success")
        return redirect(url_for("reports.periods", year=form.ends_on.data.year), 303)
    flash(_("Đã tạo yêu cầu báo cáo đột xuất."), "success")
    return redirect(url_for("reports.periods", year=saved.record.year))


@bp.route("/reports/periods/<int:period_id>", methods=["GET", "POST"])
@requires("period.manage")
def edit_period(period_id):
    period = queries.period_or_404(period_id)
    units = services.reporting_units()
    form, kinds = _period_form(period, units)
    # a lost race, or a version read before someone's save, among the refusals
    return form_flow(form, values=lambda: _period_values(form, kinds, units),
                     store=lambda values: save(lambda: services.update_period(
                         period, form.version.data, **values),
                         message=_("Kỳ báo cáo vừa được người khác sửa. Vui lòng tải lại.")),
                     done=lambda _saved: moved(url_for("reports.periods", year=period.year),
                                               _("Đã lưu kỳ báo cáo."), 302),
                     shown=_period_again(form, units, period))


def _period_form(period, units):
    """The period's form, with a deadline box for each kind of unit that reports this
    period and for no other; filled with the period as stored on GET."""
    listed = services.listed_units(period)
    by_kind = services.deadlines_by_kind(period)
    kinds = [(k, label) for k, label in UNIT_KINDS.items()
             if k in by_kind or any(u.kind == k and u.id in listed for u in units)]
    Form = period_form_class(kinds)
    if request.method == "GET":
        form = Form(formdata=None, data={
            "version": str(period.version), "subject": period.subject,
            "starts_on": period.starts_on, "ends_on": period.ends_on,
            "deadline": period.deadline, "units": sorted(listed),
            **{f"deadline_{k}": by_kind.get(k) for k, _label in kinds}})
    else:
        form = Form()
    _unit_choices(form, units)
    return form, kinds
