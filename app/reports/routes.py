"""Reporting: periods, a unit's report (autosaved draft, submit), review, completeness, the
commune report and the spreadsheets. Routes stay thin: the rules live in services,
figures, completeness, commune and xlsx."""
import re
import secrets
from datetime import datetime
from typing import Optional

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from app import idempotency
from app.audit.service import record, snapshot
from app.extensions import db
from app.plans import queries as plan_queries
from app.plans.models import Indicator, IndicatorValue
from app.policy import can, requires
from app.reports import bp, commune, queries, services, xlsx
from app.reports import figures as fig
from app.vietnamese import today as vn_today
from app.reports.completeness import STATE_LABELS
from app.reports.forms import (MAX_SECTION, CommentForm, CommuneReportForm, EmptyForm,
                               PeriodForm, ReportForm, ReviewForm, UploadForm,
                               period_form_class, report_form_class)
from app.reports.models import (PERIOD_KINDS, REPORT_SECTIONS, CommuneReport, Report,
                                ReportingPeriod, period_unit)
from app.reports.services import SECTION_KEYS, ReportProblem, Stale
from app.units.models import UNIT_KINDS, Unit
from app.vietnamese import VN_TZ, nfc
from app.params import query_int, query_year

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIGURE_KEY = re.compile(r"([ve])_([0-9]{1,9})")
MAX_DRAFT_FIGURE = 100
MAX_DRAFT_ENTRIES = 300
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- helpers -------------------------------------------------------------------------

def _year() -> int:
    return query_year(vn_today().year)


def _posted_version(raw) -> Optional[int]:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        abort(400)
    return int(raw)


def _posted_token(raw) -> str:
    raw = (raw or "").strip()
    return raw if re.fullmatch(r"[0-9a-f]{16}", raw) else ""


def _posted_draft():
    """Sections and figure boxes as typed, from the report form's post. Only the boxes
    posted are touched, so a partial post never blanks the rest."""
    form = ReportForm()
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
        raise ReportProblem(errors[0], 422)
    return form, sections, entries


def _merged_draft(report, entries, allowed=None):
    draft = fig.load_draft(report.figures_draft) if report is not None else {}
    for ind_id, entry in entries.items():
        if allowed is None or ind_id in allowed:
            draft[ind_id] = {**draft.get(ind_id, {"v": "", "e": ""}), **entry}
    return draft


def _report_url(ctx_or_report, **kw):
    if isinstance(ctx_or_report, Report):
        return url_for("reports.report", slug=ctx_or_report.unit.slug,
                       period_id=ctx_or_report.period_id, **kw)
    return url_for("reports.report", slug=ctx_or_report.unit.slug,
                   period_id=ctx_or_report.period.id, **kw)


def _form_from_draft(indicators, report):
    """The edit form as last saved: the figure boxes hold exactly what was typed, and an
    unreadable one already shows why."""
    draft = fig.load_draft(report.figures_draft) if report is not None else {}
    data = MultiDict()
    for key in SECTION_KEYS:
        data[key] = getattr(report, key) if report is not None else ""
    for ind in indicators:
        entry = draft.get(ind.id, {})
        data[f"v_{ind.id}"] = entry.get("v", "")
        data[f"e_{ind.id}"] = entry.get("e", "")
    data["version"] = str(report.version) if report is not None else ""
    form = report_form_class(indicators)(formdata=data)
    _figure_errors(form, indicators)
    return form


def _figure_errors(form, indicators):
    for ind in indicators:
        field = form[f"v_{ind.id}"]
        if field.raw:
            field.validate(form)


def _timeline(events, comments):
    """Events and comments in one list, oldest first; a return shows its comment."""
    by_id = {c.id: c for c in comments}
    items = []
    used = set()
    for e in events:
        comment = by_id.get(e.comment_id)
        if comment:
            used.add(comment.id)
        items.append({"at": e.at, "who": e.user.full_name if e.user else "",
                      "kind": e.action, "label": e.action_label,
                      "body": comment.body if comment else ""})
    for c in comments:
        if c.id not in used:
            items.append({"at": c.created_at, "who": c.author.full_name, "kind": "comment",
                          "label": _("Ý kiến"), "body": c.body})
    return sorted(items, key=lambda i: i["at"])


def _page(ctx, *, form=None, status=200, stale=None, message=None, review_form=None,
          comment_form=None, upload_errors=None):
    unit, period, report = ctx.unit, ctx.period, ctx.report
    if report is None and not ctx.expected:
        abort(404)
    indicators = queries.indicators_of_unit(unit.id, period.year)
    accepted = queries.accepted_figures([i.id for i in indicators], period.year)
    editing = can(current_user, "report.edit", unit.id) and (report is None or report.editable)
    if editing:
        form = form or _form_from_draft(indicators, report)
        form.draft_token.data = secrets.token_hex(8)
        numbers = {i.id: form[f"v_{i.id}"].data for i in indicators}
        shown = {}
    else:
        form = None
        stored = queries.values_of(report)
        numbers = {i: v.value for i, v in stored.items()}
        shown = stored
    flags = fig.flagged(indicators, accepted, period, unit.id,
                        {k: v for k, v in numbers.items() if v is not None})
    events, comments = queries.history_of(report)
    can_review = (report is not None and report.status == "submitted"
                  and can(current_user, "report.review", unit.id))
    if can_review and review_form is None:
        review_form = ReviewForm(formdata=None, version=str(report.version))
    can_comment = report is not None and report.id is not None and can(
        current_user, "comment.add", unit.id)
    return render_template(
        "reports/report.html", unit=unit, period=period, report=report, deadline=ctx.deadline,
        indicators=indicators, form=form, editing=editing, shown=shown, flags=flags,
        timeline=_timeline(events, comments), stale=stale, message=message,
        review_form=review_form if can_review else None,
        comment_form=(comment_form or CommentForm(formdata=None)) if can_comment else None,
        upload_form=UploadForm(formdata=None), upload_errors=upload_errors or [],
        sections=REPORT_SECTIONS, show_figure=fig.show_figure, max_section=MAX_SECTION,
    ), status


def _ctx_of(report):
    return queries.report_context(report.unit.slug, report.period_id)


# --- a unit's report -----------------------------------------------------------------

@bp.get("/units/<slug>/reports/<int:period_id>")
@requires("report.view", unit=queries.unit_of_report_page)
def report(slug, period_id):
    return _page(queries.report_context(slug, period_id))


@bp.post("/units/<slug>/reports/<int:period_id>")
@requires("report.edit", unit=queries.unit_of_report_page)
def save(slug, period_id):
    """Save draft without JavaScript: post, redirect, get."""
    ctx = queries.report_context(slug, period_id)
    indicators = queries.indicators_of_unit(ctx.unit.id, ctx.period.year)
    posted = report_form_class(indicators)()
    _figure_errors(posted, indicators)
    try:
        _form, sections, entries = _posted_draft()
        draft = _merged_draft(ctx.report, entries, {i.id for i in indicators})
        services.save_draft(ctx, sections, draft, _posted_version(posted.version.data),
                            _posted_token(posted.draft_token.data))
        db.session.commit()
    except Stale as e:
        db.session.rollback()
        posted.version.data = str(e.current.version)  # the next save is a deliberate one
        return _page(ctx, form=posted, status=409, stale=e.current, message=e.message)
    except ReportProblem as e:
        db.session.rollback()
        return _page(_fresh(ctx), form=posted, status=e.status, message=e.message)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        return _page(_fresh(ctx), form=posted, status=409, message=_(
            "Báo cáo vừa được lưu ở nơi khác. Nội dung bạn nhập vẫn còn dưới đây; hãy lưu lại."))
    flash(_("Đã lưu nháp."), "success")
    return redirect(_report_url(ctx))


def _fresh(ctx):
    """After a rollback: the context again, from the database."""
    g.pop("report_ctx", None)
    return queries.report_context(ctx.unit.slug, ctx.period.id)


@bp.post("/units/<slug>/reports/<int:period_id>/draft")
@requires("report.edit", unit=queries.unit_of_report_page)
def autosave(slug, period_id):
    """The htmx autosave: a tiny "saved at" fragment, and the new version out of band."""
    ctx = queries.report_context(slug, period_id)
    try:
        form, sections, entries = _posted_draft()
        report, _changed = services.save_draft(
            ctx, sections, _merged_draft(ctx.report, entries),
            _posted_version(form.version.data), _posted_token(form.draft_token.data))
        version = report.version
        db.session.commit()
    except Stale:
        db.session.rollback()
        return _status(409, _("Có người vừa lưu báo cáo này ở nơi khác. Bấm “Lưu nháp” để "
                              "xem hai bản cạnh nhau; nội dung bạn nhập vẫn còn trên trang."))
    except ReportProblem as e:
        db.session.rollback()
        return _status(e.status, str(e.message))
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        return _status(409, _("Có người vừa lưu báo cáo này ở nơi khác. Bấm “Lưu nháp” để "
                              "xem hai bản cạnh nhau."))
    now = datetime.now(VN_TZ)
    return render_block("reports/report.html", "save_status", saved_at=f"{now:%H:%M}",
                        version=version)


def _status(code, message):
    return render_block("reports/report.html", "save_status", problem=message), code


@bp.post("/units/<slug>/reports/<int:period_id>/submit")
@requires("report.edit", unit=queries.unit_of_report_page)
def submit(slug, period_id):
    ctx = queries.report_context(slug, period_id)
    indicators = queries.indicators_of_unit(ctx.unit.id, ctx.period.year)
    form = report_form_class(indicators)()
    if not form.validate():
        return _page(ctx, form=form, status=422,
                     message=_("Báo cáo chưa gửi được: vui lòng sửa các ô được đánh dấu."))
    accepted = queries.accepted_figures([i.id for i in indicators], ctx.period.year)
    try:
        services.submit(
            ctx, {key: form[key].data or "" for key in SECTION_KEYS},
            {i.id: form[f"v_{i.id}"].data for i in indicators},
            {i.id: form[f"e_{i.id}"].data or "" for i in indicators},
            _posted_version(form.version.data), _posted_token(form.draft_token.data),
            indicators, accepted)
        db.session.commit()
    except Stale as e:
        db.session.rollback()
        form.version.data = str(e.current.version)
        return _page(ctx, form=form, status=409, stale=e.current, message=e.message)
    except ReportProblem as e:
        db.session.rollback()
        for name, msg in e.fields.items():
            if name in form:
                form[name].errors = [*form[name].errors, str(msg)]
        return _page(_fresh(ctx), form=form, status=e.status, message=e.message)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        return _page(_fresh(ctx), form=form, status=409, message=_(
            "Báo cáo vừa được lưu ở nơi khác. Nội dung bạn nhập vẫn còn dưới đây; hãy gửi lại."))
    flash(_("Đã gửi báo cáo. Phòng Văn hóa – Xã hội sẽ xem và duyệt."), "success")
    return redirect(_report_url(ctx))


@bp.get("/units/<slug>/reports/<int:period_id>/template.xlsx")
@requires("report.edit", unit=queries.unit_of_report_page)
def template_xlsx(slug, period_id):
    ctx = queries.report_context(slug, period_id)
    if ctx.report is None and not ctx.expected:
        abort(404)
    indicators = queries.indicators_of_unit(ctx.unit.id, ctx.period.year)
    draft = fig.load_draft(ctx.report.figures_draft) if ctx.report else {}
    data = xlsx.template_workbook(ctx.unit, ctx.period, indicators, draft)
    name = f"so-lieu-{ctx.unit.slug}-{ctx.period.year}-{ctx.period.kind}-{ctx.period.number:02d}.xlsx"
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/units/<slug>/reports/<int:period_id>/upload")
@requires("report.edit", unit=queries.unit_of_report_page)
def upload(slug, period_id):
    """The filled template's figures go into the draft, all or nothing. The upload is its
    own deliberate act, so it is not held to the page's version."""
    ctx = queries.report_context(slug, period_id)
    indicators = queries.indicators_of_unit(ctx.unit.id, ctx.period.year)
    file = request.files.get("file")
    data = file.stream.read(xlsx.MAX_UPLOAD_BYTES + 1) if file else b""
    try:
        if ctx.report is not None and not ctx.report.editable:
            raise ReportProblem(_("Báo cáo đã gửi nên không nhập số liệu được nữa."), 409)
        got = xlsx.read_upload(data, ctx.unit, ctx.period, indicators)
        by_id = {i.id: i for i in indicators}
        draft = _merged_draft(ctx.report, {
            i: {"v": fig.draft_text(by_id[i], v), "e": got.explanations.get(i, "")}
            for i, v in got.values.items()})
        services.save_draft(ctx, {}, draft, ctx.report.version if ctx.report else None, "",
                            action="report.import")
        db.session.commit()
    except xlsx.UploadProblem as e:
        db.session.rollback()
        return _page(_fresh(ctx), status=e.status, upload_errors=e.messages,
                     message=_("Chưa nhập số liệu nào: tệp có lỗi, xem danh sách bên dưới."))
    except ReportProblem as e:
        db.session.rollback()
        return _page(_fresh(ctx), status=e.status, message=e.message)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        return _page(_fresh(ctx), status=409, message=_("Báo cáo vừa được lưu ở nơi khác; "
                                                         "hãy tải tệp lên lại."))
    flash(_("Đã nhập %(n)s số liệu từ tệp Excel vào bản nháp. Hãy kiểm tra rồi gửi.",
            n=len(got.values)), "success")
    return redirect(_report_url(ctx))


# --- review and comments -------------------------------------------------------------

def _review(report_id, act):
    report = queries.report_or_404(report_id)
    form = ReviewForm()
    if not form.validate():
        return _page(_ctx_of(report), status=422, review_form=form,
                     message=_("Vui lòng kiểm tra lại các ô được đánh dấu."))
    try:
        message = act(report, form)
        db.session.commit()
    except ReportProblem as e:
        db.session.rollback()
        g.pop("report", None)
        report = queries.report_or_404(report_id)
        for name, msg in e.fields.items():
            if name in form:
                form[name].errors = [str(msg)]
        form.version.data = str(report.version)
        return _page(_ctx_of(report), status=e.status, message=e.message, review_form=form)
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        g.pop("report", None)
        report = queries.report_or_404(report_id)
        return _page(_ctx_of(report), status=409, message=_(
            "Báo cáo vừa được người khác xử lý. Vui lòng xem lại."))
    flash(message, "success")
    return redirect(_report_url(report))


@bp.post("/reports/<int:report_id>/accept")
@requires("report.review", unit=queries.unit_of_report)
def accept(report_id):
    def act(report, form):
        indicators = queries.indicators_of_unit(report.unit_id, report.period.year)
        accepted = queries.accepted_figures([i.id for i in indicators], report.period.year)
        n = services.accept(report, _posted_version(form.version.data), indicators, accepted)
        return _("Đã duyệt báo cáo; %(n)s số liệu đã được ghi nhận vào chỉ tiêu.", n=n)
    return _review(report_id, act)


@bp.post("/reports/<int:report_id>/return")
@requires("report.review", unit=queries.unit_of_report)
def return_(report_id):
    def act(report, form):
        services.return_report(report, _posted_version(form.version.data),
                               form.comment.data or "")
        return _("Đã trả lại báo cáo cho đơn vị kèm ý kiến.")
    return _review(report_id, act)


@bp.post("/reports/<int:report_id>/comments")
@requires("comment.add", unit=queries.unit_of_report)
def comment(report_id):
    report = queries.report_or_404(report_id)
    form = CommentForm()
    if form.validate():
        if not idempotency.claim(form.token.data):
            flash(_("Ý kiến này đã được gửi."), "success")
            return redirect(_report_url(report), 303)
        try:
            services.add_comment(report, form.comment.data)
            db.session.commit()
        except ReportProblem as e:
            db.session.rollback()
            return _page(_ctx_of(report), status=e.status, message=e.message, comment_form=form)
        flash(_("Đã gửi ý kiến."), "success")
        return redirect(_report_url(report))
    return _page(_ctx_of(report), status=422, comment_form=form,
                 message=_("Ý kiến chưa gửi được: vui lòng kiểm tra lại."))


# --- lists, completeness -------------------------------------------------------------

@bp.get("/reports")
@requires("plan.view")
def index():
    year = _year()
    unit = current_user.unit
    mine = queries.unit_reports(unit, year) if unit is not None and can(
        current_user, "report.view", unit.id) else []
    waiting = []
    if can(current_user, "report.review"):
        waiting = db.session.execute(
            select(Report, Unit, ReportingPeriod).join(Unit, Unit.id == Report.unit_id)
            .join(ReportingPeriod, ReportingPeriod.id == Report.period_id)
            .where(Report.status == "submitted")
            .order_by(Report.submitted_at)).all()
    return render_template("reports/index.html", year=year, unit=unit, mine=mine,
                           waiting=waiting, years=queries.years())


def _current_period(periods, today):
    """The period whose reports are being chased now: the latest that has closed."""
    closed = [p for p in periods if p.ends_on < today]
    return closed[-1] if closed else (periods[0] if periods else None)




@bp.get("/reports/completeness")
@requires("plan.view")
def completeness():
    year = _year()
    kind = request.args.get("kind", "month")
    if kind not in PERIOD_KINDS:
        kind = "month"
    today = vn_today()
    periods = queries.periods_of(year, kind)
    m = queries.matrix(periods, today)
    chosen = query_int("period")
    chase = next((p for p in periods if p.id == chosen), None) or _current_period(periods, today)
    return render_template("reports/completeness.html", year=year, kind=kind, kinds=PERIOD_KINDS,
                           periods=periods, m=m, today=today, chase=chase,
                           to_chase=m.to_chase(chase.id) if chase else [],
                           state_labels=STATE_LABELS)


# --- periods -------------------------------------------------------------------------

@bp.get("/reports/periods")
@requires("period.manage")
def periods():
    year = _year()
    rows = queries.periods_of(year)
    listed = dict(db.session.execute(
        select(period_unit.c.period_id, func.count()).join(
            ReportingPeriod, ReportingPeriod.id == period_unit.c.period_id)
        .where(ReportingPeriod.year == year).group_by(period_unit.c.period_id)).all())
    return render_template("reports/periods.html", year=year, periods=rows, listed=listed,
                           generate_form=EmptyForm(), kinds=PERIOD_KINDS)


@bp.post("/reports/periods/generate")
@requires("period.manage")
def generate():
    year = request.form.get("year", type=int)
    if year is None or not 2000 <= year <= 2100:
        abort(400)
    n = services.generate_year(year)
    db.session.commit()
    if n:
        flash(_("Đã tạo %(n)s kỳ báo cáo của năm %(year)s.", n=n, year=year), "success")
    else:
        flash(_("Lịch báo cáo năm %(year)s đã đủ.", year=year), "info")
    return redirect(url_for("reports.periods", year=year))


def _kinds_present(units):
    present = {u.kind for u in units}
    return [(k, label) for k, label in UNIT_KINDS.items() if k in present]


def _period_page(form, units, period=None, status=200, message=None):
    return render_template("reports/period.html", form=form, period=period, units=units,
                           kinds=_kinds_present(units), message=message,
                           unit_kinds=UNIT_KINDS), status


def _period_values(form, kinds):
    by_kind = {k: form[f"deadline_{k}"].data for k, _label in kinds} if kinds else {}
    return dict(subject=form.subject.data or "", starts_on=form.starts_on.data,
                ends_on=form.ends_on.data, deadline=form.deadline.data, by_kind=by_kind,
                unit_ids=set(form.units.data or ()))


def _unit_choices(form, units):
    form.units.choices = [(u.id, u.short_name or u.name) for u in units]


def _apply_problem(form, e):
    for name, msg in e.fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, str(msg)]


@bp.route("/reports/periods/new", methods=["GET", "POST"])
@requires("period.manage")
def new_period():
    units = services.reporting_units()
    form = PeriodForm()
    _unit_choices(form, units)
    if request.method == "POST":
        if not (form.subject.data or "").strip():
            form.subject.errors = [_("Vui lòng nhập nội dung yêu cầu báo cáo.")]
        if form.validate() and not form.subject.errors:
            valid_ids = {u.id for u in units}
            values = _period_values(form, [])
            if not idempotency.claim(form.token.data):
                flash(_("Yêu cầu báo cáo này đã được tạo."), "success")
                return redirect(url_for("reports.periods", year=values["ends_on"].year), 303)
            try:
                period = services.create_adhoc(
                    values["ends_on"].year, values["subject"], values["starts_on"], values["ends_on"],
                    values["deadline"], values["unit_ids"] & valid_ids)
                db.session.commit()
            except ReportProblem as e:
                db.session.rollback()
                _apply_problem(form, e)
                return _period_page(form, units, status=e.status, message=e.message)
            except IntegrityError:
                db.session.rollback()
                return _period_page(form, units, status=409, message=_(
                    "Có người vừa tạo yêu cầu khác cùng lúc; vui lòng bấm tạo lại."))
            flash(_("Đã tạo yêu cầu báo cáo đột xuất."), "success")
            return redirect(url_for("reports.periods", year=period.year))
        return _period_page(form, units, status=422,
                            message=_("Vui lòng kiểm tra lại các ô được đánh dấu."))
    return _period_page(form, units)


@bp.route("/reports/periods/<int:period_id>", methods=["GET", "POST"])
@requires("period.manage")
def edit_period(period_id):
    period = queries.period_or_404(period_id)
    units = services.reporting_units()
    kinds = _kinds_present(units)
    Form = period_form_class(kinds)
    if request.method == "POST":
        form = Form()
        _unit_choices(form, units)
        if form.validate():
            values = _period_values(form, kinds)
            values["unit_ids"] &= {u.id for u in units}
            try:
                services.update_period(period, _posted_version(form.version.data), **values)
                db.session.commit()
            except ReportProblem as e:
                db.session.rollback()
                _apply_problem(form, e)
                return _period_page(form, units, queries.period_or_404(period_id), e.status,
                                    e.message)
            except StaleDataError:
                db.session.rollback()
                return _period_page(form, units, queries.period_or_404(period_id), 409,
                                    _("Kỳ báo cáo vừa được người khác sửa. Vui lòng tải lại."))
            flash(_("Đã lưu kỳ báo cáo."), "success")
            return redirect(url_for("reports.periods", year=period.year))
        return _period_page(form, units, period, 422,
                            _("Vui lòng kiểm tra lại các ô được đánh dấu."))
    by_kind = services.deadlines_by_kind(period)
    data = {"version": str(period.version), "subject": period.subject,
            "starts_on": period.starts_on, "ends_on": period.ends_on,
            "deadline": period.deadline, "units": sorted(services.listed_units(period)),
            **{f"deadline_{k}": by_kind.get(k) for k, _label in kinds}}
    form = Form(formdata=None, data=data)
    _unit_choices(form, units)
    return _period_page(form, units, period)


# --- the commune report --------------------------------------------------------------

def _commune_report(period_id) -> Optional[CommuneReport]:
    return db.session.scalar(select(CommuneReport).where(CommuneReport.period_id == period_id))


def _commune_page(period, cr, form=None, status=200, message=None):
    accepted = commune.accepted_reports(period.id)
    expected = db.session.scalar(select(func.count()).select_from(period_unit)
                                 .where(period_unit.c.period_id == period.id))
    editing = can(current_user, "commune_report.edit")
    if editing and cr is not None and form is None:
        form = CommuneReportForm(formdata=None, obj=cr, version=str(cr.version))
    return render_template("reports/commune.html", period=period, cr=cr, form=form,
                           editing=editing, accepted=accepted, expected=expected,
                           compile_form=EmptyForm(), message=message,
                           sections=REPORT_SECTIONS), status


@bp.get("/reports/commune/<int:period_id>")
@requires("overview.view")
def commune_report(period_id):
    period = queries.period_or_404(period_id)
    return _commune_page(period, _commune_report(period_id))


@bp.post("/reports/commune/<int:period_id>/compile")
@requires("commune_report.edit")
def compile_commune(period_id):
    period = queries.period_or_404(period_id)
    cr = _commune_report(period_id)
    try:
        commune.compile_report(period, queries.commune_plan(period.year), cr,
                               _posted_version(request.form.get("version")))
        db.session.commit()
    except ReportProblem as e:
        db.session.rollback()
        return _commune_page(period, _commune_report(period_id), status=e.status,
                             message=e.message)
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        return _commune_page(period, _commune_report(period_id), status=409, message=_(
            "Báo cáo của xã vừa được người khác tổng hợp. Vui lòng xem lại."))
    flash(_("Đã tổng hợp báo cáo của xã từ các báo cáo đã duyệt. Hãy biên tập rồi tải về."),
          "success")
    return redirect(url_for("reports.commune_report", period_id=period_id))


@bp.post("/reports/commune/<int:period_id>")
@requires("commune_report.edit")
def save_commune(period_id):
    period = queries.period_or_404(period_id)
    cr = _commune_report(period_id)
    if cr is None:
        abort(404)
    form = CommuneReportForm()
    if not form.validate():
        return _commune_page(period, cr, form, 422, _("Vui lòng kiểm tra lại các ô được đánh dấu."))
    if _posted_version(form.version.data) != cr.version:
        form.version.data = str(cr.version)
        return _commune_page(period, cr, form, 409, _(
            "Báo cáo của xã vừa được người khác sửa. Nội dung bạn nhập vẫn còn dưới đây; bấm "
            "Lưu lần nữa để ghi đè, hoặc tải lại trang để xem bản kia."))
    before = _commune_snapshot(cr)
    for name in ("number", "subject", "issued_on", "intro", "signer_name", "recipients",
                 *SECTION_KEYS):
        setattr(cr, name, form[name].data if name == "issued_on" else (form[name].data or ""))
    cr.updated_by_id = services.current_user_id()
    try:
        db.session.flush()
        record("commune_report.edit", "commune_report", cr.id, before=before,
               after=_commune_snapshot(cr))
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return _commune_page(period, _commune_report(period_id), form, 409, _(
            "Báo cáo của xã vừa được người khác sửa. Vui lòng tải lại trang."))
    flash(_("Đã lưu báo cáo của xã."), "success")
    return redirect(url_for("reports.commune_report", period_id=period_id))


def _commune_snapshot(cr):
    return snapshot(cr, ["number", "subject", "issued_on", "intro", "signer_name",
                         "recipients", *SECTION_KEYS])


@bp.get("/reports/commune/<int:period_id>/report.docx")
@requires("overview.view")
def commune_docx(period_id):
    period = queries.period_or_404(period_id)
    cr = _commune_report(period_id)
    if cr is None:
        abort(404)
    plan = queries.commune_plan(period.year)
    if plan is None:
        abort(404)
    indicators = plan_queries.indicators_of(plan)
    figures = queries.accepted_figures([i.id for i in indicators], period.year,
                                       until=period.ends_on)
    rows = commune.indicator_rows(indicators, figures, period.year)
    data = commune.document(cr, period, plan.unit.name, rows)
    return Response(data, mimetype=DOCX, headers={
        "Content-Disposition": f'attachment; filename="{commune.filename(cr, period)}"'})


# --- every figure, as a spreadsheet --------------------------------------------------

@bp.get("/reports/figures.xlsx")
@requires("indicator.export")
def figures_xlsx():
    year = _year()
    plan = queries.commune_plan(year)
    if plan is None:
        abort(404)
    indicators = {i.id: i for i in db.session.scalars(
        select(Indicator).where(Indicator.plan_id == plan.id))}
    periods = queries.periods_of(year)
    values = list(db.session.scalars(
        select(IndicatorValue).join(ReportingPeriod, ReportingPeriod.id == IndicatorValue.period_id)
        .where(ReportingPeriod.year == year, IndicatorValue.indicator_id.in_(list(indicators)))))
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    data = xlsx.figures_workbook(year, indicators, periods, values, units)
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="so-lieu-chi-tieu-{year}.xlsx"'})
