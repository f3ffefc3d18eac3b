"""The secretariat keeps the commune plan itself up to date (issue 9): its text, areas and
indicators, a target change with its reason, the indicator page, and starting a new year.

Routes stay thin: app/plans/editing.py and app/plans/years.py hold the rules.
"""
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from app.core import idempotency
from app.admin.units import choices, units_for_choice
from app.core.extensions import db
from app.plans import bp, queries
from app.plans.editing import (AREA_FIELDS, INDICATOR_FIELDS, PLAN_FIELDS,
                               save_area, save_indicator, save_plan_text)
from app.plans.forms import (AreaForm, IndicatorForm, NewYearForm, labels_of, plan_text_form,
                             stale_fields)
from app.plans.models import Area, Indicator, Plan
from app.plans.years import YearExists, ensure_open, start_next_year
from app.core.policy import requires
from app.core.web import error_response
from app.core.errors import Refused
from app.core.params import query_int

# 409: someone saved first — both versions side by side. A save whose version is old but
# whose every field equals what is stored is no conflict (most often the person's own save
# sent again after its answer was lost on a weak link): answered as saved, nothing written.
CONFLICT = 409
INVALID = 422




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
    if _text_is_stale(form, plan, sections):
        return _text_conflict(form, plan, sections)
    try:
        changed = save_plan_text(plan, {n: form[n].data for n in PLAN_FIELDS},
                                 {s.id: form[f"s{s.id}"].data for s in sections},
                                 user=current_user)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        plan = db.session.get(Plan, plan.id)
        return _text_conflict(form, plan, list(plan.sections))
    return _text_saved(plan, changed)


def _text_saved(plan, changed=True):
    flash(_("Đã lưu văn bản kế hoạch.") if changed else _("Không có gì thay đổi."), "success")
    return _overview(plan)


def _text_is_stale(form, plan, sections) -> bool:
    return form.version.data != plan.version or any(
        form[f"s{s.id}_version"].data != s.version for s in sections)


def _text_conflict(form, plan, sections):
    """Someone saved first: show what this person typed beside what is stored now, and
    take the current versions, so saving again is a deliberate choice."""
    conflicts = stale_fields(form, plan, PLAN_FIELDS)
    for s in sections:
        mine = form[f"s{s.id}"].data
        if mine != s.body:
            conflicts.append((s.heading, mine or "—", s.body or "—"))
        form[f"s{s.id}_version"].data = s.version
    if not conflicts:  # already saved as typed (see CONFLICT)
        return _text_saved(plan)
    form.version.data = plan.version
    return render_template("plans/edit_text.html", plan=plan, form=form, sections=sections,
                           conflicts=conflicts), CONFLICT


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
    if area is not None and form.version.data != area.version:
        return _area_conflict(plan, form, area)
    if area is None and not idempotency.claim(form.token.data):
        flash(_("Nội dung thi đua này đã được thêm."), "info")
        return _overview(plan)
    try:
        area = save_area(plan, area, {n: form[n].data for n in AREA_FIELDS}, user=current_user)
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        refused.apply_to(form)
        return _area_page(plan, form, area, status=refused.status)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        if area is None:  # the same code was added a moment ago by someone else
            form.code.errors.append(_("Mã này vừa được người khác dùng; hãy chọn mã khác."))
            return _area_page(plan, form, status=CONFLICT)
        return _area_conflict(plan, form, db.session.get(Area, area.id))
    return _area_saved(plan, area)


def _area_saved(plan, area):
    flash(_("Đã lưu nội dung thi đua %(code)s.", code=area.code), "success")
    return _overview(plan, f"area-{area.code}")


def _area_conflict(plan, form, area):
    conflicts = stale_fields(form, area, AREA_FIELDS)
    if not conflicts:  # already saved as typed (see CONFLICT)
        return _area_saved(plan, area)
    form.version.data = area.version
    return _area_page(plan, form, area, conflicts, CONFLICT)


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
    if ind is not None and form.version.data != ind.version:
        return _indicator_conflict(plan, form, ind)
    if ind is None and not idempotency.claim(form.token.data):
        flash(_("Chỉ tiêu này đã được thêm."), "info")
        return _overview(plan)
    try:
        ind = save_indicator(plan, ind, {n: form[n].data for n in INDICATOR_FIELDS},
                             form.contributors.data or [], form.reason.data,
                             user=current_user, reporter_ids=form.reporters.data or [])
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        refused.apply_to(form)
        return _indicator_page(plan, form, ind, status=refused.status)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        if ind is None:
            form.code.errors.append(_("Mã này vừa được người khác dùng; hãy chọn mã khác."))
            return _indicator_page(plan, form, status=CONFLICT)
        return _indicator_conflict(plan, form, db.session.get(Indicator, ind.id))
    return _indicator_saved(ind)


def _indicator_saved(ind):
    flash(_("Đã lưu chỉ tiêu %(code)s.", code=ind.code), "success")
    return redirect(url_for("plans.indicator", indicator_id=ind.id))


def _indicator_conflict(plan, form, ind):
    conflicts = stale_fields(form, ind, INDICATOR_FIELDS)
    mine, theirs = sorted(form.contributors.data or []), sorted(u.id for u in ind.contributors)
    if mine != theirs:
        names = labels_of(form.contributors)
        conflicts.append((form.contributors.label.text,
                          ", ".join(str(names.get(i, i)) for i in mine) or "—",
                          ", ".join(str(names.get(i, i)) for i in theirs) or "—"))
    if not conflicts:  # already saved as typed (see CONFLICT)
        return _indicator_saved(ind)
    form.version.data = ind.version
    return _indicator_page(plan, form, ind, conflicts, CONFLICT)


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
        new = start_next_year(latest, user=current_user)
        db.session.commit()
    except (YearExists, StaleDataError, IntegrityError):
        db.session.rollback()
        return error_response(409, _("Năm %(year)s đã được bắt đầu.", year=latest.year + 1))
    flash(_("Đã bắt đầu năm %(new)s từ năm %(old)s. Năm %(old)s được giữ nguyên, chỉ xem. "
            "Vui lòng đặt mục tiêu cho các chỉ tiêu.", new=new.year, old=latest.year),
          "success")
    return _overview(new)
