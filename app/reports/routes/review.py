"""A sent report reviewed: accepted (its figures become the indicators' values), returned
to its unit with the reason, or commented on."""
from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from app.core import idempotency
from app.core.answers import moved
from app.comments import service as comments
from app.core.editing import save
from app.core.errors import Refused
from app.core.policy import requires
from app.reports import bp, queries, services
from app.reports.forms import CommentForm, ReviewForm
from app.reports.routes._common import context_of, page, report_url


def _again(report_id):
    """After a rollback: the report as stored now."""
    return queries.report_by_id(report_id) or abort(404)


def _review(report, report_id, act):
    form = ReviewForm()
    if not form.validate():
        return page(context_of(report), status=422, review_form=form,
                    message=_("Vui lòng kiểm tra lại các ô được đánh dấu."))
    try:
        said = save(lambda: act(report, form), message=_(
            "Báo cáo vừa được người khác xử lý. Vui lòng xem lại.")).result
    except Refused as e:  # a step already taken, or taken by someone else meanwhile
        report = _again(report_id)
        e.apply_to(form)
        form.version.data = report.version
        return page(context_of(report), status=e.status, message=e.message, review_form=form)
    flash(said, "success")
    return redirect(report_url(report))


@bp.post("/reports/<int:report_id>/accept")
@requires("report.review", load=queries.report_by_id)
def accept(report, report_id):
    def act(report, form):
        indicators = queries.indicators_to_report(report.unit_id, report.period.year)
        accepted = queries.accepted_figures([i.id for i in indicators], report.period.year)
        n = services.accept(report, form.version.data, indicators, accepted,
                            checked=request.form.get("checked") == "1")
        return _("Đã duyệt báo cáo; %(n)s số liệu đã được ghi nhận vào chỉ tiêu.", n=n)
    return _review(report, report_id, act)


@bp.post("/reports/<int:report_id>/return")
@requires("report.review", load=queries.report_by_id)
def return_(report, report_id):
    def act(report, form):
        services.return_report(report, form.version.data,
                               form.comment.data or "")
        return _("Đã trả lại báo cáo cho đơn vị kèm ý kiến.")
    return _review(report, report_id, act)


@bp.post("/reports/<int:report_id>/comments")
@requires("comment.add", load=queries.report_by_id)
def comment(report, report_id):
    form = CommentForm()
    if not form.validate():
        return page(context_of(report), status=422, comment_form=form,
                    message=_("Ý kiến chưa gửi được: vui lòng kiểm tra lại."))
    back = report_url(report)  # read before a replay's rollback expires the report
    try:
        _c, again = save(lambda: comments.post(
            "report", report.id, unit_id=report.unit_id, body=form.comment.data,
            user=current_user._get_current_object(), token=idempotency.token_of(form),
            field="comment")).result
    except Refused as e:
        return page(context_of(report), status=e.status, message=e.message, comment_form=form)
    return _commented(back, again)


def _commented(back, again):
    """A comment sent twice is answered as the first was (its page, said once more)."""
    if again:
        return moved(back, _("Ý kiến này đã được gửi."))
    return moved(back, _("Đã gửi ý kiến."), 302)
