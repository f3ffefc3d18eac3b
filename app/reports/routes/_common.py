"""What the reporting views share: reading a posted year and draft, and the
report page itself (editing or reading, with its history, review and comment forms)."""
import re
import secrets
from dataclasses import replace

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.core.params import query_year
from app.plans.years import working_year
from app.core.policy import can
from app.reports import checks
from app.reports import figures as fig
from app.reports import queries
from app.reports.forms import (MAX_SECTION, CommentForm, ReviewForm, UploadForm,
                               report_form_class)
from app.reports.models import REPORT_SECTIONS, Report
from app.reports.services import SECTION_KEYS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def year_asked() -> int:
    """?year=…, the working year (app/plans/years.py) when absent."""
    return query_year(working_year())


def posted_token(raw) -> str:
    raw = (raw or "").strip()
    return raw if re.fullmatch(r"[0-9a-f]{16}", raw) else ""


def merged_draft(report, entries, allowed=None):
    """The stored draft's figure boxes with the posted ones over them (only `allowed`)."""
    draft = fig.load_draft(report.figures_draft) if report is not None else {}
    for ind_id, entry in entries.items():
        if allowed is None or ind_id in allowed:
            draft[ind_id] = {**draft.get(ind_id, {"v": "", "e": ""}), **entry}
    return draft


def report_url(ctx_or_report, **kw):
    if isinstance(ctx_or_report, Report):
        return url_for("reports.report", slug=ctx_or_report.unit.slug,
                       period_id=ctx_or_report.period_id, **kw)
    return url_for("reports.report", slug=ctx_or_report.unit.slug,
                   period_id=ctx_or_report.period.id, **kw)


def stale_page(ctx, form, stale):
    """Someone saved the report first: the report as they left it beside what was typed
    (the form takes its version, so the next save is a deliberate one), or, after a lost
    race, the page as stored now with what was typed."""
    if isinstance(stale.current, Report):
        form.version.data = stale.current.version
        return page(ctx, form=form, status=409, stale=stale.current, message=stale.message)
    return page(stale.current, form=form, status=409, message=stale.message)


def fresh(slug, period_id):
    """After a rollback: the report's context again, from the database."""
    return queries.report_context(slug, period_id) or abort(404)


def context_of(report: Report):
    return fresh(report.unit.slug, report.period_id)


def figure_errors(form, indicators):
    for ind in indicators:
        field = form[f"v_{ind.id}"]
        if field.raw:
            field.validate(form)


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
    figure_errors(form, indicators)
    return form


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
                      "body": comment.body if comment else "",
                      "comment_id": comment.id if comment else None})
    for c in comments:
        if c.id not in used:
            items.append({"at": c.created_at, "who": c.author.full_name, "kind": "comment",
                          "label": _("Ý kiến"), "body": c.body, "comment_id": c.id})
    return sorted(items, key=lambda i: i["at"])


def page(ctx, *, form=None, status=200, stale=None, message=None, review_form=None,
         comment_form=None, upload_errors=None):
    """The report page: the form for its unit's editor while it is a draft, else what was
    sent; with its history, and the review and comment forms for those who may use them."""
    unit, period, report = ctx.unit, ctx.period, ctx.report
    if report is None and not ctx.expected:
        abort(404)
    indicators = queries.indicators_to_report(unit.id, period.year)
    accepted, pending = queries.accepted_and_pending([i.id for i in indicators], period.year,
                                                     unit.id)
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
    found = checks.field_checks(indicators, accepted, period, unit.id, numbers, pending)
    if not editing:  # what was sent carries the flags found then, and who confirmed them
        for ind_id, rv in shown.items():
            if ind_id in found:
                found[ind_id] = replace(found[ind_id], flags=checks.load(rv.flags))
    events, comments = queries.history_of(report)
    can_review = (report is not None and report.status == "submitted"
                  and can(current_user, "report.review", unit.id))
    if can_review and review_form is None:
        review_form = ReviewForm(formdata=None, version=str(report.version))
    can_comment = report is not None and report.id is not None and can(
        current_user, "comment.add", unit.id)
    # the report as someone else saved it, beside the form: its sections that say something
    stale_rows = [(_(label), None, getattr(stale, key)) for key, label in REPORT_SECTIONS
                  if getattr(stale, key)] if stale is not None else []
    return render_template(
        "reports/report.html", unit=unit, period=period, report=report, deadline=ctx.deadline,
        indicators=indicators, form=form, editing=editing, shown=shown, flags=flags,
        timeline=_timeline(events, comments), stale=stale, stale_rows=stale_rows,
        message=message,
        review_form=review_form if can_review else None,
        comment_form=(comment_form or CommentForm(formdata=None)) if can_comment else None,
        upload_form=UploadForm(formdata=None), upload_errors=upload_errors or [],
        sections=REPORT_SECTIONS, show_figure=fig.show_figure, max_section=MAX_SECTION,
        found=found, gettext=_, live=checks.live_messages(_) if editing else None,
        plausible=checks.bounds,
    ), status
