"""Milestones: add, edit, one-tap status, delete — in place with htmx, or as plain forms
(post, redirect, get) with JavaScript off. In-place answers are chosen by the htmx target
(the milestone's row, or the add slot), never by a bare "is htmx"."""

from flask import redirect, render_template, request, url_for
from app.core.i18n import gettext as _  # the request's catalogue, looked up once
from flask_login import current_user
from jinja2_fragments.flask import render_block, render_blocks

from app.audit.service import saved_by_me
from app.core.answers import answer, wants
from app.core.editing import save, version_of
from app.core.forms_flow import form_flow
from app.core.extensions import db
from app.milestones import bp, service
from app.core import idempotency
from app.milestones.forms import (DeleteForm, MilestoneForm, NewMilestoneForm, StatusForm,
                                 form_id, unique_ids)
from app.plans.models import Plan
from app.milestones.models import MILESTONE_STATUSES, Milestone
from app.milestones.templating import row_alone
from app.core.errors import Refused
from app.core.policy import closed_reason, ensure_open, requires
from app.core.locking import StaleEdit
from app.core.vietnamese import _l, format_datetime

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
    return row_alone(m, service.today(), notice, oob, locked, said), status


def _place(m, unit):
    return url_for("units.show", slug=unit.slug, _anchor=f"m-{m.id}")


def _create(target, form, values):
    """Save a new milestone (a repeat of the same form answers as the first time): the
    saved record and the plan it joined."""
    inline = wants("ms-add")
    plan = service.ensure_plan(target, user=current_user)
    token = idempotency.token_of(form)
    saved = save(lambda: service.create(target.unit, plan, values, user=current_user,
                                        token=token),
                 token=token, model=Milestone, keep_loaded=inline)
    return saved.record, (db.session.get(Plan, saved.record.plan_id) if saved.again else plan)


def _added(target, m, plan):
    """In place, the add slot closes again and the new row joins the list."""
    return answer("ms-add", lambda: render_blocks(
        "units/show.html", ["add_slot", "milestone_row"], m=m, unit=target.unit, oob=True,
        plan=plan, today=service.today()),
        back=_place(m, target.unit), said=_("Đã thêm mốc “%(title)s”.", title=m.title))


def _new_form(target, form, status):
    ctx = dict(form=form, unit=target.unit, choices=service.plan_choices(target.commune_plan_id),
               inline=wants("ms-add"))
    return answer("ms-add", lambda: render_block("milestones/new.html", "form_slot", **ctx),
                  lambda: render_template("milestones/new.html", **ctx), status=status)


@bp.route("/units/<slug>/milestones/new", methods=["GET", "POST"])
@requires("unit.edit", load=_target, unit=_unit_of)
def new(target, slug):
    form = unique_ids(NewMilestoneForm(formdata=request.form if request.method == "POST"
                                       else None), "new-")
    return form_flow(form, values=lambda: service.values_from(form, target.refs),
                     store=lambda values: _create(target, form, values), catch=(),
                     done=lambda added: _added(target, *added),
                     shown=lambda status, _refused: _new_form(target, form, status))


@bp.route("/milestones/<int:milestone_id>")
@requires("unit.view", load=_loaded, unit=_unit_of)
def show(loaded, milestone_id):
    """The row as the unit page shows it: what "Hủy" in the inline editor brings back."""
    if wants(f"m-{milestone_id}"):
        return _row(loaded.milestone, locked=closed_reason(loaded.milestone))
    return redirect(url_for("units.show", slug=loaded.unit.slug, _anchor=f"m-{milestone_id}"))


def _edit_response(loaded, form, status, conflict=None):
    m = loaded.milestone
    ctx = dict(m=m, unit=loaded.unit, form=form, conflict=conflict, inline=wants(f"m-{m.id}"),
               choices=service.plan_choices(loaded.plan.parent_id))
    return answer(f"m-{m.id}", lambda: render_block("milestones/edit.html", "form_row", **ctx),
                  lambda: render_template("milestones/edit.html", **ctx), status=status)


def _update(loaded, form, version, values):
    m = loaded.milestone
    return save(lambda: service.update(m, loaded.plan, version, values, user=current_user),
                record=m, form=form, differs=lambda now: service.conflict_rows(now, values),
                gone=GONE, keep_loaded=wants(f"m-{m.id}")).record


@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@requires("unit.edit", load=_loaded, unit=_unit_of)
def edit(loaded, milestone_id):
    m = loaded.milestone
    ensure_open(m)  # a closed milestone offers no form either
    form = unique_ids(MilestoneForm(obj=m if request.method == "GET" else None), f"m{m.id}-")
    version = version_of(form) if request.method == "POST" else None
    # a conflict keeps what this person typed in the form, beside the record as saved now
    return form_flow(form, values=lambda: service.values_from(form, loaded.refs),
                     store=lambda values: _update(loaded, form, version, values),
                     catch=StaleEdit, done=lambda m: _saved_row(loaded, m),
                     shown=lambda status, refused: _edit_response(
                         loaded, form, status, getattr(refused, "rows", None)))


def _saved_row(loaded, m):
    return answer(f"m-{m.id}", lambda: _row(m), back=_place(m, loaded.unit),
                  said=_("Đã lưu mốc “%(title)s”.", title=m.title))


@bp.route("/milestones/<int:milestone_id>/status", methods=["POST"])
@requires("unit.edit", load=_loaded, unit=_unit_of)
def set_status(loaded, milestone_id):
    m = loaded.milestone
    inline = wants(f"m-{m.id}")
    form = StatusForm()
    version = version_of(form)
    if not form.validate():
        raise Refused(_("Trạng thái không hợp lệ."), 422)
    try:
        m = _save_status(loaded, form, version, inline)
    except StaleEdit as stale:
        return _status_conflict(loaded, stale.current, form.status.data, stale.rows, inline)
    return answer(f"m-{m.id}", lambda: _row(m, said=True), back=_place(m, loaded.unit),
                  said=_("Đã chuyển “%(title)s” sang “%(status)s”.", title=m.title,
                         status=_(m.status_label)))


def _save_status(loaded, form, version, inline):
    m, chosen = loaded.milestone, form.status.data
    return save(lambda: service.set_status(m, loaded.plan, version, chosen, user=current_user),
                record=m, form=form, differs=lambda now: service.conflict_rows(
                    now, {**_edited(now), "status": chosen}),
                gone=GONE, keep_loaded=inline).record


def _edited(m) -> dict:
    """A milestone's values as its edit form would send them unchanged."""
    return {k: getattr(m, k) for k in ("title", "owner", "start_on", "due_on", "progress",
                                       "area", "indicator", "evidence", "status")}


def _status_conflict(loaded, now, chosen, rows, inline):
    if inline:
        said = dict(when=format_datetime(now.updated_at), now=_(now.status_label),
                    chosen=_(MILESTONE_STATUSES[chosen]))
        if saved_by_me("milestone", now.id):  # the person's own earlier change (issue 30)
            notice = _("Bạn đã cập nhật mốc này trước đó (lúc %(when)s, ở máy khác hoặc từ một "
                       "thay đổi gửi sau); trạng thái hiện là “%(now)s”. Bạn đã chọn "
                       "“%(chosen)s”: bấm lại nếu vẫn muốn đổi.", **said)
        else:
            notice = _("Mốc này vừa được người khác cập nhật (lúc %(when)s); trạng thái hiện là "
                       "“%(now)s”. Bạn đã chọn “%(chosen)s”: bấm lại nếu vẫn muốn đổi.", **said)
        return _row(now, 409, notice)
    # without JavaScript: the edit page, the chosen status kept, the difference shown
    edit_form = unique_ids(MilestoneForm(obj=now), f"m{now.id}-")
    edit_form.status.data = chosen
    edit_form.version.data = now.version
    return _edit_response(loaded, edit_form, 409, rows)


@bp.route("/milestones/<int:milestone_id>/delete", methods=["GET", "POST"])
@requires("unit.edit", load=_loaded, unit=_unit_of)
def delete(loaded, milestone_id):
    m = loaded.milestone
    ensure_open(m)  # a closed milestone offers no form either
    wants(f"m-{m.id}")
    if request.method != "POST":
        return _confirm(loaded, m)
    form = DeleteForm()
    version = version_of(form)
    try:
        save(lambda: service.delete(m, loaded.plan, version, user=current_user),
             record=m, form=form, gone=GONE, keep_loaded=True)
    except StaleEdit as stale:
        return _confirm(loaded, stale.current, changed=True, status=409)
    return answer(f"m-{m.id}", lambda: render_block("milestones/delete.html", "deleted_row", m=m),
                  back=url_for("units.show", slug=loaded.unit.slug, _anchor="milestones"),
                  said=_("Đã xóa mốc “%(title)s”.", title=m.title))


def _confirm(loaded, m, changed=False, status=200):
    ctx = dict(m=m, unit=loaded.unit, inline=wants(f"m-{m.id}"), changed=changed)
    return answer(f"m-{m.id}", lambda: render_block("milestones/delete.html", "confirm_row", **ctx),
                  lambda: render_template("milestones/delete.html", **ctx), status=status)
