"""The lists the secretariat keeps and everyone reads: the scoring table of each kind of
unit (criteria) and the titles and forms of commendation, each with its starting list."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.editing import save
from app.emulation import bp, queries, seed
from app.emulation.forms import CriterionForm, NewCriterionForm, NewTitleForm, StepForm, TitleForm
from app.emulation.models import METHODS
from app.emulation.routes._common import commune_wide, save_form
from app.emulation.services import scoring_tables as service
from app.core.errors import Refused
from app.core.policy import can, requires, unit_scope
from app.units.models import UNIT_KINDS


def _load_defaults(seed, message, endpoint):
    if not StepForm().validate():
        raise Refused(status=400)
    n = save(seed).result
    flash(message(n), "success")
    return redirect(url_for(endpoint), 303)


# ---------------------------------------------------------------- criteria

def _criteria_page(form, status=200):
    by_kind = queries.criteria_by_kind(active_only=False)
    return render_template("emulation/criteria.html", by_kind=by_kind, kinds=UNIT_KINDS,
                           totals=service.kind_totals(by_kind), form=form,
                           methods=METHODS), status


@bp.get("/emulation/criteria")
@requires("emulation.view", scoped_in_view=True)
def criteria():
    unit_scope("emulation.view")  # one list for all who may see it: this refuses the others
    return _criteria_page(
        NewCriterionForm(formdata=None) if can(current_user, "emulation.manage") else None)


def _criterion_values(form) -> dict:
    return {"unit_kind": form.unit_kind.data, "title": form.title.data,
            "description": form.description.data or "", "max_points": form.max_points.data,
            "method": form.method.data, "active": bool(form.active.data)}


@bp.post("/emulation/criteria/new")
@requires("emulation.manage")
def new_criterion():
    form = NewCriterionForm()
    if form.validate():
        def create():
            values = _criterion_values(form)
            rows = queries.criteria_by_kind(active_only=False).get(values["unit_kind"], [])
            values["sort_order"] = max((c.sort_order for c in rows), default=0) + 1
            return service.save_criterion(None, values)
        try:
            saved = save(create, token=form.token.data)
        except Refused as e:
            e.apply_to(form)
        else:
            if saved.again:
                flash(_("Tiêu chí này đã được thêm."), "success")
                return redirect(url_for("emulation.criteria"), 303)
            c = saved.record
            flash(_("Đã thêm tiêu chí “%(title)s”.", title=c.title), "success")
            return redirect(url_for("emulation.criteria", _anchor=f"k-{c.unit_kind}"), 303)
    return _criteria_page(form, 422)


@bp.route("/emulation/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage", load=queries.criterion_by_id, unit=commune_wide)
def edit_criterion(c, criterion_id):
    if request.method == "GET":
        form = CriterionForm(obj=c)
        return render_template("emulation/criterion_edit.html", c=c, form=form)
    form = CriterionForm()
    status, stored = save_form(
        form, lambda: service.save_criterion(c, _criterion_values(form), form.version.data),
        lambda: queries.criterion_by_id(criterion_id))
    if status is None:
        flash(_("Đã lưu tiêu chí."), "success")
        return redirect(url_for("emulation.criteria", _anchor=f"k-{c.unit_kind}"), 303)
    return render_template("emulation/criterion_edit.html", c=stored or c, form=form,
                           stored=stored), status


@bp.post("/emulation/criteria/defaults")
@requires("emulation.manage")
def default_criteria():
    return _load_defaults(seed.ensure_criteria, lambda n: _(
        "Đã nạp %(n)s tiêu chí mẫu cho các loại đơn vị chưa có bảng điểm.", n=n),
        "emulation.criteria")


# ---------------------------------------------------------------- titles

@bp.get("/emulation/titles")
@requires("emulation.view", scoped_in_view=True)
def titles():
    unit_scope("emulation.view")  # one list for all who may see it: this refuses the others
    form = NewTitleForm(formdata=None) if can(current_user, "emulation.manage") else None
    return render_template("emulation/titles.html", titles=queries.titles(), form=form)


def _title_values(form) -> dict:
    return {"name": form.name.data, "kind": form.kind.data, "nominee_kind": form.nominee_kind.data,
            "level": form.level.data, "authority": form.authority.data or "",
            "active": bool(form.active.data)}


@bp.post("/emulation/titles/new")
@requires("emulation.manage")
def new_title():
    form = NewTitleForm()
    if form.validate():
        def create():
            values = _title_values(form)
            values["sort_order"] = len(queries.titles()) + 1
            return service.save_title(None, values)
        try:
            saved = save(create, token=form.token.data)
        except Refused as e:
            e.apply_to(form)
        else:
            if saved.again:
                flash(_("Danh hiệu, hình thức này đã được thêm."), "success")
                return redirect(url_for("emulation.titles"), 303)
            t = saved.record
            flash(_("Đã thêm “%(name)s”.", name=t.name), "success")
            return redirect(url_for("emulation.titles"), 303)
    return render_template("emulation/titles.html", titles=queries.titles(), form=form), 422


@bp.route("/emulation/titles/<int:title_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage", load=queries.title_by_id, unit=commune_wide)
def edit_title(t, title_id):
    if request.method == "GET":
        return render_template("emulation/title_edit.html", t=t, form=TitleForm(obj=t))
    form = TitleForm()
    status, stored = save_form(
        form, lambda: service.save_title(t, _title_values(form), form.version.data),
        lambda: queries.title_by_id(title_id))
    if status is None:
        flash(_("Đã lưu “%(name)s”.", name=t.name), "success")
        return redirect(url_for("emulation.titles"), 303)
    return render_template("emulation/title_edit.html", t=stored or t, form=form,
                           stored=stored), status


@bp.post("/emulation/titles/defaults")
@requires("emulation.manage")
def default_titles():
    return _load_defaults(seed.ensure_titles, lambda n: _(
        "Đã nạp %(n)s danh hiệu, hình thức mẫu.", n=n), "emulation.titles")
