"""A report's figures offline: the template a unit downloads, fills in Excel and uploads back
into its draft."""
from flask import Response, abort, flash, redirect, request
from flask_babel import gettext as _
from app.core.editing import save
from app.core.errors import Refused
from app.core.locking import StaleEdit
from app.core.policy import ensure_open, requires
from app.reports import bp, queries, services, xlsx
from app.reports import figures as fig
from app.reports.routes._common import XLSX, fresh, merged_draft, page, report_url


@bp.get("/units/<slug>/reports/<int:period_id>/template.xlsx")
@requires("report.edit", load=queries.report_context, unit=queries.unit_of_context)
def template_xlsx(ctx, slug, period_id):
    if ctx.report is None and not ctx.expected:
        abort(404)
    indicators = queries.indicators_to_report(ctx.unit.id, ctx.period.year)
    draft = fig.load_draft(ctx.report.figures_draft) if ctx.report else {}
    data = xlsx.template_workbook(ctx.unit, ctx.period, indicators, draft)
    p = ctx.period
    name = f"so-lieu-{ctx.unit.slug}-{p.year}-{p.kind}-{p.number:02d}.xlsx"
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/units/<slug>/reports/<int:period_id>/upload")
@requires("report.edit", load=queries.report_context, unit=queries.unit_of_context)
def upload(ctx, slug, period_id):
    """The filled template's figures go into the draft, all or nothing. The upload is its
    own deliberate act, so it is not held to the page's version."""
    if ctx.report is not None:
        ensure_open(ctx.report)
    indicators = queries.indicators_to_report(ctx.unit.id, ctx.period.year)
    try:
        got = xlsx.read_upload(_uploaded(), ctx.unit, ctx.period, indicators)
    except Refused as e:  # nothing written yet: what is wrong, listed under the upload form
        return page(ctx, status=e.status, upload_errors=xlsx.problems(e),
                    message=xlsx.NOT_IMPORTED)
    try:
        save(lambda: _import(ctx, indicators, got))
    except StaleEdit:
        return page(fresh(slug, period_id), status=409, message=_(
            "Báo cáo vừa được lưu ở nơi khác; hãy tải tệp lên lại."))
    _say_imported(got)
    return redirect(report_url(ctx))


def _uploaded() -> bytes:
    """The uploaded file's first bytes, one more than an upload may have (read_upload
    refuses a longer one)."""
    file = request.files.get("file")
    return file.stream.read(xlsx.MAX_UPLOAD_BYTES + 1) if file else b""


def _import(ctx, indicators, got):
    """The file's figures and explanations over the stored draft, as one import."""
    by_id = {i.id: i for i in indicators}
    draft = merged_draft(ctx.report, {
        i: {"v": fig.draft_text(by_id[i], v), "e": got.explanations.get(i, "")}
        for i, v in got.values.items()})
    return services.save_draft(ctx, {}, draft, ctx.report.version if ctx.report else None, "",
                               action="report.import")


def _say_imported(got):
    """Say exactly what was taken and what was left, and why (issue 16)."""
    flash(_("Đã nhập %(n)s số liệu từ tệp Excel vào bản nháp. Hãy kiểm tra rồi gửi.",
            n=len(got.values)), "success")
    if got.blank:
        flash(_("Để nguyên %(n)s chỉ tiêu vì ô Thực hiện trong kỳ để trống: %(codes)s.",
                n=len(got.blank), codes=", ".join(got.blank)), "info")
