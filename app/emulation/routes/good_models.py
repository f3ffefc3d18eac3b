"""Good models and effective ways of working of a year: the list everyone reads, gathered
from the units' accepted reports or entered by the secretariat, edited and deleted."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.core.editing import save
from app.core.locking import StaleEdit
from app.emulation import bp, queries
from app.emulation.forms import ModelForm, StepForm
from app.emulation.routes._common import save_form, set_unit_choices
from app.emulation.services import good_models as service
from app.core.errors import Refused
from app.core.params import query_int
from app.core.policy import can, requires, unit_scope


def _model_form(form, plan, keep=None):
    set_unit_choices(form.unit_id, _("— Chọn đơn vị —"), keep)
    areas = queries.areas_of_plan(plan.id) if plan else []
    form.area_id.choices = [SelectChoice("", _("— Chưa xếp —"))] + [
        SelectChoice(a.id, f"{a.code} {a.title}") for a in areas]
    return form


def _model_values(form) -> dict:
    return {"unit_id": form.unit_id.data, "area_id": form.area_id.data,
            "title": form.title.data, "description": form.description.data or ""}


@bp.get("/emulation/models")
@requires("emulation.view", scoped_in_view=True)
def models():
    unit_scope("emulation.view")  # one list for all who may see it: this refuses the others
    year = queries.requested_year()
    area = query_int("area")
    rows = queries.good_models(year, area_id=area)
    plan = queries.commune_plan(year)
    areas = queries.areas_of_plan(plan.id) if plan else []
    manage = can(current_user, "emulation.manage")
    waiting = queries.reports_with_models(year) if manage else []
    return render_template("emulation/models.html", year=year, models=rows, areas=areas,
                           area=area, waiting=waiting, step=StepForm(formdata=None))


@bp.post("/emulation/models/gather")
@requires("emulation.manage")
def gather_models():
    year = queries.requested_year()
    if not StepForm().validate():
        raise Refused(status=400)
    try:  # someone gathering at the same moment: theirs stands
        n = save(lambda: service.gather_models(year, user=current_user)).result
    except StaleEdit:
        n = 0
    flash(_("Đã tập hợp %(n)s mô hình từ báo cáo của các đơn vị; hãy xếp nội dung thi đua và "
            "biên tập lại.", n=n), "success")
    return redirect(url_for("emulation.models", year=year), 303)


@bp.route("/emulation/models/new", methods=["GET", "POST"])
@requires("emulation.manage")
def new_model():
    year = queries.requested_year()
    plan = queries.commune_plan(year)
    form = _model_form(ModelForm(formdata=request.form if request.method == "POST" else None),
                       plan)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            saved = save(lambda: service.save_model(None, _model_values(form), year=year,
                                                    user=current_user), token=form.token.data)
            if saved.again:
                flash(_("Mô hình này đã được ghi nhận."), "success")
                return redirect(url_for("emulation.models", year=year), 303)
            m = saved.record
            flash(_("Đã thêm mô hình “%(title)s”.", title=m.title), "success")
            return redirect(url_for("emulation.models", year=year, _anchor=f"gm-{m.id}"), 303)
    return render_template("emulation/model_edit.html", form=form, model=None,
                           year=year), status


@bp.route("/emulation/models/<int:model_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage", load=queries.model_by_id)
def edit_model(m, model_id):
    plan = queries.commune_plan(m.year)
    if request.method == "GET":
        form = _model_form(ModelForm(obj=m), plan, m.unit_id)
        return render_template("emulation/model_edit.html", form=form, model=m, year=m.year)
    form = _model_form(ModelForm(), plan, m.unit_id)
    status, stored = save_form(
        form, lambda: service.save_model(m, _model_values(form), form.version.data,
                                         user=current_user),
        lambda: queries.model_by_id(model_id))
    if status is None:
        flash(_("Đã lưu mô hình."), "success")
        return redirect(url_for("emulation.models", year=m.year, _anchor=f"gm-{m.id}"), 303)
    return render_template("emulation/model_edit.html", form=form, model=stored or m,
                           year=m.year, stored=stored), status


@bp.post("/emulation/models/<int:model_id>/delete")
@requires("emulation.manage", load=queries.model_by_id)
def delete_model(m, model_id):
    year = m.year
    form = StepForm()
    if not form.validate():
        raise Refused(status=400)
    try:
        save(lambda: service.delete_model(m, form.version.data, user=current_user))
    except Refused:
        flash(_("Mô hình vừa được người khác sửa; hãy xem lại trước khi xóa."), "error")
        return redirect(url_for("emulation.edit_model", model_id=model_id), 303)
    flash(_("Đã xóa mô hình."), "success")
    return redirect(url_for("emulation.models", year=year), 303)
