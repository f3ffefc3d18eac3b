"""The secretariat's settings page: completion thresholds, the council's passing share,
the legal bases of a decision (app/emulation/settings.py keeps the rules)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.core.editing import save
from app.emulation import bp, settings
from app.emulation.forms import SettingsForm
from app.core.errors import Refused
from app.core.policy import requires
from app.core.vietnamese import VNInputError, parse_number


def _versions_text(versions) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(versions.items()))


def _posted_versions(text: str) -> dict:
    out = {}
    for part in (text or "").split(";"):
        key, _sep, value = part.partition("=")
        if key in settings.DEFAULTS and value.isascii() and value.isdigit() and len(value) < 10:
            out[key] = int(value)
    return out


def _number_or_none(text):
    try:
        return parse_number(text)
    except VNInputError:
        return None


@bp.route("/emulation/settings", methods=["GET", "POST"])
@requires("emulation.manage")
def settings_page():
    if request.method == "GET":
        values = settings.current()
        form = SettingsForm(formdata=None, data={
            **{k: values.raw[k] and _number_or_none(values.raw[k]) for k in settings.NUMBERS},
            "decision_bases": values.raw["decision_bases"]})
        form.versions.data = _versions_text(values.versions)
        return render_template("emulation/settings.html", form=form, values=values)
    form = SettingsForm()
    status, conflict = 422, False
    if form.validate():
        try:
            changed = save(lambda: settings.save({k: form[k].data for k in settings.NUMBERS},
                                                 form.decision_bases.data or "",
                                                 _posted_versions(form.versions.data)),
                           message=_("Cài đặt vừa được người khác thay đổi.")).result
        except Refused as e:
            e.apply_to(form)
            status, conflict, flash_now = e.status, e.conflict, e.message
        else:
            flash(_("Đã lưu cài đặt.") if changed else _("Không có gì thay đổi."), "success")
            return redirect(url_for("emulation.settings_page"), 303)
    else:
        flash_now = _("Vui lòng kiểm tra lại các ô được đánh dấu.")
    current = settings.current()  # as stored now: after a conflict, the other save
    if conflict:
        form.versions.data = _versions_text(current.versions)
    return render_template("emulation/settings.html", form=form, values=current,
                           stored=current if conflict else None, message=flash_now), status
