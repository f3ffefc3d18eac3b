"""A person's "Việc cần làm" and notifications (marked read in one htmx request, or a
plain form with JavaScript off), their e-mail choice, and the office's reminder button."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from app.core.errors import Refused
from app.core.answers import answer, moved
from app.core.editing import save
from app.core.forms_flow import form_flow
from app.core.extensions import db
from app.notifications import bp, outbox, preferences, reminders, service
from app.notifications.forms import ReadForm, RemindForm, SettingsForm
from app.notifications.models import Notification
from app.core.params import query_int
from app.core.policy import requires
from app.reports.models import ReportingPeriod

PAGE = 30


def _mine(notification_id, **_):
    """The signed-in person's own notification, or None (someone else's is a 404)."""
    n = db.session.get(Notification, notification_id)
    return n if n is not None and n.recipient_id == current_user.id else None


def _no_unit(_record):
    return None


@bp.get("/notifications")
@requires("notification.own")
def index():
    before = query_int("before")
    stmt = (select(Notification).where(Notification.recipient_id == current_user.id)
            .order_by(Notification.id.desc()).limit(PAGE + 1))
    if before is not None:
        stmt = stmt.where(Notification.id < before)
    rows = list(db.session.scalars(stmt))
    more = rows[PAGE].id + 1 if len(rows) > PAGE else None
    return render_template("notifications/index.html", notifications=rows[:PAGE], more=more,
                           form=ReadForm())


@bp.post("/notifications/<int:notification_id>/read")
@requires("notification.own", load=_mine, unit=_no_unit)
def read(n, notification_id):
    form = ReadForm()
    if not form.validate():
        raise Refused(_("Phiên làm việc đã hết hạn. Vui lòng tải lại trang."), 400)
    save(lambda: service.mark_read(current_user.id, n.id))
    return answer(f"n-{n.id}", lambda: render_block("notifications/index.html", "row", n=n,
                                                    form=form),
                  back=url_for("notifications.index"))


@bp.post("/notifications/read-all")
@requires("notification.own")
def read_all():
    form = ReadForm()
    if not form.validate():
        raise Refused(_("Phiên làm việc đã hết hạn. Vui lòng tải lại trang."), 400)
    count = save(lambda: service.mark_read(current_user.id)).result
    flash(_("Đã đánh dấu %(n)s thông báo là đã đọc.", n=count), "success")
    return redirect(url_for("notifications.index"), 303)


@bp.route("/notifications/settings", methods=["GET", "POST"])
@requires("notification.own")
def settings():
    s = preferences.setting_of(current_user.id)
    form = SettingsForm(data={"email": s.email if s else "",
                              "email_mode": s.email_mode if s else preferences.DEFAULT_MODE,
                              "version": str(s.version) if s else ""})
    return form_flow(form, store=lambda: save(lambda: preferences.save(
        current_user, form.email.data, form.email_mode.data, form.version.data)).result,
        done=lambda changed: moved(url_for("notifications.settings"), _(
            "Đã lưu cách nhận thông báo.") if changed else _("Không có gì thay đổi.")),
        shown=lambda status, _refused: (render_template(
            "notifications/settings.html", form=form, mail_on=outbox.mail_on()), status))


def _period(period_id, **_):
    return db.session.get(ReportingPeriod, period_id)


@bp.post("/reports/periods/<int:period_id>/remind")
@requires("report.remind", load=_period, unit=_no_unit)
def remind(period, period_id):
    form = RemindForm()
    if not form.validate():
        raise Refused(_("Phiên làm việc đã hết hạn. Vui lòng tải lại trang."), 400)
    _say_reminded(period, *save(lambda: reminders.remind_now(
        period, current_user._get_current_object())).result)
    return redirect(url_for("reports.completeness", year=period.year, kind=period.kind,
                            period=period.id), 303)


def _say_reminded(period, sent, again, nobody):
    """Who was reminded, or why nobody was: those already reminded today, none left to
    remind, units with no account to tell."""
    if sent:
        flash(_("Đã nhắc %(n)s đơn vị chưa nộp báo cáo %(p)s.", n=sent, p=period.shown_label),
              "success")
    elif again:
        flash(_("Các đơn vị chưa nộp đã được nhắc hôm nay."), "success")
    elif not nobody:
        flash(_("Không còn đơn vị nào chưa nộp báo cáo %(p)s.", p=period.shown_label), "success")
    if nobody:
        flash(_("Chưa nhắc được %(n)s đơn vị vì chưa có tài khoản: %(names)s.", n=len(nobody),
                names=", ".join(nobody)), "warning")
