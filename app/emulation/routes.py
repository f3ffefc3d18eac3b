"""Thi đua – khen thưởng: scoring tables, reviews and scores, good models, titles,
commendation proposals, votes and decisions. Routes stay thin: the rules live in scoring,
services, settings and documents. Every form works with JavaScript off (post, redirect,
get); the vote is quicker with htmx, which swaps the votes block of the proposal page."""
from __future__ import annotations

from decimal import Decimal

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import idempotency
from app.emulation import bp, documents, queries, scoring, seed, services, settings
from app.emulation.forms import (CommentForm, CriterionForm, DecideForm, EvidenceForm,
                                 ModelForm, NewCriterionForm, NewReviewForm, NewTitleForm,
                                 ProposalForm, ReviewForm, SettingsForm, StepForm, TitleForm,
                                 VoteForm, sheet_form_class)
from app.emulation.models import (DERIVED, EVIDENCE_KINDS, METHODS, PROPOSAL_STATUSES, VOTES, AwardTitle, Criterion)
from app.emulation.services import Problem
from app.admin.units import choices as unit_choices, units_for_choice
from app.extensions import db, htmx
from app.policy import can, requires, unit_scope
from app.vietnamese import today as vn_today
from app.reports.commune import indicator_rows
from app.reports.completeness import rate_to_date
from app.reports.queries import accepted_figures
from app.locking import commit_keeping_loaded
from app.units.models import UNIT_KINDS
from app.units.routes import unit_by_slug, unit_id_of
from app.templating import level_label
from app.vietnamese import VNInputError, parse_number
from app.params import query_int

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- helpers

def _overall() -> bool:
    """Whether the person follows every unit (not only their own)."""
    return unit_scope("emulation.view") is None


def _require_overall():
    if not _overall():
        abort(403)


def _year() -> int:
    return queries.requested_year()


def _apply(form, problem: Problem):
    for name, message in problem.fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, str(message)]


def _save(form, save, reload):
    """Validate, save and commit. Returns (None, None) when saved, else the status to answer
    with and, on a conflict, the record as stored now (its version put in the form, so the
    next save is a deliberate one; what the person typed stays in the form)."""
    if not form.validate():
        return 422, None
    try:
        save()
        db.session.commit()
    except (Problem, StaleDataError) as e:
        db.session.rollback()
        if isinstance(e, Problem):
            _apply(form, e)
        if isinstance(e, Problem) and e.status != 409:
            return e.status, None
        current = reload()
        form.version.data = current.version
        return 409, current
    return None, None


def _fresh(key, load, *args):
    """After a rollback: the record again from the database, not the request's copy."""
    g.pop(key, None)
    return load(*args)


def _attachment(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _unit_choices(field, blank, keep=None):
    field.choices = unit_choices(units_for_choice([keep]), blank)


# ---------------------------------------------------------------- index

@bp.get("/emulation/")
@requires("emulation.view", scoped_in_view=True)
def index():
    year = _year()
    ctx = dict(year=year, years=queries.years(), overall=_overall())
    if ctx["overall"]:
        ctx["reviews"] = queries.reviews_of(year)
        ctx["new_review"] = form = NewReviewForm(formdata=None)
        held = {r.kind for r in ctx["reviews"]}  # one review of each kind a year
        form.kind.choices = [c for c in form.kind.choices if c.value not in held]
        ctx["counts"] = queries.proposal_counts(year)
        ctx["statuses"] = PROPOSAL_STATUSES
    else:
        # a unit sees its own scores and the proposals about it
        unit = current_user.unit
        if unit is None:
            abort(403)
        ctx["unit"] = unit
        ctx["sheets"] = queries.sheets_of_unit(unit.id, year)
        ctx["thresholds"] = settings.current().thresholds
    return render_template("emulation/index.html", **ctx)


# ---------------------------------------------------------------- settings

def _versions_text(versions) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(versions.items()))


def _posted_versions(text: str) -> dict:
    out = {}
    for part in (text or "").split(";"):
        key, _sep, value = part.partition("=")
        if key in settings.DEFAULTS and value.isascii() and value.isdigit() and len(value) < 10:
            out[key] = int(value)
    return out


@bp.route("/emulation/settings", methods=["GET", "POST"])
@requires("emulation.manage")
def settings_page():
    values = settings.current()
    if request.method == "GET":
        form = SettingsForm(formdata=None, data={
            **{k: values.raw[k] and _number_or_none(values.raw[k]) for k in settings.NUMBERS},
            "decision_bases": values.raw["decision_bases"]})
        form.versions.data = _versions_text(values.versions)
        return render_template("emulation/settings.html", form=form, values=values)
    form = SettingsForm()
    status, conflict = 422, False
    if form.validate():
        try:
            changed = settings.save({k: form[k].data for k in settings.NUMBERS},
                                    form.decision_bases.data or "",
                                    _posted_versions(form.versions.data))
            db.session.commit()
        except settings.SettingsProblem as e:
            db.session.rollback()
            _apply(form, e)
            status, conflict = e.status, e.status == 409
            flash_now = e.message
        except StaleDataError:
            db.session.rollback()
            status, conflict, flash_now = 409, True, _("Cài đặt vừa được người khác thay đổi.")
        else:
            flash(_("Đã lưu cài đặt.") if changed else _("Không có gì thay đổi."), "success")
            return redirect(url_for("emulation.settings_page"), 303)
    else:
        flash_now = _("Vui lòng kiểm tra lại các ô được đánh dấu.")
    g.pop("emulation_settings", None)
    current = settings.current()
    if conflict:
        form.versions.data = _versions_text(current.versions)
    return render_template("emulation/settings.html", form=form, values=current,
                           conflict=conflict, message=flash_now), status


def _number_or_none(text):
    try:
        return parse_number(text)
    except VNInputError:
        return None


# ---------------------------------------------------------------- scoring tables

@bp.get("/emulation/criteria")
@requires("emulation.view", scoped_in_view=True)
def criteria():
    unit_scope("emulation.view")  # one list, the same for every unit that may see it
    by_kind = queries.criteria_by_kind(active_only=False)
    form = NewCriterionForm(formdata=None) if can(current_user, "emulation.manage") else None
    return render_template("emulation/criteria.html", by_kind=by_kind, kinds=UNIT_KINDS,
                           totals=services.kind_totals(by_kind), form=form, methods=METHODS)


def _criterion_values(form) -> dict:
    return {"unit_kind": form.unit_kind.data, "title": form.title.data,
            "description": form.description.data or "", "max_points": form.max_points.data,
            "method": form.method.data, "active": bool(form.active.data)}


@bp.post("/emulation/criteria/new")
@requires("emulation.manage")
def new_criterion():
    form = NewCriterionForm()
    if form.validate():
        if not idempotency.claim(form.token.data):
            flash(_("Tiêu chí này đã được thêm."), "success")
            return redirect(url_for("emulation.criteria"), 303)
        try:
            values = _criterion_values(form)
            rows = queries.criteria_by_kind(active_only=False).get(values["unit_kind"], [])
            values["sort_order"] = max((c.sort_order for c in rows), default=0) + 1
            c = services.save_criterion(None, values)
            db.session.commit()
        except Problem as e:
            db.session.rollback()
            _apply(form, e)
        else:
            flash(_("Đã thêm tiêu chí “%(title)s”.", title=c.title), "success")
            return redirect(url_for("emulation.criteria", _anchor=f"k-{c.unit_kind}"), 303)
    by_kind = queries.criteria_by_kind(active_only=False)
    return render_template("emulation/criteria.html", by_kind=by_kind, kinds=UNIT_KINDS,
                           totals=services.kind_totals(by_kind), form=form,
                           methods=METHODS), 422


def _criterion(criterion_id) -> Criterion:
    c = db.session.get(Criterion, criterion_id)
    if c is None:
        abort(404)
    return c


@bp.route("/emulation/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage")
def edit_criterion(criterion_id):
    c = _criterion(criterion_id)
    if request.method == "GET":
        form = CriterionForm(obj=c)
        return render_template("emulation/criterion_edit.html", c=c, form=form)
    form = CriterionForm()
    status, current = _save(
        form, lambda: services.save_criterion(c, _criterion_values(form), form.version.data),
        lambda: _criterion(criterion_id))
    if status is None:
        flash(_("Đã lưu tiêu chí."), "success")
        return redirect(url_for("emulation.criteria", _anchor=f"k-{c.unit_kind}"), 303)
    return render_template("emulation/criterion_edit.html", c=current or c, form=form,
                           conflict=current), status


def _load_defaults(seed, message, endpoint):
    if not StepForm().validate():
        abort(400)
    n = seed()
    db.session.commit()
    flash(message(n), "success")
    return redirect(url_for(endpoint), 303)


@bp.post("/emulation/criteria/defaults")
@requires("emulation.manage")
def default_criteria():
    return _load_defaults(seed.ensure_criteria, lambda n: _(
        "Đã nạp %(n)s tiêu chí mẫu cho các loại đơn vị chưa có bảng điểm.", n=n),
        "emulation.criteria")


# ---------------------------------------------------------------- titles

@bp.get("/emulation/titles")
@requires("emulation.view", scoped_in_view=True)
def titles():
    unit_scope("emulation.view")  # one list, the same for every unit that may see it
    form = NewTitleForm(formdata=None) if can(current_user, "emulation.manage") else None
    return render_template("emulation/titles.html", titles=queries.titles(), form=form)


def _title_values(form) -> dict:
    return {"name": form.name.data, "kind": form.kind.data, "nominee_kind": form.nominee_kind.data,
            "level": form.level.data, "authority": form.authority.data or "",
            "active": bool(form.active.data)}


@bp.post("/emulation/titles/new")
@requires("emulation.manage")
def new_title():
    form = NewTitleForm()
    if form.validate():
        if not idempotency.claim(form.token.data):
            flash(_("Danh hiệu, hình thức này đã được thêm."), "success")
            return redirect(url_for("emulation.titles"), 303)
        try:
            values = _title_values(form)
            values["sort_order"] = len(queries.titles()) + 1
            t = services.save_title(None, values)
            db.session.commit()
        except Problem as e:
            db.session.rollback()
            _apply(form, e)
        else:
            flash(_("Đã thêm “%(name)s”.", name=t.name), "success")
            return redirect(url_for("emulation.titles"), 303)
    return render_template("emulation/titles.html", titles=queries.titles(), form=form), 422


@bp.route("/emulation/titles/<int:title_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage")
def edit_title(title_id):
    t = db.session.get(AwardTitle, title_id)
    if t is None:
        abort(404)
    if request.method == "GET":
        return render_template("emulation/title_edit.html", t=t, form=TitleForm(obj=t))
    form = TitleForm()
    status, conflict = _save(
        form, lambda: services.save_title(t, _title_values(form), form.version.data),
        lambda: db.session.get(AwardTitle, title_id))
    if status is None:
        flash(_("Đã lưu “%(name)s”.", name=t.name), "success")
        return redirect(url_for("emulation.titles"), 303)
    return render_template("emulation/title_edit.html", t=conflict or t, form=form,
                           conflict=conflict), status


@bp.post("/emulation/titles/defaults")
@requires("emulation.manage")
def default_titles():
    return _load_defaults(seed.ensure_titles, lambda n: _(
        "Đã nạp %(n)s danh hiệu, hình thức mẫu.", n=n), "emulation.titles")


# ---------------------------------------------------------------- reviews

@bp.post("/emulation/reviews/new")
@requires("emulation.manage")
def new_review():
    year = _year()
    form = NewReviewForm()
    if not form.validate():
        flash(_("Lựa chọn không hợp lệ; hãy chọn trong danh sách."), "error")
        return redirect(url_for("emulation.index", year=year), 303)
    try:
        review = services.create_review(year, form.kind.data)
        db.session.commit()
    except (Problem, IntegrityError) as e:
        db.session.rollback()
        flash(str(e.message) if isinstance(e, Problem) else _("Đợt này đã có."), "error")
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
    r = queries.review_or_404(review_id)
    if not _overall():
        unit = current_user.unit
        if unit is None:
            abort(403)
        return redirect(url_for("emulation.score", review_id=r.id, slug=unit.slug))
    return render_template("emulation/review.html", review=r,
                           step=StepForm(formdata=None, version=r.version), **_review_data(r))


@bp.route("/emulation/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage")
def edit_review(review_id):
    r = queries.review_or_404(review_id)
    if request.method == "GET":
        return render_template("emulation/review_edit.html", review=r, form=ReviewForm(obj=r),
                               intro=services.intro(r))
    form = ReviewForm()
    status, conflict = _save(
        form, lambda: services.update_review(
            r, form.version.data, {k: form[k].data if k == "issued_on" else (form[k].data or "")
                                   for k in services.REVIEW_FIELDS}),
        lambda: _fresh("review", queries.review_or_404, review_id))
    if status is None:
        flash(_("Đã lưu báo cáo sơ kết, tổng kết."), "success")
        return redirect(url_for("emulation.review", review_id=review_id), 303)
    return render_template("emulation/review_edit.html", review=conflict or r, form=form,
                           conflict=conflict, intro=services.intro(conflict or r)), status


@bp.post("/emulation/reviews/<int:review_id>/score")
@requires("emulation.manage")
def compute_scores(review_id):
    r = queries.review_or_404(review_id)
    if not StepForm().validate():
        abort(400)
    try:
        sheets = services.compute(r, user=current_user)
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        flash(_("Có người vừa chấm điểm cùng lúc; vui lòng bấm tính điểm lại."), "error")
        return redirect(url_for("emulation.review", review_id=review_id), 303)
    flash(_("Đã tính điểm cho %(n)s đơn vị từ số liệu, nhiệm vụ và báo cáo đến ngày "
            "%(day)s.", n=len(sheets), day=f"{queries.cutoff(r):%d/%m/%Y}"), "success")
    return redirect(url_for("emulation.review", review_id=review_id, _anchor="scores"), 303)


@bp.get("/emulation/reviews/<int:review_id>/report.docx")
@requires("emulation.view", scoped_in_view=True)
def review_docx(review_id):
    _require_overall()
    r = queries.review_or_404(review_id)
    data = _review_data(r)
    body = documents.review_document(
        r, r.plan.unit.name, rows=data["rows"], unit_rates=data["unit_rates"],
        ranked=data["ranked"], thresholds=data["thresholds"], models=data["models"],
        proposals=data["proposals"], intro=services.intro(r))
    return _attachment(body, DOCX, f"bao-cao-{'so-ket' if r.kind == 'half' else 'tong-ket'}-"
                                   f"thi-dua-{r.year}.docx")


# ---------------------------------------------------------------- a unit's score

def _score_unit(review_id, slug, **_):
    queries.review_or_404(review_id)
    return unit_id_of(slug)


def _score_page(r, unit, sheet, form=None, status=200, message=None, conflict=None):
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
                           conflict=conflict, details=_details(sheet),
                           cutoff=queries.cutoff(r),
                           step=StepForm(formdata=None)), status


def _plain(value):
    return None if value is None else scoring.q(value).normalize() + 0


def _details(sheet) -> dict:
    import json
    out = {}
    for ln in (sheet.lines if sheet else []):
        try:
            rows = json.loads(ln.details) if ln.details else []
        except ValueError:
            rows = []
        out[ln.id] = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    return out


@bp.get("/emulation/reviews/<int:review_id>/units/<slug>")
@requires("emulation.view", unit=_score_unit)
def score(review_id, slug):
    r = queries.review_or_404(review_id)
    unit = unit_by_slug(slug)
    return _score_page(r, unit, queries.sheet_with_lines(r.id, unit.id))


@bp.post("/emulation/reviews/<int:review_id>/units/<slug>")
@requires("emulation.manage", unit=_score_unit)
def save_score(review_id, slug):
    r = queries.review_or_404(review_id)
    unit = unit_by_slug(slug)
    sheet = queries.sheet_with_lines(r.id, unit.id)
    if sheet is None:
        # not scored yet: score this unit first, then take what was typed
        if not services.compute(r, unit_ids=[unit.id], user=current_user):
            return _score_page(r, unit, None, status=409, message=_(
                "Loại đơn vị này chưa có bảng tiêu chí chấm điểm."))
        sheet = queries.sheet_with_lines(r.id, unit.id)
        posted_version = sheet.version
    else:
        posted_version = None
    manual = [ln for ln in sheet.lines if ln.method not in DERIVED]
    form = sheet_form_class(manual)()
    if not form.validate():
        db.session.rollback()
        return _score_page(r, unit, queries.sheet_with_lines(r.id, unit.id), form=form,
                           status=422, message=_("Vui lòng kiểm tra lại các ô được đánh dấu."))
    try:
        services.save_sheet(
            sheet, posted_version or form.version.data,
            {ln.criterion_id: form[f"m_{ln.criterion_id}"].data for ln in manual},
            {ln.criterion_id: form[f"n_{ln.criterion_id}"].data or "" for ln in manual},
            form.bonus.data, form.bonus_reason.data or "", form.penalty.data,
            form.penalty_reason.data or "", user=current_user)
        db.session.commit()
    except Problem as e:
        db.session.rollback()
        _apply(form, e)
        current = queries.sheet_with_lines(r.id, unit.id)
        if e.status == 409 and current is not None:
            form.version.data = current.version
        return _score_page(r, unit, current, form=form, status=e.status, message=e.message,
                           conflict=current if e.status == 409 else None)
    except StaleDataError:
        db.session.rollback()
        current = queries.sheet_with_lines(r.id, unit.id)
        form.version.data = current.version if current else None
        return _score_page(r, unit, current, form=form, status=409, conflict=current,
                           message=_("Bảng điểm vừa được người khác thay đổi. Nội dung bạn "
                                     "nhập vẫn còn dưới đây; hãy xem rồi lưu lại."))
    flash(_("Đã lưu bảng điểm của %(unit)s.", unit=unit.name), "success")
    return redirect(url_for("emulation.score", review_id=r.id, slug=unit.slug), 303)


# ---------------------------------------------------------------- good models

def _model_form(form, plan, keep=None):
    _unit_choices(form.unit_id, _("— Chọn đơn vị —"), keep)
    areas = queries.areas_of_plan(plan.id) if plan else []
    form.area_id.choices = [("", _("— Chưa xếp —"))] + [(a.id, f"{a.code} {a.title}")
                                                         for a in areas]
    return form


@bp.get("/emulation/models")
@requires("emulation.view", scoped_in_view=True)
def models():
    unit_scope("emulation.view")  # one list, the same for every unit that may see it
    year = _year()
    area = query_int("area")
    rows = queries.good_models(year, area_id=area)
    plan = queries.commune_plan(year)
    areas = queries.areas_of_plan(plan.id) if plan else []
    manage = can(current_user, "emulation.manage")
    waiting = queries.reports_with_models(year) if manage else []
    return render_template("emulation/models.html", year=year, models=rows, areas=areas,
                           area=area, waiting=waiting, step=StepForm(formdata=None))


@bp.post("/emulation/models/gather")
@requires("emulation.manage")
def gather_models():
    year = _year()
    if not StepForm().validate():
        abort(400)
    try:
        n = services.gather_models(year, user=current_user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        n = 0
    flash(_("Đã tập hợp %(n)s mô hình từ báo cáo của các đơn vị; hãy xếp nội dung thi đua và "
            "biên tập lại.", n=n), "success")
    return redirect(url_for("emulation.models", year=year), 303)


def _model_values(form) -> dict:
    return {"unit_id": form.unit_id.data, "area_id": form.area_id.data,
            "title": form.title.data, "description": form.description.data or ""}


@bp.route("/emulation/models/new", methods=["GET", "POST"])
@requires("emulation.manage")
def new_model():
    year = _year()
    plan = queries.commune_plan(year)
    form = _model_form(ModelForm(formdata=request.form if request.method == "POST" else None),
                       plan)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            if not idempotency.claim(form.token.data):
                flash(_("Mô hình này đã được ghi nhận."), "success")
                return redirect(url_for("emulation.models", year=year), 303)
            m = services.save_model(None, _model_values(form), year=year, user=current_user)
            db.session.commit()
            flash(_("Đã thêm mô hình “%(title)s”.", title=m.title), "success")
            return redirect(url_for("emulation.models", year=year, _anchor=f"gm-{m.id}"), 303)
    return render_template("emulation/model_edit.html", form=form, model=None,
                           year=year), status


@bp.route("/emulation/models/<int:model_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage")
def edit_model(model_id):
    m = queries.model_or_404(model_id)
    plan = queries.commune_plan(m.year)
    if request.method == "GET":
        form = _model_form(ModelForm(obj=m), plan, m.unit_id)
        return render_template("emulation/model_edit.html", form=form, model=m, year=m.year)
    form = _model_form(ModelForm(), plan, m.unit_id)
    status, conflict = _save(
        form, lambda: services.save_model(m, _model_values(form), form.version.data,
                                          user=current_user),
        lambda: _fresh("good_model", queries.model_or_404, model_id))
    if status is None:
        flash(_("Đã lưu mô hình."), "success")
        return redirect(url_for("emulation.models", year=m.year, _anchor=f"gm-{m.id}"), 303)
    return render_template("emulation/model_edit.html", form=form, model=conflict or m,
                           year=m.year, conflict=conflict), status


@bp.post("/emulation/models/<int:model_id>/delete")
@requires("emulation.manage")
def delete_model(model_id):
    m = queries.model_or_404(model_id)
    year = m.year
    form = StepForm()
    if not form.validate():
        abort(400)
    try:
        services.delete_model(m, form.version.data, user=current_user)
        db.session.commit()
    except (Problem, StaleDataError):
        db.session.rollback()
        flash(_("Mô hình vừa được người khác sửa; hãy xem lại trước khi xóa."), "error")
        return redirect(url_for("emulation.edit_model", model_id=model_id), 303)
    flash(_("Đã xóa mô hình."), "success")
    return redirect(url_for("emulation.models", year=year), 303)


# ---------------------------------------------------------------- proposals

def _proposal_form(form, keep=None):
    _unit_choices(form.unit_id, _("— Chọn đơn vị —"), keep)
    titles = queries.titles(active_only=True)
    form.title_id.choices = [("", _("— Chọn —"))] + [
        (t.id, f"{t.name} ({_(t.nominee_label).lower()}; {t.authority or _(t.level_label)})")
        for t in titles]
    return form


def _proposal_values(form) -> dict:
    return {k: (form[k].data if k in ("unit_id", "title_id") else (form[k].data or ""))
            for k in services.PROPOSAL_FIELDS}


@bp.get("/emulation/proposals")
@requires("emulation.view", scoped_in_view=True)
def proposals():
    year = _year()
    status = request.args.get("status")
    if status not in PROPOSAL_STATUSES:
        status = None
    overall = _overall()
    if not overall and current_user.unit is None:
        abort(403)
    rows = queries.proposals(year, None if overall else current_user.unit_id, status)
    return render_template("emulation/proposals.html", year=year, proposals=rows, status=status,
                           statuses=PROPOSAL_STATUSES, overall=overall)


@bp.get("/emulation/proposals.xlsx")
@requires("emulation.view", scoped_in_view=True)
def proposals_xlsx():
    year = _year()
    if not _overall() and current_user.unit is None:
        abort(403)
    rows = queries.proposals(year, None if _overall() else current_user.unit_id)
    return _attachment(documents.proposals_workbook(rows, year), XLSX,
                       f"de-nghi-khen-thuong-{year}.xlsx")


@bp.route("/emulation/proposals/new", methods=["GET", "POST"])
@requires("emulation.manage")
def new_proposal():
    year = _year()
    form = _proposal_form(ProposalForm(formdata=request.form if request.method == "POST"
                                       else None))
    if request.method == "GET":
        unit = query_int("unit")
        if unit:
            form.unit_id.data = unit
        return render_template("emulation/proposal_edit.html", form=form, proposal=None,
                               year=year)
    if form.validate():
        if not idempotency.claim(form.token.data):
            flash(_("Đề nghị này đã được ghi nhận."), "success")
            return redirect(url_for("emulation.proposals", year=year), 303)
        try:
            p = services.create_proposal(year, _proposal_values(form), user=current_user)
            db.session.commit()
        except Problem as e:
            db.session.rollback()
            _apply(form, e)
        else:
            flash(_("Đã lập đề nghị; hãy chọn minh chứng rồi trình Hội đồng."), "success")
            return redirect(url_for("emulation.proposal", proposal_id=p.id), 303)
    return render_template("emulation/proposal_edit.html", form=form, proposal=None,
                           year=year), 422


def _proposal_unit(proposal_id, **_):
    return queries.proposal_or_404(proposal_id)[0].unit_id


def _evidence(p):
    """The links of the proposal and the choices offered, with labels."""
    links, reports, models_ = queries.evidence_of(p, p.year)
    sheets = queries.sheets_of_unit(p.unit_id, p.year)
    thresholds = settings.current().thresholds
    offered = [(f"report:{rid}", _("Báo cáo %(label)s", label=period.shown_label),
                url_for("reports.report", slug=p.unit.slug, period_id=period.id))
               for rid, period in reports]
    offered += [(f"model:{mid}", _("Mô hình: %(title)s", title=title),
                 url_for("emulation.models", year=p.year, _anchor=f"gm-{mid}"))
                for mid, title in models_]
    offered += [(f"score:{s.id}", _("%(review)s: %(total)s điểm, %(level)s", review=r.title,
                                    total=scoring.pts(s.total),
                                    level=level_label(scoring.level_of(s.total, thresholds))),
                 url_for("emulation.score", review_id=r.id, slug=p.unit.slug))
                for s, r in sheets]
    chosen = {f"{k}:{ref}" for k, ref in links}
    return offered, chosen


def _proposal_page(p, members, pass_percent, status=200, message=None, comment_form=None, decide_form=None,
                   form_errors=None):
    offered, chosen = _evidence(p)
    values = settings.current()
    manage = can(current_user, "emulation.manage")
    evidence_form = None
    if manage and p.status not in ("decided", "forwarded", "rejected"):
        evidence_form = EvidenceForm(formdata=None, evidence=sorted(chosen))
        evidence_form.evidence.choices = [(k, label) for k, label, _url in offered]
    return render_template(
        "emulation/proposal.html", p=p, members=members, offered=offered, chosen=chosen,
        evidence_form=evidence_form, counted=services.tally(p.votes),
        pass_percent=pass_percent, needed=_needed(members, pass_percent),
        mine=next((v.vote for v in p.votes if v.user_id == current_user.id), None),
        comments=queries.comments_of(p.id), votes=VOTES, message=message,
        step=StepForm(formdata=None, version=p.version),
        comment_form=comment_form or CommentForm(formdata=None),
        decide_form=decide_form or DecideForm(formdata=None, version=p.version),
        evidence_kinds=EVIDENCE_KINDS), status


def _needed(members: int, pass_percent: Decimal) -> int:
    """The fewest votes for that pass: more than pass_percent % of the members."""
    n = 0
    while n <= members and not services.passes(n, members, pass_percent):
        n += 1
    return n


@bp.get("/emulation/proposals/<int:proposal_id>")
@requires("emulation.view", unit=_proposal_unit)
def proposal(proposal_id):
    p, members, pass_percent = queries.proposal_or_404(proposal_id)
    return _proposal_page(p, members, pass_percent)


@bp.route("/emulation/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@requires("emulation.manage")
def edit_proposal(proposal_id):
    p, _members, _pass = queries.proposal_or_404(proposal_id)
    if request.method == "GET":
        form = _proposal_form(ProposalForm(obj=p), p.unit_id)
        return render_template("emulation/proposal_edit.html", form=form, proposal=p,
                               year=p.year)
    form = _proposal_form(ProposalForm(), p.unit_id)
    status, conflict = _save(
        form, lambda: services.update_proposal(p, form.version.data, _proposal_values(form),
                                               user=current_user),
        lambda: _fresh("proposal", queries.proposal_or_404, proposal_id)[0])
    if status is None:
        flash(_("Đã lưu đề nghị."), "success")
        return redirect(url_for("emulation.proposal", proposal_id=p.id), 303)
    return render_template("emulation/proposal_edit.html", form=form, proposal=conflict or p,
                           conflict=conflict, year=p.year), status


def _step(proposal_id, act, lock=None):
    """Run one step of a proposal's life; a refusal comes back on the proposal page."""
    p, members, pass_percent = queries.proposal_or_404(proposal_id, lock=lock)
    try:
        message = act(p, members, pass_percent)
        db.session.commit()
    except Problem as e:
        db.session.rollback()
        g.pop("proposal", None)
        p, members, pass_percent = queries.proposal_or_404(proposal_id)
        return _proposal_page(p, members, pass_percent, status=e.status, message=e.message)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        g.pop("proposal", None)
        p, members, pass_percent = queries.proposal_or_404(proposal_id)
        return _proposal_page(p, members, pass_percent, status=409, message=_(
            "Đề nghị vừa được người khác thay đổi; trang đã tải lại trạng thái mới nhất."))
    flash(message, "success")
    return redirect(url_for("emulation.proposal", proposal_id=proposal_id), 303)


@bp.post("/emulation/proposals/<int:proposal_id>/evidence")
@requires("emulation.manage")
def set_evidence(proposal_id):
    def act(p, _members, _pass):
        offered, _chosen = _evidence(p)
        form = EvidenceForm()
        form.evidence.choices = [(k, label) for k, label, _url in offered]
        if not form.validate():
            raise Problem(_("Minh chứng không thuộc đơn vị được đề nghị."), 422)
        services.set_evidence(p, (_pair(v) for v in form.evidence.data or []),
                              {_pair(k) for k, _l, _u in offered}, user=current_user)
        return _("Đã lưu minh chứng.")
    return _step(proposal_id, act)


def _pair(value: str):
    kind, _sep, ref = value.partition(":")
    return kind, int(ref)


@bp.post("/emulation/proposals/<int:proposal_id>/send")
@requires("emulation.manage")
def send_proposal(proposal_id):
    def act(p, _members, _pass):
        form = StepForm()
        if not form.validate():
            raise Problem(_("Biểu mẫu không hợp lệ; hãy tải lại trang."), 400)
        services.send_to_council(p, form.version.data, user=current_user)
        return _("Đã trình Hội đồng Thi đua – Khen thưởng xét.")
    return _step(proposal_id, act)


@bp.post("/emulation/proposals/<int:proposal_id>/vote")
@requires("emulation.vote")
def vote(proposal_id):
    """A council member votes. In place with htmx (the votes block), else PRG."""
    g.vary_htmx = True
    inline = htmx.target == "votes"
    p, members, pass_percent = queries.proposal_or_404(proposal_id, lock="share")
    form = VoteForm()
    try:
        if not form.validate():
            raise Problem(_("Lựa chọn không hợp lệ; hãy chọn trong danh sách."), 422)
        services.cast_vote(p, current_user._get_current_object(), form.vote.data)
        commit_keeping_loaded()  # the votes block renders from what is loaded: no reload
    except (Problem, IntegrityError, StaleDataError) as e:
        db.session.rollback()
        if not inline:
            g.pop("proposal", None)
            p, members, pass_percent = queries.proposal_or_404(proposal_id)
            return _proposal_page(p, members, pass_percent, status=getattr(e, "status", 409),
                                  message=getattr(e, "message", None) or _(
                                      "Phiếu của bạn vừa được ghi nhận ở nơi khác."))
        from app.web import error_response
        return error_response(getattr(e, "status", 409), str(getattr(e, "message", "")) or None)
    if inline:
        return render_block("emulation/proposal.html", "votes", p=p, members=members,
                            counted=services.tally(p.votes), votes=VOTES,
                            pass_percent=pass_percent, needed=_needed(members, pass_percent),
                            mine=form.vote.data, saved=True)
    flash(_("Đã ghi nhận phiếu: %(vote)s.", vote=_(VOTES[form.vote.data])), "success")
    return redirect(url_for("emulation.proposal", proposal_id=proposal_id, _anchor="votes"), 303)


@bp.post("/emulation/proposals/<int:proposal_id>/close")
@requires("emulation.manage")
def close_vote(proposal_id):
    def act(p, members, pass_percent):
        form = StepForm()
        if not form.validate():
            raise Problem(_("Biểu mẫu không hợp lệ; hãy tải lại trang."), 400)
        ok = services.close_vote(p, form.version.data, members, pass_percent,
                                 user=current_user)
        return (_("Hội đồng đã thông qua đề nghị; trình Chủ tịch UBND xã quyết định.") if ok
                else _("Đề nghị không đủ số phiếu tán thành nên không được thông qua."))
    return _step(proposal_id, act, lock="update")


@bp.post("/emulation/proposals/<int:proposal_id>/decide")
@requires("emulation.decide")
def decide(proposal_id):
    p, members, pass_percent = queries.proposal_or_404(proposal_id)
    form = DecideForm()
    if not form.validate():
        return _proposal_page(p, members, pass_percent, status=422, decide_form=form,
                              message=_("Vui lòng kiểm tra lại các ô được đánh dấu."))
    try:
        services.decide(p, form.version.data, form.decision_number.data or "",
                        form.decision_date.data, user=current_user)
        db.session.commit()
    except Problem as e:
        db.session.rollback()
        _apply(form, e)
        g.pop("proposal", None)
        p, members, pass_percent = queries.proposal_or_404(proposal_id)
        return _proposal_page(p, members, pass_percent, status=e.status, message=e.message, decide_form=form)
    except StaleDataError:
        db.session.rollback()
        g.pop("proposal", None)
        p, members, pass_percent = queries.proposal_or_404(proposal_id)
        return _proposal_page(p, members, pass_percent, status=409, decide_form=form, message=_(
            "Đề nghị vừa được người khác thay đổi; trang đã tải lại trạng thái mới nhất."))
    flash(_("Đã quyết định khen thưởng.") if p.status == "decided"
          else _("Đã ghi nhận tờ trình đề nghị cấp trên khen thưởng."), "success")
    return redirect(url_for("emulation.proposal", proposal_id=proposal_id), 303)


@bp.post("/emulation/proposals/<int:proposal_id>/comments")
@requires("emulation.comment")
def comment_proposal(proposal_id):
    p, members, pass_percent = queries.proposal_or_404(proposal_id)
    form = CommentForm()
    if form.validate():
        try:
            c = services.add_comment(p, form.body.data, current_user._get_current_object())
            db.session.commit()
        except Problem as e:
            db.session.rollback()
            _apply(form, e)
        else:
            flash(_("Đã gửi ý kiến."), "success")
            return redirect(url_for("emulation.proposal", proposal_id=proposal_id,
                                    _anchor=f"c-{c.id}"), 303)
    return _proposal_page(p, members, pass_percent, status=422, comment_form=form,
                          message=_("Vui lòng nhập ý kiến."))


@bp.get("/emulation/proposals/<int:proposal_id>/decision.docx")
@requires("emulation.view", unit=_proposal_unit)
def decision_docx(proposal_id):
    p, _members, _pass = queries.proposal_or_404(proposal_id)
    if p.status in ("proposed", "council", "rejected"):
        abort(404)
    siblings = queries.decision_siblings(p)
    plan = queries.commune_plan(p.year)
    commune_name = plan.unit.name if plan else "Ủy ban nhân dân xã"
    body = documents.decision_document(
        siblings, p.title, p.year, commune_name, settings.current().decision_bases, plan,
        number=p.decision_number, on=p.decision_date,
        signer_name=plan.signer_name if plan else "")
    name = "quyet-dinh" if p.title.commune_level else "to-trinh"
    return _attachment(body, DOCX, f"{name}-khen-thuong-{p.year}-{p.id}.docx")
