"""A unit's report for a period: the page, the draft saved (a plain post, or htmx's autosave)
and the report sent. The policy loads the report's context (unit, period, report) once."""
import re
from datetime import datetime

from flask import request
from flask_babel import gettext as _
from jinja2_fragments.flask import render_block
from app.audit.service import saved_by_me
from app.core.answers import moved
from app.core.editing import save as saving, version_of
from app.core.errors import Refused
from app.core.locking import StaleEdit
from app.core.policy import requires
from app.reports import bp, queries, services
from app.reports import figures as fig
from app.reports.forms import ReportForm, report_form_class
from app.reports.routes._common import (figure_errors, fresh, merged_draft, page,
                                        posted_token, report_url, stale_page)
from app.reports.services import SECTION_KEYS
from app.core.vietnamese import VN_TZ, format_datetime, nfc

FIGURE_KEY = re.compile(r"([ve])_([0-9]{1,9})")
MAX_DRAFT_FIGURE = 100
MAX_DRAFT_ENTRIES = 300
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _posted_draft(form=None):
    """Sections and figure boxes as typed, from the report form's post. Only the boxes
    posted are touched, so a partial post never blanks the rest."""
    form = form or ReportForm()
    errors = []
    for key in SECTION_KEYS:
        if key in request.form and not form[key].validate(form):
            errors.extend(form[key].errors)
    sections = {key: form[key].data or "" for key in SECTION_KEYS if key in request.form}
    entries: dict[int, dict[str, str]] = {}
    for name, value in request.form.items():
        m = FIGURE_KEY.fullmatch(name)
        if m:
            entries.setdefault(int(m[2]), {})[m[1]] = nfc(value).strip()
    for entry in entries.values():
        if len(entry.get("v", "")) > MAX_DRAFT_FIGURE:
            errors.append(_("Số liệu quá dài."))
        if len(entry.get("e", "")) > fig.MAX_EXPLANATION:
            errors.append(_("Giải trình quá dài (tối đa %(n)s ký tự).", n=fig.MAX_EXPLANATION))
        if any(CONTROL.search(v) for v in entry.values()):
            errors.append(_("Nội dung có ký tự điều khiển không hiển thị được; hãy xoá chúng."))
    if len(entries) > MAX_DRAFT_ENTRIES:
        errors.append(_("Quá nhiều ô số liệu."))
    if errors:
        raise Refused(errors[0], 422)
    return form, sections, entries


@bp.get("/units/<slug>/reports/<int:period_id>")
@requires("report.view", load=queries.report_context, unit=queries.unit_of_context)
def report(ctx, slug, period_id):
    return page(ctx)


@bp.post("/units/<slug>/reports/<int:period_id>")
@requires("report.edit", load=queries.report_context, unit=queries.unit_of_context)
def save(ctx, slug, period_id):
    """Save draft without JavaScript: post, redirect, get."""
    indicators = queries.indicators_to_report(ctx.unit.id, ctx.period.year)
    posted = report_form_class(indicators)()
    figure_errors(posted, indicators)
    version = version_of(posted, required=False)
    return _settled(ctx, posted, lambda: _save_posted(ctx, posted, indicators, version),
                    lambda: moved(report_url(ctx), _draft_said(posted, indicators), 302))


def _save_posted(ctx, posted, indicators, version):
    """The draft as posted over the stored one, only the boxes of this unit's indicators."""
    _form, sections, entries = _posted_draft()
    draft = merged_draft(ctx.report, entries, {i.id for i in indicators})
    where = _where(ctx)
    return saving(lambda: services.save_draft(ctx, sections, draft, version,
                                              posted_token(posted.draft_token.data)),
                  reload=lambda: fresh(*where), message=_(
        "Báo cáo vừa được lưu ở nơi khác. Nội dung bạn nhập vẫn còn dưới đây; hãy lưu lại."))


def _draft_said(posted, indicators):
    """What a draft saved says: the boxes not yet valid are kept as typed, and the page
    lists them at the top, each a link to its box."""
    bad = sum(1 for ind in indicators if posted[f"v_{ind.id}"].errors)
    if bad:
        return _("Đã lưu nháp; còn %(n)s ô chưa hợp lệ.", n=bad), "warning"
    return _("Đã lưu nháp."), "success"


def _where(ctx):
    """The report's slug and period, read before a save: after a rollback its context is
    loaded again from them (fresh) without reloading the unit first."""
    return ctx.unit.slug, ctx.period.id


def _settled(ctx, form, store, done):
    """store(), then done(); a save refused shows the report page again with what was
    typed: beside the report as someone else saved it (stale_page), or as stored now with
    the refusal's message and its fields on the form."""
    where = _where(ctx)
    try:
        store()
    except StaleEdit as e:
        return stale_page(ctx, form, e)
    except Refused as e:
        e.apply_to(form)
        return page(fresh(*where), form=form, status=e.status, message=e.message)
    return done()


@bp.post("/units/<slug>/reports/<int:period_id>/draft")
@requires("report.edit", load=queries.report_context, unit=queries.unit_of_context)
def autosave(ctx, slug, period_id):
    """The htmx autosave: a tiny "saved at" fragment, and the new version out of band."""
    form = ReportForm()
    version = version_of(form, required=False)
    try:
        report = _autosaved(ctx, form, version)
    except StaleEdit as e:
        return _status(409, _clash(e))
    except Refused as e:
        return _status(e.status, str(e.message))
    return render_block("reports/report.html", "save_status",
                        saved_at=f"{datetime.now(VN_TZ):%H:%M}", version=report.version)


def _autosaved(ctx, form, version):
    """The boxes the autosave sent over the stored draft, kept loaded for its fragment."""
    _form, sections, entries = _posted_draft(form)
    saved = saving(lambda: services.save_draft(
        ctx, sections, merged_draft(ctx.report, entries), version,
        posted_token(form.draft_token.data)), keep_loaded=True, message=_(
            "Có người vừa lưu báo cáo này ở nơi khác. Bấm “Lưu nháp” để xem hai bản cạnh "
            "nhau."))
    report, _changed = saved.result
    return report


def _clash(stale: StaleEdit) -> str:
    """What the autosave says when a newer save was made meanwhile: the person's own (another
    device, or an earlier change sent late) said as theirs, never as someone else's."""
    if stale.current is None:
        return stale.message
    if saved_by_me("report", stale.current.id):
        return _("Bạn đã lưu bản mới hơn của báo cáo này (lúc %(t)s, ở máy khác hoặc từ một "
                 "thay đổi gửi sau). Bấm “Lưu nháp” để xem hai bản cạnh nhau; nội dung bạn "
                 "nhập vẫn còn trên trang.", t=format_datetime(stale.current.updated_at))
    return _("Có người vừa lưu báo cáo này ở nơi khác. Bấm “Lưu nháp” để xem hai bản cạnh "
             "nhau; nội dung bạn nhập vẫn còn trên trang.")


def _status(code, message):
    """The autosave's answer when it could not save: said where "saved at" would be."""
    return render_block("reports/report.html", "save_status", problem=message), code


@bp.post("/units/<slug>/reports/<int:period_id>/submit")
@requires("report.edit", load=queries.report_context, unit=queries.unit_of_context)
def submit(ctx, slug, period_id):
    indicators = queries.indicators_to_report(ctx.unit.id, ctx.period.year)
    form = report_form_class(indicators)()
    if not form.validate():
        return page(ctx, form=form, status=422,
                    message=_("Báo cáo chưa gửi được: vui lòng sửa các ô được đánh dấu."))
    return _settled(ctx, form, lambda: _submit_posted(ctx, form, indicators), lambda: moved(
        report_url(ctx), _("Đã gửi báo cáo. Phòng Văn hóa – Xã hội sẽ xem và duyệt."), 302))


def _submit_posted(ctx, form, indicators):
    """The report sent as the valid form has it, its figures checked against those accepted
    and pending."""
    accepted, pending = queries.accepted_and_pending([i.id for i in indicators],
                                                     ctx.period.year, ctx.unit.id)
    where = _where(ctx)
    return saving(lambda: services.submit(
        ctx, {key: form[key].data or "" for key in SECTION_KEYS},
        {i.id: form[f"v_{i.id}"].data for i in indicators},
        {i.id: form[f"e_{i.id}"].data or "" for i in indicators},
        form.version.data, posted_token(form.draft_token.data), indicators, accepted, pending),
        reload=lambda: fresh(*where), message=_(
        "Báo cáo vừa được lưu ở nơi khác. Nội dung bạn nhập vẫn còn dưới đây; hãy gửi lại."))
