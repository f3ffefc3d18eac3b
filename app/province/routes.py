"""The province's pages (issue 31): the list of communes, a commune's card, and — for the
province's administrator — a commune added from its plan file, and another administrator
added to one. A province account opens a commune's pages from here (viewing.py)."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.communes.models import Commune
from app.core.answers import moved
from app.core.editing import save
from app.core.extensions import db
from app.core.forms_flow import form_flow
from app.core.i18n import gettext as _
from app.core.policy import can, requires
from app.province import bp, service, viewing
from app.province.forms import AdminFields, NewCommuneForm, ViewForm


def load_commune(commune):
    return db.session.scalar(select(Commune).where(Commune.slug == commune))


@bp.route("/")
@requires("province.communes")
def index():
    return render_template("province/index.html", rows=service.commune_rows(),
                           view_form=ViewForm())


@bp.route("/communes/<commune>")
@requires("province.communes", load=load_commune)
def commune(record, commune):
    admins = service.administrators(record) if can(current_user, "province.manage") else None
    return render_template("province/commune.html", commune=record, admins=admins,
                           view_form=ViewForm())


@bp.route("/communes/<commune>/view", methods=["POST"])
@requires("province.communes", load=load_commune)
def view(record, commune):
    """Open the commune's pages, read-only, until another is chosen."""
    viewing.choose(record)
    return redirect(url_for("dashboard.index"), 303)


@bp.route("/communes/new", methods=["GET", "POST"])
@requires("province.manage")
def new_commune():
    form = NewCommuneForm()
    return form_flow(
        form, field="plan_file",
        store=lambda: save(lambda: service.add_commune(
            current_user, _uploaded(), form.username.data, form.full_name.data,
            form.password.data), taken=("plan_file", _("Xã này vừa được tạo."))),
        done=lambda saved: moved(url_for("province.commune", commune=saved.result.slug), _(
            "Đã tạo xã %(name)s cùng quản trị viên %(username)s.", name=saved.result.name,
            username=form.username.data)),
        shown=lambda status, _refused: (render_template("province/new_commune.html",
                                                        form=form), status))


def _uploaded() -> bytes:
    """The uploaded plan file's bytes, one more than a plan file may have (read_plan refuses
    a longer one)."""
    file = request.files.get("plan_file")
    return file.stream.read(service.MAX_PLAN_BYTES + 1) if file else b""


@bp.route("/communes/<commune>/admins/new", methods=["GET", "POST"])
@requires("province.manage", load=load_commune)
def new_admin(record, commune):
    form = AdminFields()
    return form_flow(
        form, field="username",
        store=lambda: save(lambda: service.add_admin(
            current_user, record, form.username.data, form.full_name.data, form.password.data),
            taken=("username", _("Tên đăng nhập này vừa được dùng; hãy chọn tên khác."))),
        done=lambda saved: moved(url_for("province.commune", commune=record.slug), _(
            "Đã thêm quản trị viên %(username)s cho xã %(name)s.",
            username=form.username.data, name=record.name)),
        shown=lambda status, _refused: (render_template("province/new_admin.html", form=form,
                                                        commune=record), status))
