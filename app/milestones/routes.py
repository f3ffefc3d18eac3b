"""Milestones: add, edit, one-tap status, delete — in place with htmx, or as plain forms
(post, redirect, get) with JavaScript off. In-place answers are chosen by the htmx target
(the milestone's row, or the add slot), never by a bare "is htmx"."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block, render_blocks

from app.core.extensions import db, htmx
from app.milestones import bp, service
from app.core import idempotency
from app.milestones.forms import (DeleteForm, MilestoneForm, NewMilestoneForm, StatusForm,
                                 form_id, unique_ids)
from app.plans.models import Plan
from app.milestones.models import MILESTONE_STATUSES, Milestone
from app.core.errors import Refused
from app.core.policy import closed_reason, ensure_open, requires
from app.core.locking import NO_VERSION, StaleEdit, commit_keeping_loaded, read_version
from app.core.vietnamese import _l, format_datetime
from app.core.web import error_response

GONE = _l("Mốc này đã bị xóa.")


def _form_refs():
    """The area and indicator a posted form names, so they load with the record."""
    if request.method != "POST":
        return None, None
    return form_id(request.form.get("area_id")), form_id(request.form.get("indicator_id"))


def _loaded(milestone_id, **_) -> service.Loaded | None:
    """The milestone the URL names, with what a posted form names: the policy's loader."""
    return service.load_milestone(milestone_id, *_form_refs())


def _target(slug, **_) -> service.UnitTarget | None:
    """Where a new milestone goes, with what a posted form names: the policy's loader."""
    return service.load_unit_target(slug, *_form_refs())


def _unit_of(found):
    return found.unit.id


def _row(m, status=200, notice=None, oob=False, locked=False, said=False):
    """The milestone's row alone; said: a status tap's answer, which keeps the keyboard on
    the pressed button (autofocus) and says the change in the live region (out of band)."""
    return render_block("units/show.html", "milestone_row", m=m, today=service.today(),
                        notice=notice, oob=oob, locked=locked, said=said), status


def _back_to(m, unit):
    return redirect(url_for("units.show", slug=unit.slug, _anchor=f"m-{m.id}"), 303)


@bp.route("/units/<slug>/milestones/new", methods=["GET", "POST"])
@requires("unit.edit", load=_target, unit=_unit_of)
def new(target, slug):
    g.vary_htmx = True
    inline = htmx.target == "ms-add"
    form = unique_ids(NewMilestoneForm(formdata=request.form if request.method == "POST"
                                       else None), "new-")
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            try:
                values = service.values_from(form, target.refs)
            except Refused as refused:
                refused.apply_to(form)
            else:
                plan = service.ensure_plan(target, user=current_user)
                token = idempotency.token_of(form)
                m, again = idempotency.first_send(Milestone, token, lambda: service.create(
                    target.unit, plan, values, user=current_user, token=token))
                if again:  # the same form sent twice: answer as the first time
                    plan = db.session.get(Plan, m.plan_id)
                if inline:
                    commit_keeping_loaded()
                    # the add slot closes again, and the new row joins the list
                    return render_blocks("units/show.html", ["add_slot", "milestone_row"],
                                         m=m, unit=target.unit, oob=True, plan=plan,
                                         today=service.today())
                db.session.commit()
                flash(_("Đã thêm mốc “%(title)s”.", title=m.title), "success")
                return _back_to(m, target.unit)
    ctx = dict(form=form, unit=target.unit, choices=service.plan_choices(target.commune_plan_id),
               inline=inline)
    if inline:
        return render_block("milestones/new.html", "form_slot", **ctx), status
    return render_template("milestones/new.html", **ctx), status


@bp.route("/milestones/<int:milestone_id>")
@requires("unit.view", load=_loaded, unit=_unit_of)
def show(loaded, milestone_id):
    """The row as the unit page shows it: what "Hủy" in the inline editor brings back."""
    g.vary_htmx = True
    if htmx.target == f"m-{milestone_id}":
        return _row(loaded.milestone, locked=closed_reason(loaded.milestone))
    return redirect(url_for("units.show", slug=loaded.unit.slug, _anchor=f"m-{milestone_id}"))


def _edit_response(loaded, form, status, conflict=None):
    m = loaded.milestone
    inline = htmx.target == f"m-{m.id}"
    ctx = dict(m=m, unit=loaded.unit, form=form, conflict=conflict, inline=inline,
               choices=service.plan_choices(loaded.plan.parent_id))
    if inline:
        return render_block("milestones/edit.html", "form_row", **ctx), status
    return render_template("milestones/edit.html", **ctx), status


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@requires("unit.edit", load=_loaded, unit=_unit_of)
def edit(loaded, milestone_id):
    m = loaded.milestone
    ensure_open(m)  # a closed milestone offers no form either
    g.vary_htmx = True
    if request.method == "GET":
        form = unique_ids(MilestoneForm(obj=m), f"m{m.id}-")
        form.version.data = str(m.version)
        return _edit_response(loaded, form, 200)
    form = unique_ids(MilestoneForm(), f"m{m.id}-")
    version = read_version(form.version.data)
    if version is None:
        return error_response(400, str(NO_VERSION))
    if not form.validate():
        return _edit_response(loaded, form, 422)
    try:
        values = service.values_from(form, loaded.refs)
    except Refused as refused:
        refused.apply_to(form)
        return _edit_response(loaded, form, 422)
    try:
        service.update(m, loaded.plan, version, values, user=current_user)
    except StaleEdit:
        # the record as saved now beside what this person typed, which stays in the form with
        # the current version, so saving again is a deliberate overwrite
        current = service.load_milestone(milestone_id, form.area_id.data, form.indicator_id.data)
        if current is None:
            return error_response(409, str(GONE))
        differences = service.conflict_rows(current.milestone, values)
        if differences:
            form.version.data = str(current.milestone.version)
            return _edit_response(current, form, 409, differences)
        # already saved as typed: this person's save sent again after its answer was lost
        # (a weak 3G link), or someone else's same change — nothing to settle
        loaded, m = current, current.milestone
    if htmx.target == f"m-{m.id}":
        commit_keeping_loaded()
        return _row(m)
    db.session.commit()
    flash(_("Đã lưu mốc “%(title)s”.", title=m.title), "success")
    return _back_to(m, loaded.unit)


@bp.route("/milestones/<int:milestone_id>/status", methods=["POST"])
@requires("unit.edit", load=_loaded, unit=_unit_of)
def set_status(loaded, milestone_id):
    m = loaded.milestone
    g.vary_htmx = True
    inline = htmx.target == f"m-{m.id}"
    form = StatusForm()
    version = read_version(form.version.data)
    if version is None:
        return error_response(400, str(NO_VERSION))
    if not form.validate():
        return error_response(422, _("Trạng thái không hợp lệ."))
    try:
        service.set_status(m, loaded.plan, version, form.status.data, user=current_user)
    except StaleEdit:
        current = service.load_milestone(milestone_id)
        if current is None:
            return error_response(409, str(GONE))
        if current.milestone.status == form.status.data:
            # already as chosen: this person's tap sent again after its answer was lost,
            # or someone else's same choice — nothing to settle
            return _status_saved(current, inline)
        chosen = _(MILESTONE_STATUSES[form.status.data])
        notice = _("Mốc này vừa được người khác cập nhật (lúc %(when)s); trạng thái hiện là "
                   "“%(now)s”. Bạn đã chọn “%(chosen)s”: bấm lại nếu vẫn muốn đổi.",
                   when=format_datetime(current.milestone.updated_at),
                   now=_(current.milestone.status_label), chosen=chosen)
        if inline:
            return _row(current.milestone, 409, notice)
        # without JavaScript: the edit page, the chosen status kept, the difference shown
        edit_form = unique_ids(MilestoneForm(obj=current.milestone), f"m{m.id}-")
        edit_form.status.data = form.status.data
        edit_form.version.data = str(current.milestone.version)
        values = {**{k: getattr(current.milestone, k) for k in
                     ("title", "owner", "start_on", "due_on", "progress", "area",
                      "indicator", "evidence")}, "status": form.status.data}
        return _edit_response(current, edit_form, 409,
                              service.conflict_rows(current.milestone, values))
    return _status_saved(loaded, inline)


def _status_saved(loaded, inline):
    m = loaded.milestone
    if inline:
        commit_keeping_loaded()
        return _row(m, said=True)
    db.session.commit()
    flash(_("Đã chuyển “%(title)s” sang “%(status)s”.", title=m.title,
            status=_(m.status_label)), "success")
    return _back_to(m, loaded.unit)


@bp.route("/milestones/<int:milestone_id>/delete", methods=["GET", "POST"])
@requires("unit.edit", load=_loaded, unit=_unit_of)
def delete(loaded, milestone_id):
    m = loaded.milestone
    ensure_open(m)  # a closed milestone offers no form either
    g.vary_htmx = True
    inline = htmx.target == f"m-{m.id}"
    changed, status = False, 200
    if request.method == "POST":
        version = read_version(DeleteForm().version.data)
        if version is None:
            return error_response(400, str(NO_VERSION))
        try:
            service.delete(m, loaded.plan, version, user=current_user)
        except StaleEdit:
            loaded = service.load_milestone(milestone_id)
            if loaded is None:
                return error_response(409, str(GONE))
            m, changed, status = loaded.milestone, True, 409
        else:
            if inline:
                html = render_block("milestones/delete.html", "deleted_row", m=m)
                db.session.commit()
                return html
            db.session.commit()
            flash(_("Đã xóa mốc “%(title)s”.", title=m.title), "success")
            return redirect(url_for("units.show", slug=loaded.unit.slug, _anchor="milestones"),
                            303)
    ctx = dict(m=m, unit=loaded.unit, inline=inline, changed=changed)
    if inline:
        return render_block("milestones/delete.html", "confirm_row", **ctx), status
    return render_template("milestones/delete.html", **ctx), status
