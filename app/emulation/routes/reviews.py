"""Reviews (sơ kết 6 tháng, tổng kết năm): the review page with its scores and ranking, the
report's own text and its Decree 30 .docx, and each unit's score sheet — computed from the
figures, milestones and reports, with what the secretariat enters by hand."""
from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from app.core.answers import moved
from app.core.editing import save
from app.core.forms_flow import form_flow, stored_of
from app.emulation import bp, documents, queries, scoring, settings
from app.emulation.forms import NewReviewForm, ReviewForm, StepForm, sheet_form_class
from app.emulation.models import DERIVED
from app.emulation.routes._common import DOCX, attachment, commune_wide
from app.emulation.services import reviews as service
from app.core.errors import Refused
from app.core.locking import StaleEdit
from app.evidence.dossier import of_year_by_unit
from app.core.extensions import db
from app.core.policy import can, requires, unit_scope
from app.reports.commune import indicator_rows
from app.reports.completeness import rate_to_date
from app.reports.queries import accepted_figures
from app.units.models import UNIT_KINDS
from app.core.vietnamese import today as vn_today


@bp.post("/emulation/reviews/new")
@requires("emulation.manage")
def new_review():
    year = queries.requested_year()
    form = NewReviewForm()
    if not form.validate():
        flash(_("Lựa chọn không hợp lệ; hãy chọn trong danh sách."), "error")
        return redirect(url_for("emulation.index", year=year), 303)
    try:  # the same review made a moment ago by someone else: a duplicate key
        review = save(lambda: service.create_review(year, form.kind.data),
                      message=_("Đợt này đã có.")).record
    except Refused as e:
        flash(str(e.message), "error")
        return redirect(url_for("emulation.index", year=year), 303)
    flash(_("Đã tạo đợt “%(title)s”.", title=review.title), "success")
    return redirect(url_for("emulation.review", review_id=review.id), 303)


def _ranked(sheets):
    """(kind, [(rank, sheet, total)]) in the commune's order of kinds."""
    by_kind: dict[str, list] = {}
    for s in sheets:
        by_kind.setdefault(s.unit.kind, []).append((s, s.total))
    order = list(UNIT_KINDS)
    return [(k, scoring.ranking(by_kind[k]))
            for k in sorted(by_kind, key=lambda k: order.index(k) if k in order else 99)]


def _review_data(review):
    """Everything the review page and its report show: eight statements."""
    cut = queries.cutoff(review)
    today = vn_today()
    indicators = queries.indicators_of_plan(review.plan_id)
    figures = accepted_figures([i.id for i in indicators], review.year, until=cut)
    reporting = queries.reporting_cells(review.year, cut, today)
    sheets = queries.sheets_of(review.id)
    proposals = [p for p in queries.proposals(review.year)
                 if p.status in ("approved", "decided", "forwarded")]
    # each unit's reports due by now (or sent early), as the timeliness criterion counts them
    unit_rates = [(u, rate_to_date([c for _l, c in reporting.cells[u.id]], today))
                  for u in sorted(reporting.units.values(), key=lambda u: (u.sort_order, u.id))]
    return dict(cutoff=cut, today=today, indicators=indicators, figures=figures,
                rows=indicator_rows(indicators, figures, review.year), unit_rates=unit_rates,
                overall=rate_to_date([c for cells in reporting.cells.values() for _l, c in cells],
                                     today),
                sheets=sheets, ranked=_ranked(sheets), models=queries.good_models(review.year),
                proposals=proposals, thresholds=settings.current().thresholds)


@bp.get("/emulation/reviews/<int:review_id>")
@requires("emulation.view", scoped_in_view=True)
def review(review_id):
    r = queries.review_by_id(review_id)
    if r is None:
        abort(404)
    if unit_scope("emulation.view") is not None:
        # a unit is shown its own score sheet, not the commune's review
        return redirect(url_for("emulation.score", review_id=r.id, slug=current_user.unit.slug))
    return render_template("emulation/review.html", review=r,
                           step=StepForm(formdata=None, version=r.version), **_review_data(r))


@bp.route("/emulation/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage", load=queries.review_by_id, unit=commune_wide)
def edit_review(r, review_id):
    form = ReviewForm(obj=None if request.method == "POST" else r)
    return form_flow(form, store=lambda: save(lambda: service.update_review(
        r, form.version.data, {k: form[k].data if k == "issued_on" else (form[k].data or "")
                               for k in service.REVIEW_FIELDS}),
        form=form, reload=lambda: queries.review_by_id(review_id)),
        done=lambda _saved: moved(url_for("emulation.review", review_id=review_id),
                                  _("Đã lưu báo cáo sơ kết, tổng kết.")),
        shown=lambda status, refused: (render_template(
            "emulation/review_edit.html", review=stored_of(refused) or r, form=form,
            stored=stored_of(refused), intro=service.intro(stored_of(refused) or r)), status))


@bp.post("/emulation/reviews/<int:review_id>/score")
@requires("emulation.manage", load=queries.review_by_id, unit=commune_wide)
def compute_scores(r, review_id):
    if not StepForm().validate():
        raise Refused(status=400)
    try:
        sheets = save(lambda: service.compute(r, user=current_user)).result
    except StaleEdit:
        flash(_("Có người vừa chấm điểm cùng lúc; vui lòng bấm tính điểm lại."), "error")
        return redirect(url_for("emulation.review", review_id=review_id), 303)
    flash(_("Đã tính điểm cho %(n)s đơn vị từ số liệu, nhiệm vụ và báo cáo đến ngày "
            "%(day)s.", n=len(sheets), day=f"{queries.cutoff(r):%d/%m/%Y}"), "success")
    return redirect(url_for("emulation.review", review_id=review_id, _anchor="scores"), 303)


@bp.get("/emulation/reviews/<int:review_id>/report.docx")
@requires("emulation.view", scoped_in_view=True)
def review_docx(review_id):
    if unit_scope("emulation.view") is not None:
        abort(403)  # the commune's report: for those who follow every unit
    r = queries.review_by_id(review_id)
    if r is None:
        abort(404)
    data = _review_data(r)
    body = documents.review_document(
        r, r.plan.unit.name, rows=data["rows"], unit_rates=data["unit_rates"],
        ranked=data["ranked"], thresholds=data["thresholds"], models=data["models"],
        proposals=data["proposals"], intro=service.intro(r),
        evidence=of_year_by_unit(r.year))
    return attachment(body, DOCX, f"bao-cao-{'so-ket' if r.kind == 'half' else 'tong-ket'}-"
                                  f"thi-dua-{r.year}.docx")


# ---------------------------------------------------------------- a unit's score

def _unit(target) -> int:
    return target.unit.id


def _score_page(r, unit, sheet, form=None, status=200, message=None, stored=None):
    manual = [ln for ln in (sheet.lines if sheet else []) if ln.method not in DERIVED]
    if form is None and sheet is not None and can(current_user, "emulation.manage"):
        # points as a person writes them: 12, 1,5 — not 12,00
        data = {"version": sheet.version, "bonus": _plain(sheet.bonus),
                "penalty": _plain(sheet.penalty), "bonus_reason": sheet.bonus_reason,
                "penalty_reason": sheet.penalty_reason}
        for ln in manual:
            data[f"m_{ln.criterion_id}"] = _plain(ln.points)
            data[f"n_{ln.criterion_id}"] = ln.basis
        form = sheet_form_class(manual)(formdata=None, data=data)
    thresholds = settings.current().thresholds
    return render_template("emulation/score.html", review=r, unit=unit, sheet=sheet, form=form,
                           manual=manual, thresholds=thresholds, message=message,
                           stored=stored, details=_details(sheet),
                           cutoff=queries.cutoff(r),
                           step=StepForm(formdata=None)), status


def _plain(value):
    return None if value is None else scoring.q(value).normalize() + 0


def _details(sheet) -> dict:
    out = {}
    for ln in (sheet.lines if sheet else []):
        try:
            rows = json.loads(ln.details) if ln.details else []
        except ValueError:
            rows = []
        out[ln.id] = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    return out


@bp.get("/emulation/reviews/<int:review_id>/units/<slug>")
@requires("emulation.view", load=queries.review_and_unit, unit=_unit)
def score(target, review_id, slug):
    r, unit = target
    return _score_page(r, unit, queries.sheet_with_lines(r.id, unit.id))


@bp.post("/emulation/reviews/<int:review_id>/units/<slug>")
@requires("emulation.manage", load=queries.review_and_unit, unit=_unit)
def save_score(target, review_id, slug):
    r, unit = target
    sheet, posted_version = _sheet_to_save(r, unit)
    if sheet is None:
        return _score_page(r, unit, None, status=409, message=_(
            "Loại đơn vị này chưa có bảng tiêu chí chấm điểm."))
    manual = [ln for ln in sheet.lines if ln.method not in DERIVED]
    form = sheet_form_class(manual)()
    return form_flow(form, store=lambda: save(lambda: service.save_sheet(
        sheet, posted_version or form.version.data, **_sheet_values(form, manual),
        user=current_user), message=_("Bảng điểm vừa được người khác thay đổi. Nội dung bạn "
                                      "nhập vẫn còn dưới đây; hãy xem rồi lưu lại.")),
        done=lambda _saved: moved(url_for("emulation.score", review_id=r.id, slug=unit.slug),
                                  _("Đã lưu bảng điểm của %(unit)s.", unit=unit.name)),
        shown=lambda status, refused: _sheet_again(r, unit, form, refused))


def _sheet_to_save(r, unit):
    """The unit's score sheet and, when it was scored only now (to take what was typed),
    its version; (None, None) when its kind of unit has no scoring table."""
    sheet = queries.sheet_with_lines(r.id, unit.id)
    if sheet is not None:
        return sheet, None
    if not service.compute(r, unit_ids=[unit.id], user=current_user):
        return None, None
    sheet = queries.sheet_with_lines(r.id, unit.id)
    return sheet, sheet.version


def _sheet_values(form, manual) -> dict:
    """What the score sheet's form asks for, as service.save_sheet takes it."""
    return dict(manual={ln.criterion_id: form[f"m_{ln.criterion_id}"].data for ln in manual},
                notes={ln.criterion_id: form[f"n_{ln.criterion_id}"].data or "" for ln in manual},
                bonus=form.bonus.data, bonus_reason=form.bonus_reason.data or "",
                penalty=form.penalty.data, penalty_reason=form.penalty_reason.data or "")


def _sheet_again(r, unit, form, refused):
    """The sheet with what was typed; after a conflict, beside the sheet as stored now."""
    if refused is None:
        db.session.rollback()
        return _score_page(r, unit, queries.sheet_with_lines(r.id, unit.id), form=form,
                           status=422, message=_("Vui lòng kiểm tra lại các ô được đánh dấu."))
    current = queries.sheet_with_lines(r.id, unit.id)
    if refused.conflict and current is not None:
        form.version.data = current.version
    return _score_page(r, unit, current, form=form, status=refused.status,
                       message=refused.message, stored=current if refused.conflict else None)
