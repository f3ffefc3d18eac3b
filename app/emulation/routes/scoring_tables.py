"""The lists the secretariat keeps and everyone reads: the scoring table of each kind of
unit (criteria) and the titles and forms of commendation, each with its starting list."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.answers import moved
from app.core.editing import save
from app.core.forms_flow import form_flow, stored_of
from app.emulation import bp, queries, seed
from app.emulation.forms import CriterionForm, NewCriterionForm, NewTitleForm, StepForm, TitleForm
from app.emulation.models import METHODS
from app.emulation.routes._common import commune_wide
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
    return form_flow(form, store=lambda: save(
        lambda: service.add_criterion(_criterion_values(form)), token=form.token.data),
        done=_criterion_added, shown=lambda _status, _refused: _criteria_page(form, 422))


def _criterion_added(saved):
    if saved.again:
        return moved(url_for("emulation.criteria"), _("Tiêu chí này đã được thêm."))
    c = saved.record
    return moved(url_for("emulation.criteria", _anchor=f"k-{c.unit_kind}"),
                 _("Đã thêm tiêu chí “%(title)s”.", title=c.title))


@bp.route("/emulation/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage", load=queries.criterion_by_id, unit=commune_wide)
def edit_criterion(c, criterion_id):
    form = CriterionForm(obj=None if request.method == "POST" else c)
    return form_flow(form, store=lambda: save(
        lambda: service.save_criterion(c, _criterion_values(form), form.version.data),
        form=form, reload=lambda: queries.criterion_by_id(criterion_id)),
        done=lambda _saved: moved(url_for("emulation.criteria", _anchor=f"k-{c.unit_kind}"),
                                  _("Đã lưu tiêu chí.")),
        shown=lambda status, refused: (render_template(
            "emulation/criterion_edit.html", c=stored_of(refused) or c, form=form,
            stored=stored_of(refused)), status))


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
    return form_flow(form, store=lambda: save(
        lambda: service.add_title(_title_values(form)), token=form.token.data),
        done=lambda saved: moved(url_for("emulation.titles"), _(
            "Danh hiệu, hình thức này đã được thêm.") if saved.again
            else _("Đã thêm “%(name)s”.", name=saved.record.name)),
        shown=lambda _status, _refused: (render_template(
            "emulation/titles.html", titles=queries.titles(), form=form), 422))


@bp.route("/emulation/titles/<int:title_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage", load=queries.title_by_id, unit=commune_wide)
def edit_title(t, title_id):
    form = TitleForm(obj=None if request.method == "POST" else t)
    return form_flow(form, store=lambda: save(
        lambda: service.save_title(t, _title_values(form), form.version.data),
        form=form, reload=lambda: queries.title_by_id(title_id)),
        done=lambda _saved: moved(url_for("emulation.titles"),
                                  _("Đã lưu “%(name)s”.", name=t.name)),
        shown=lambda status, refused: (render_template(
            "emulation/title_edit.html", t=stored_of(refused) or t, form=form,
            stored=stored_of(refused)), status))


@bp.post("/emulation/titles/defaults")
@requires("emulation.manage")
def default_titles():
    return _load_defaults(seed.ensure_titles, lambda n: _(
        "Đã nạp %(n)s danh hiệu, hình thức mẫu.", n=n), "emulation.titles")
