"""The secretariat keeps the commune plan itself up to date (issue 9): its text, areas and
indicators, a target change with its reason, the indicator page, and starting a new year.

Routes stay thin: app/plans/editing.py and app/plans/years.py hold the rules.
"""
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from app.units.choices import choices, units_for_choice
from app.core.editing import choice_difference, differences, save
from app.core.extensions import db
from app.core.locking import StaleEdit
from app.plans import bp, queries
from app.plans.editing import (AREA_FIELDS, INDICATOR_FIELDS, PLAN_FIELDS,
                               save_area, save_indicator, save_plan_text)
from app.plans.forms import AreaForm, IndicatorForm, NewYearForm, plan_text_form
from app.plans.models import Area, Indicator, Plan
from app.plans.years import YearExists, ensure_open, start_next_year
from app.core.policy import requires
from app.core.errors import Refused
from app.core.params import query_int

# 409: someone saved first — both versions side by side (app/core/editing.py settles it,
# a save whose every field equals what is stored being no conflict).
CONFLICT = 409
INVALID = 422
CODE_TAKEN = ("code", _l("Mã này vừa được người khác dùng; hãy chọn mã khác."))



def _overview(plan, anchor=None):
    url = url_for("plans.overview", year=plan.year)
    return redirect(f"{url}#{anchor}" if anchor else url)


# ---- the plan's own text ----

@bp.route("/plan/edit", methods=["GET", "POST"])
@requires("plan.edit")
def edit_text():
    plan = queries.requested_plan()
    ensure_open(plan)
    sections = list(plan.sections)
    form = plan_text_form(sections, obj=plan, data={
        **{f"s{s.id}": s.body for s in sections},
        **{f"s{s.id}_version": s.version for s in sections}})
    if request.method == "GET":
        form.version.data = plan.version
        return render_template("plans/edit_text.html", plan=plan, form=form, sections=sections)
    if not form.validate_on_submit():
        return render_template("plans/edit_text.html", plan=plan, form=form,
                               sections=sections), INVALID
    def change():
        if any(form[f"s{s.id}_version"].data != s.version for s in sections):
            raise StaleEdit
        return save_plan_text(plan, {n: form[n].data for n in PLAN_FIELDS},
                              {s.id: form[f"s{s.id}"].data for s in sections},
                              user=current_user)
    try:
        saved = save(change, record=plan, form=form, differs=lambda now: _text_rows(form, now))
    except StaleEdit as stale:
        plan = stale.current
        return render_template("plans/edit_text.html", plan=plan, form=form,
                               sections=list(plan.sections), conflicts=stale.rows), CONFLICT
    return _text_saved(plan, saved.again or saved.result)


def _text_saved(plan, changed=True):
    flash(_("Đã lưu văn bản kế hoạch.") if changed else _("Không có gì thay đổi."), "success")
    return _overview(plan)


def _text_rows(form, plan):
    """The plan's text and each section as typed beside what is stored now; the sections'
    current versions go to the form, so saving again is a deliberate choice."""
    rows = differences(form, plan, PLAN_FIELDS)
    for s in plan.sections:
        mine = form[f"s{s.id}"].data
        if mine != s.body:
            rows.append((s.heading, mine or "—", s.body or "—"))
        form[f"s{s.id}_version"].data = s.version
    return rows


# ---- areas ----

def _area_form(plan, area=None):
    form = AreaForm(obj=area)
    form.lead_unit_id.choices = choices(
        units_for_choice([area.lead_unit_id] if area else []), blank=_("— Chưa chọn —"))
    return form


def _area_page(plan, form, area=None, conflicts=None, status=200):
    return render_template("plans/edit_area.html", plan=plan, form=form, area=area,
                           conflicts=conflicts), status


@bp.route("/areas/new", methods=["GET", "POST"])
@requires("plan.edit")
def new_area():
    plan = queries.requested_plan()
    ensure_open(plan)
    form = _area_form(plan)
    if request.method == "GET":
        return _area_page(plan, form)
    return _save_area(plan, form, None)


@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@requires("plan.edit")
def edit_area(area_id):
    area = db.get_or_404(Area, area_id)
    plan = db.session.get(Plan, area.plan_id)
    ensure_open(plan)
    form = _area_form(plan, area)
    if request.method == "GET":
        return _area_page(plan, form, area)
    return _save_area(plan, form, area)


def _save_area(plan, form, area):
    if not form.validate_on_submit():
        return _area_page(plan, form, area, status=INVALID)
    try:
        saved = save(lambda: save_area(plan, area, {n: form[n].data for n in AREA_FIELDS},
                                       user=current_user),
                     record=area, form=form, token=None if area else form.token.data,
                     differs=lambda now: differences(form, now, AREA_FIELDS), taken=CODE_TAKEN)
    except StaleEdit as stale:
        return _area_page(plan, form, stale.current, stale.rows, CONFLICT)
    except Refused as refused:
        refused.apply_to(form)
        return _area_page(plan, form, area, status=refused.status)
    if saved.record is None:  # this form was sent before
        flash(_("Nội dung thi đua này đã được thêm."), "info")
        return _overview(plan)
    return _area_saved(plan, saved.record)


def _area_saved(plan, area):
    flash(_("Đã lưu nội dung thi đua %(code)s.", code=area.code), "success")
    return _overview(plan, f"area-{area.code}")


# ---- indicators ----

def written(value, places=None):
    """A stored NUMERIC(20,4) as the plan writes it: 16,90 (2 places), 33.515, not 33.515,0000."""
    if value is None:
        return None
    if places is None:
        return value.normalize()
    return value.quantize(Decimal(1).scaleb(-places))


def _indicator_form(plan, ind=None):
    form = IndicatorForm(obj=ind)
    areas = queries.areas_of(plan)
    form.area_id.choices = [SelectChoice("", _("— Chọn nội dung —"))] + [
        SelectChoice(a.id, f"{a.code}. {a.title}") for a in areas]
    keep = [ind.lead_unit_id, *(u.id for u in ind.contributors)] if ind else []
    units = units_for_choice(keep)
    form.lead_unit_id.choices = choices(units, blank=_("— Chưa chọn —"))
    form.contributors.choices = choices(units)
    form.reporters.choices = choices(units)
    if ind is not None and request.method == "GET":
        form.contributors.data = [u.id for u in ind.contributors]
        form.reporters.data = [u.id for u in ind.reporters]
        form.low.data, form.high.data = written(ind.low), written(ind.high)
        form.target.data = written(ind.target, ind.target_places)
        form.total.data = written(ind.total)
        form.baseline.data = written(ind.baseline)
    if ind is None and request.method == "GET":
        form.area_id.data = query_int("area")
    return form


def _indicator_page(plan, form, ind=None, conflicts=None, status=200):
    return render_template("plans/edit_indicator.html", plan=plan, form=form, ind=ind,
                           conflicts=conflicts), status


@bp.route("/indicators/new", methods=["GET", "POST"])
@requires("plan.edit")
def new_indicator():
    plan = queries.requested_plan()
    ensure_open(plan)
    form = _indicator_form(plan)
    if request.method == "GET":
        return _indicator_page(plan, form)
    return _save_indicator(plan, form, None)


@bp.route("/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@requires("plan.edit")
def edit_indicator(indicator_id):
    ind = db.session.scalar(select(Indicator).where(Indicator.id == indicator_id)
                            .options(selectinload(Indicator.contributors),
                                     selectinload(Indicator.reporters)))
    if ind is None:
        abort(404)
    plan = db.session.get(Plan, ind.plan_id)
    ensure_open(plan)
    form = _indicator_form(plan, ind)
    if request.method == "GET":
        return _indicator_page(plan, form, ind)
    return _save_indicator(plan, form, ind)


def _save_indicator(plan, form, ind):
    if not form.validate_on_submit():
        return _indicator_page(plan, form, ind, status=INVALID)
    try:
        saved = save(lambda: save_indicator(
                         plan, ind, {n: form[n].data for n in INDICATOR_FIELDS},
                         form.contributors.data or [], form.reason.data,
                         user=current_user, reporter_ids=form.reporters.data or []),
                     record=ind, form=form, token=None if ind else form.token.data,
                     differs=lambda now: _indicator_rows(form, now), taken=CODE_TAKEN)
    except StaleEdit as stale:
        return _indicator_page(plan, form, stale.current, stale.rows, CONFLICT)
    except Refused as refused:
        refused.apply_to(form)
        return _indicator_page(plan, form, ind, status=refused.status)
    if saved.record is None:  # this form was sent before
        flash(_("Chỉ tiêu này đã được thêm."), "info")
        return _overview(plan)
    return _indicator_saved(saved.record)


def _indicator_saved(ind):
    flash(_("Đã lưu chỉ tiêu %(code)s.", code=ind.code), "success")
    return redirect(url_for("plans.indicator", indicator_id=ind.id))


def _indicator_rows(form, ind):
    return [*differences(form, ind, INDICATOR_FIELDS),
            *choice_difference(form.contributors, form.contributors.data,
                               [u.id for u in ind.contributors])]


# ---- a new year ----

@bp.route("/plan/new-year", methods=["GET", "POST"])
@requires("plan.edit")
def new_year():
    latest = db.session.scalar(Plan.commune_plan_stmt())
    if latest is None:
        abort(404)
    form = NewYearForm(from_year=latest.year)
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 400
        return render_template("plans/new_year.html", plan=latest, form=form), status
    if form.from_year.data != str(latest.year):
        # a second click, or another person, already started the year
        flash(_("Năm %(year)s đã được bắt đầu.", year=latest.year), "info")
        return _overview(latest)
    try:
        new = save(lambda: start_next_year(latest, user=current_user), record=latest).result
    except (YearExists, StaleEdit):
        raise Refused(_("Năm %(year)s đã được bắt đầu.", year=latest.year + 1), 409) from None
    flash(_("Đã bắt đầu năm %(new)s từ năm %(old)s. Năm %(old)s được giữ nguyên, chỉ xem. "
            "Vui lòng đặt mục tiêu cho các chỉ tiêu.", new=new.year, old=latest.year),
          "success")
    return _overview(new)
