"""Good models and effective ways of working of a year: the list everyone reads, gathered
from the units' accepted reports or entered by the secretariat, edited and deleted."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.core.answers import moved
from app.core.editing import save
from app.core.forms_flow import form_flow, stored_of
from app.core.locking import StaleEdit
from app.emulation import bp, queries
from app.emulation.forms import ModelForm, StepForm
from app.emulation.routes._common import set_unit_choices
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
    form = _model_form(ModelForm(formdata=request.form if request.method == "POST" else None),
                       queries.commune_plan(year))
    return form_flow(form, store=lambda: save(lambda: service.save_model(
        None, _model_values(form), year=year, user=current_user), token=form.token.data),
        catch=(), done=lambda saved: _model_added(year, saved),
        shown=lambda status, _refused: (render_template(
            "emulation/model_edit.html", form=form, model=None, year=year), status))


def _model_added(year, saved):
    if saved.again:
        return moved(url_for("emulation.models", year=year), _("Mô hình này đã được ghi nhận."))
    m = saved.record
    return moved(url_for("emulation.models", year=year, _anchor=f"gm-{m.id}"),
                 _("Đã thêm mô hình “%(title)s”.", title=m.title))


@bp.route("/emulation/models/<int:model_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage", load=queries.model_by_id)
def edit_model(m, model_id):
    form = _model_form(ModelForm(obj=None if request.method == "POST" else m),
                       queries.commune_plan(m.year), m.unit_id)
    return form_flow(form, store=lambda: save(lambda: service.save_model(
        m, _model_values(form), form.version.data, user=current_user),
        form=form, reload=lambda: queries.model_by_id(model_id)),
        done=lambda _saved: moved(url_for("emulation.models", year=m.year, _anchor=f"gm-{m.id}"),
                                  _("Đã lưu mô hình.")),
        shown=lambda status, refused: (render_template(
            "emulation/model_edit.html", form=form, model=stored_of(refused) or m, year=m.year,
            stored=stored_of(refused)), status))


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
