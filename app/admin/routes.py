"""Administration (issue 9): accounts and units. Only the administrator reaches these
pages (policy actions admin.accounts and admin.units); app/admin/service.py holds the rules.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import func, select

from app.core.answers import answer, moved
from app.core.editing import choice_difference, differences, save
from app.core.errors import Refused
from app.core.forms_flow import form_flow
from app.core.locking import StaleEdit
from app.admin import bp, service
from app.admin.forms import AccountActionForm, AccountForm, ArchiveForm, UnitForm
from app.units.choices import choices, unit_order, units_for_choice
from app.auth.models import ROLES, User
from app.core.extensions import db
from app.notifications import preferences
from app.notifications import service as notices
from app.core.policy import requires
from app.units.models import Unit
from app.core.vietnamese import fold, sort_key

INVALID, CONFLICT = 422, 409


def _no_store(response_tuple):
    """A page that shows a temporary password must not stay in any cache."""
    body, status = response_tuple
    return body, status, {"Cache-Control": "no-store"}


# ---- accounts ----

def matching_accounts(users, q: str) -> list[User]:
    """Accounts whose name, username, position or unit contains q, accents ignored;
    sorted the Vietnamese way by full name."""
    needle = fold(q)
    found = [u for u in users if not needle or needle in fold(
        " ".join((u.full_name, u.username, u.position, u.unit.name if u.unit else "")))]
    return sorted(found, key=lambda u: (sort_key(u.full_name), u.username_key))


@bp.route("/admin/accounts")
@requires("admin.accounts")
def accounts():
    q = request.args.get("q", "", type=str)[:100]
    users = matching_accounts(db.session.scalars(select(User)).unique(), q)
    context = {"users": users, "q": q, "roles": ROLES}
    # one URL: the whole page, or only the rows for the live search
    return answer("account-rows", lambda: render_block("admin/accounts.html", "rows", **context),
                  lambda: render_template("admin/accounts.html", **context))


def _account_form(user=None):
    form = AccountForm(obj=user)
    form.unit_id.choices = choices(units_for_choice([user.unit_id] if user else []),
                                   blank=_("— Không thuộc đơn vị nào —"))
    if user is not None and request.method == "GET":
        form.roles.data = sorted(user.roles)
        setting = preferences.setting_of(user.id)
        form.email.data = setting.email if setting else ""
    return form


def _save_email(user, form) -> bool:
    """The address typed on the account form (issue 19); the holder keeps their choice of
    how often, and is told when the administrator changed it."""
    setting = preferences.setting_of(user.id)
    if setting is None and not form.email.data:
        return False
    mode = setting.email_mode if setting else preferences.DEFAULT_MODE
    changed = preferences.save(user, form.email.data or "", mode, actor=current_user)
    if changed and setting is not None:
        notices.account_changed(user, current_user, "email")
    return changed


def _account_page(form, user=None, conflicts=None, status=200):
    return render_template("admin/account_edit.html", form=form, user=user,
                           conflicts=conflicts, actions=AccountActionForm(), roles=ROLES), status


@bp.route("/admin/accounts/new", methods=["GET", "POST"])
@requires("admin.accounts")
def new_account():
    form = _account_form()
    # a duplicate username: the same one, a moment ago, by someone else
    return form_flow(form, field="roles", invalid=INVALID,
                     store=lambda: save(lambda: _create_account(form), token=form.token.data,
                                        taken=("username", _("Tên đăng nhập này vừa được dùng; "
                                                             "hãy chọn tên khác."))),
                     done=_account_created,
                     shown=lambda status, _refused: _account_page(form, status=status))


def _create_account(form):
    user, password = service.create_account(
        current_user, form.username.data, form.full_name.data, form.position.data or "",
        form.unit_id.data, form.roles.data or [])
    if form.email.data:
        _save_email(user, form)
    return user, password


def _account_created(saved):
    if saved.again:
        return moved(url_for("admin.accounts"), (_(
            "Tài khoản này đã được tạo. Nếu chưa thấy mật khẩu tạm thời, hãy mở tài khoản và "
            "đặt lại mật khẩu."), "info"))
    user, password = saved.result
    # shown once, in this response only: never in a URL, a flash cookie or the log
    return _no_store((render_template("admin/temporary_password.html", user=user,
                                      password=password, created=True), 200))


def _user_or_404(user_id) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/admin/accounts/<int:user_id>", methods=["GET", "POST"])
@requires("admin.accounts")
def edit_account(user_id):
    user = _user_or_404(user_id)
    form = _account_form(user)
    del form.username  # a username never changes: it is how the person signs in
    return form_flow(form, field="roles", invalid=INVALID,
                     store=lambda: save(lambda: _update_account(user, form), record=user,
                                        form=form, differs=lambda now: _account_rows(form, now)),
                     done=lambda saved: moved(url_for("admin.accounts"), (
                         _("Đã lưu tài khoản %(name)s.", name=user.username)
                         if saved.again or saved.result else _("Không có gì thay đổi."),
                         "success"), 302),
                     shown=lambda status, refused: _account_again(form, user, status, refused))


def _account_again(form, user, status, refused):
    """The account's form; after a conflict, beside the account as stored now."""
    if isinstance(refused, StaleEdit):
        return _account_page(form, refused.current, refused.rows, CONFLICT)
    return _account_page(form, user, status=status if refused is None else INVALID)


def _update_account(user, form):
    changed = service.update_account(current_user, user, form.full_name.data,
                                     form.position.data or "", form.unit_id.data,
                                     form.roles.data or [])
    return _save_email(user, form) or changed


def _account_rows(form, user):
    setting = preferences.setting_of(user.id)
    stored_email = setting.email if setting else ""
    return [*differences(form, user, ("full_name", "position", "unit_id")),
            *choice_difference(form.roles, form.roles.data, user.roles, ROLES),
            *([(form.email.label.text, form.email.data or "—", stored_email or "—")]
              if (form.email.data or "") != stored_email else [])]


@bp.route("/admin/accounts/<int:user_id>/active", methods=["POST"])
@requires("admin.accounts")
def set_active(user_id):
    user = _user_or_404(user_id)
    form = AccountActionForm()
    if not form.validate_on_submit() or form.active.data not in ("0", "1"):
        raise Refused(status=400)
    active = form.active.data == "1"
    try:
        save(lambda: service.set_active(current_user, user, active), record=user, form=form)
    except StaleEdit:
        return moved(url_for("admin.edit_account", user_id=user_id), (_(
            "Tài khoản vừa được người khác thay đổi; hãy xem lại rồi thao tác lại."), "error"), 302)
    except Refused as refused:
        return _refused_page(user, refused)
    return moved(url_for("admin.edit_account", user_id=user_id), _active_said(user, active), 302)


def _active_said(user, active):
    if active:
        return _("Đã mở khóa tài khoản %(name)s.", name=user.username)
    return _("Đã khóa tài khoản %(name)s; mọi phiên đăng nhập của tài khoản đã kết thúc.",
             name=user.username)


def _refused_page(user, refused):
    """A refused action: the account page again, with the reason, as a 409."""
    form = _account_form(user)
    del form.username
    form.version.data = user.version
    form.roles.data = sorted(user.roles)
    return render_template("admin/account_edit.html", form=form, user=user, conflicts=None,
                           actions=AccountActionForm(), roles=ROLES,
                           refused=refused.messages), CONFLICT


@bp.route("/admin/accounts/<int:user_id>/reset-password", methods=["POST"])
@requires("admin.accounts")
def reset_password(user_id):
    user = _user_or_404(user_id)
    form = AccountActionForm()
    if not form.validate_on_submit():
        raise Refused(status=400)
    try:
        password = save(lambda: service.reset_password(current_user, user), record=user).result
    except StaleEdit:
        raise Refused(status=409) from None  # the general sentence: nothing typed to keep
    except Refused as refused:
        return _refused_page(user, refused)
    return _no_store((render_template("admin/temporary_password.html", user=user,
                                      password=password, created=False), 200))


# ---- units ----

@bp.route("/admin/units")
@requires("admin.units")
def units():
    all_units = sorted(db.session.scalars(select(Unit)), key=unit_order)
    counts = dict(db.session.execute(
        select(User.unit_id, func.count(User.id)).where(User.active.is_(True))
        .group_by(User.unit_id)).all())
    by_id = {u.id: u for u in all_units}
    return render_template("admin/units.html", units=all_units, counts=counts, by_id=by_id)


def _unit_form(unit=None, creating=False):
    form = UnitForm(obj=unit, creating=creating)
    keep = [unit.parent_id] if unit else []
    candidates = [u for u in units_for_choice(keep) if unit is None or u.id != unit.id]
    form.parent_id.choices = choices(candidates, blank=_("— Không có (đơn vị gốc) —"))
    return form


def _unit_page(form, unit=None, conflicts=None, status=200, archive=None):
    if unit is not None and archive is None:
        archive = _archive_form(unit)
    return render_template("admin/unit_edit.html", form=form, unit=unit, conflicts=conflicts,
                           archive=archive), status


def _archive_form(unit):
    form = ArchiveForm()
    form.move_accounts_to.choices = choices(
        [u for u in units_for_choice() if u.id != unit.id],
        blank=_("— Giữ nguyên tài khoản ở đơn vị này —"))
    if request.method == "GET" or form.version.data is None:
        form.version.data = unit.version
    return form


def _unit_or_404(unit_id) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    return unit


@bp.route("/admin/units/new", methods=["GET", "POST"])
@requires("admin.units")
def new_unit():
    form = _unit_form(creating=True)
    return form_flow(form, field="slug", invalid=INVALID,
                     store=lambda: save(lambda: service.create_unit(
                         current_user, form.slug.data, form.name.data,
                         form.short_name.data or "", form.kind.data, form.parent_id.data),
                         token=form.token.data,
                         taken=("slug", _("Mã này vừa được dùng; hãy chọn mã khác."))),
                     done=_unit_created,
                     shown=lambda status, _refused: _unit_page(form, status=status))


def _unit_created(saved):
    if saved.again:
        return moved(url_for("admin.units"), (_("Đơn vị này đã được tạo."), "info"))
    return moved(url_for("admin.units"), _("Đã tạo đơn vị %(name)s.", name=saved.record.name),
                 302)


@bp.route("/admin/units/<int:unit_id>", methods=["GET", "POST"])
@requires("admin.units")
def edit_unit(unit_id):
    unit = _unit_or_404(unit_id)
    form = _unit_form(unit)
    return form_flow(form, field="name", invalid=INVALID,
                     store=lambda: save(lambda: service.update_unit(
                         current_user, unit, form.name.data, form.short_name.data or "",
                         form.kind.data, form.parent_id.data),
                         record=unit, form=form,
                         differs=lambda now: differences(form, now, UNIT_FIELDS)),
                     done=lambda saved: _unit_saved(unit, form, saved.again or saved.result),
                     shown=lambda status, refused: _unit_again(form, unit, status, refused))


def _unit_again(form, unit, status, refused):
    """The unit's form; after a conflict, beside the unit as stored now."""
    if isinstance(refused, StaleEdit):
        return _unit_page(form, refused.current, refused.rows, CONFLICT)
    return _unit_page(form, unit, status=status if refused is None else INVALID)


def _unit_saved(unit, form, changed):
    flash(_("Đã lưu đơn vị %(name)s.", name=unit.name) if changed
          else _("Không có gì thay đổi."), "success")
    if changed and unit.short_name and form.name.data != form.name.object_data:
        flash(_("Tên viết tắt “%(short)s” vẫn hiện thay cho tên mới ở bảng điều hành, các danh "
                "sách, chỉ tiêu và văn bản. Sửa hoặc để trống nếu cần.", short=unit.short_name),
              "warning")
    return redirect(url_for("admin.units"))


UNIT_FIELDS = ("name", "short_name", "kind", "parent_id")


@bp.route("/admin/units/<int:unit_id>/archive", methods=["POST"])
@requires("admin.units")
def archive_unit(unit_id):
    unit = _unit_or_404(unit_id)
    archive = _archive_form(unit)
    form = _unit_form(unit)
    if not archive.validate_on_submit():
        return _unit_page(form, unit, status=INVALID, archive=archive)
    try:
        n = save(lambda: service.archive_unit(current_user, unit, archive.move_accounts_to.data),
                 record=unit, form=archive).result
    except StaleEdit:
        return moved(url_for("admin.edit_unit", unit_id=unit_id), (_(
            "Đơn vị vừa được người khác thay đổi; hãy xem lại rồi thao tác lại."), "error"), 302)
    except Refused as refused:
        archive.move_accounts_to.errors.extend(refused.messages)
        return _unit_page(_unit_form(unit), unit, status=CONFLICT, archive=archive)
    return moved(url_for("admin.units"), _archived_said(unit, n), 302)


def _archived_said(unit, moved_accounts: int) -> str:
    said = _("Đã lưu trữ đơn vị %(name)s; lịch sử của đơn vị được giữ nguyên.", name=unit.name)
    if moved_accounts:
        said += " " + _("Đã chuyển %(n)d tài khoản.", n=moved_accounts)
    return said


@bp.route("/admin/units/<int:unit_id>/restore", methods=["POST"])
@requires("admin.units")
def restore_unit(unit_id):
    unit = _unit_or_404(unit_id)
    form = AccountActionForm()
    if not form.validate_on_submit():
        raise Refused(status=400)
    try:
        save(lambda: service.restore_unit(current_user, unit))
    except Refused as refused:
        flash(str(refused.message), "error")
        return redirect(url_for("admin.edit_unit", unit_id=unit_id))
    flash(_("Đã khôi phục đơn vị %(name)s.", name=unit.name), "success")
    return redirect(url_for("admin.units"))
