"""The secretariat's settings page: completion thresholds, the council's passing share,
the legal bases of a decision (app/emulation/settings.py keeps the rules)."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _

from app.core.answers import moved
from app.core.editing import save
from app.core.forms_flow import form_flow
from app.emulation import bp, settings
from app.emulation.forms import SettingsForm
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
        return _stored_page(settings.current())
    form = SettingsForm()
    return form_flow(form, store=lambda: save(lambda: settings.save(
        {k: form[k].data for k in settings.NUMBERS}, form.decision_bases.data or "",
        _posted_versions(form.versions.data)),
        message=_("Cài đặt vừa được người khác thay đổi.")).result,
        done=lambda changed: moved(url_for("emulation.settings_page"), _("Đã lưu cài đặt.")
                                   if changed else _("Không có gì thay đổi.")),
        shown=lambda status, refused: _settings_again(form, status, refused))


def _stored_page(values):
    form = SettingsForm(formdata=None, data={
        **{k: values.raw[k] and _number_or_none(values.raw[k]) for k in settings.NUMBERS},
        "decision_bases": values.raw["decision_bases"]})
    form.versions.data = _versions_text(values.versions)
    return render_template("emulation/settings.html", form=form, values=values)


def _settings_again(form, status, refused):
    """The form with what was typed; after a conflict, beside the settings as stored now."""
    current = settings.current()  # as stored now: after a conflict, the other save
    conflict = refused is not None and refused.conflict
    if conflict:
        form.versions.data = _versions_text(current.versions)
    message = refused.message if refused is not None else _(
        "Vui lòng kiểm tra lại các ô được đánh dấu.")
    return render_template("emulation/settings.html", form=form, values=current,
                           stored=current if conflict else None, message=message), status
