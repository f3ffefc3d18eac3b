"""Everything templates may call that is not a page's own variable: filters, globals and
per-render helpers, registered for the whole app in one place (pages of one domain use
another's: the dashboard links reports, a unit page shows milestone statuses)."""
import hashlib
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from flask import current_app, g, has_request_context, url_for
from flask_babel import get_locale
from app.core.i18n import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.core import idempotency
from app.core import policy
from app.core import vietnamese
from app.dashboard.trend import sparkline
from app.emulation import scoring
from app.emulation.models import NOMINEE_KINDS, REVIEW_KINDS
from app.milestones.models import MILESTONE_STATUSES
from app.plans.editing import previous_targets
from app.plans.years import plan_years
from app.units.models import UNIT_KINDS


def init_app(app):
    @app.url_defaults
    def _fingerprint_static(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            values["v"] = static_version(values["filename"])

    from app.core import speedups

    app.jinja_env.filters.update(
        vn_number=vn_number,
        vn_percent=vietnamese.format_percent,
        vn_date=vietnamese.format_date,
        vn_datetime=vietnamese.format_datetime,
        nominee_kind=nominee_kind,
        review_kind=review_kind,
        unit_kind_label=unit_kind_label,
        status_label=emulation_status_label,
        milestone_status=milestone_status,
    )
    app.jinja_env.globals.update(
        # can(): macros imported without context see this one; pages get a per-render one
        can=lambda action, unit_id=None: policy.can(current_user, action, unit_id),
        closed_reason=policy.closed_reason,
        submission_token=idempotency.new_token, url_pattern=url_pattern,
        report_url=report_url, comment_url=comment_url, milestone_links=milestone_links,
        trend_svg=trend_svg, indicator_trend=indicator_trend,
        target_changes=target_changes, plan_years=plan_years,
        level_label=level_label, level_of=scoring.level_of, pts=scoring.pts,
        status_buttons=speedups.status_buttons, completeness_cells=speedups.completeness_cells,
        completeness_row=speedups.completeness_row,
        milestone_row=speedups.milestone_row, unit_overview_row=speedups.unit_overview_row,
        my_work=my_work, csrf_token=csrf_token,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _per_render():
        # can() in a template: the person looked up once per render, each answer once
        # (a table asks the same question in every cell)
        user = current_user._get_current_object() if has_request_context() else None
        return {"current_locale": str(get_locale() or "vi"), "can": policy.asker(user)}


def csrf_token() -> str:
    """Flask-WTF's token, read back from g where its generate_csrf keeps it for the request:
    a unit's page asks once per milestone row, ~30 Python calls each time through it."""
    return g.get("csrf_token") or generate_csrf()


# ---- static files ----------------------------------------------------------------------

_static_hashes: dict[str, str] = {}


def static_version(filename: str) -> str:
    """Content hash of a static file, computed once per process."""
    if filename not in _static_hashes:
        path = Path(current_app.static_folder) / filename
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        except OSError:
            digest = "0"
        _static_hashes[filename] = digest
    return _static_hashes[filename]


# ---- numbers and labels ----------------------------------------------------------------

def vn_number(value, decimals=None):
    """Figures come back from NUMERIC(20,4) as 9950.3000: show them as written, 9.950,3."""
    if decimals is None and isinstance(value, Decimal):
        value = value.normalize()
    return vietnamese.format_number(value, decimals)


def _label_of(table, value):
    """A stored key shown by its label in the reader's language; an unknown key as is."""
    return _(table[value]) if value in table else value


def nominee_kind(value):
    return _label_of(NOMINEE_KINDS, value)


def review_kind(value):
    return _label_of(REVIEW_KINDS, value)


def unit_kind_label(value):
    return _label_of(UNIT_KINDS, value)


def milestone_status(value):
    return _label_of(MILESTONE_STATUSES, value)


def emulation_status_label(value):
    label = scoring.status_label(value)
    return _(label) if label else label


def level_label(level):
    label = scoring.level_label(level)
    return _(label) if label else label


# ---- links -------------------------------------------------------------------------------

def report_url(unit, period_id):
    """A unit's report for a period (app/reports)."""
    return url_for("reports.report", slug=unit.slug, period_id=period_id)


def comment_url(comment, unit, period_id=None):
    """Where a comment's thread is read: its indicator, milestone or report, else the unit."""
    if comment.subject_type == "indicator":
        return url_for("plans.indicator", indicator_id=comment.subject_id)
    if comment.subject_type == "milestone":
        return url_for("milestones.show", milestone_id=comment.subject_id)
    if comment.subject_type == "report" and period_id is not None:
        return report_url(unit, period_id)
    return url_for("units.show", slug=unit.slug) + "#comments"


class RowLinks(NamedTuple):
    status: str
    edit: str
    delete: str


def milestone_links(milestone_id: int) -> RowLinks:
    """A milestone row's three links, from patterns made once per request."""
    patterns = g.get("milestone_patterns")
    if patterns is None:
        patterns = g.milestone_patterns = [url_pattern(endpoint, "milestone_id") for endpoint in
                                           ("milestones.set_status", "milestones.edit",
                                            "milestones.delete")]
    status, edit, delete = patterns
    return RowLinks(status(milestone_id), edit(milestone_id), delete(milestone_id))


def url_pattern(endpoint, key, **values) -> "UrlPattern":
    """UrlPattern(…), made once per request: a row of a list asks for the same pattern
    as the rows before it."""
    made = g.setdefault("url_patterns", {})
    wanted = (endpoint, key, *sorted(values.items()))
    found = made.get(wanted)
    if found is None:
        found = made[wanted] = UrlPattern(endpoint, key, **values)
    return found


class UrlPattern:
    """url_for once for a table of links that differ only by one integer id:
    url_pattern('reports.report', 'period_id', slug=u.slug)(p.id) is
    url_for('reports.report', slug=u.slug, period_id=p.id), at a tenth of the cost."""

    _MARK = 918273645  # an id that no URL part around it can contain by chance

    def __init__(self, endpoint, key, **values):
        url = url_for(endpoint, **values, **{key: self._MARK})
        self.before, found, self.after = url.partition(str(self._MARK))
        if not found or str(self._MARK) in self.after:
            raise ValueError(f"{endpoint}: cannot place {key} in {url}")

    def __call__(self, value) -> str:
        return f"{self.before}{int(value)}{self.after}"


def my_work():
    """The signed-in person's "Việc cần làm" and unread notifications: one statement a
    request, shared by the header's count and the home page's list (issue 19)."""
    from app.notifications.todo import current_work
    return current_work()


# ---- the plan and the dashboard ----------------------------------------------------------

def target_changes(plan):
    """The overview's {indicator_id: target before the last change}."""
    return previous_targets(plan.id)


def trend_svg(line, year):
    ind, p = line.indicator, line.progress
    return sparkline(line.points, year=year, semantics=ind.semantics, target=ind.target,
                     status=p.status, label=_("Xu hướng %(code)s", code=ind.code))


def indicator_trend(ind, figs, year):
    """The indicator page's larger trend."""
    return sparkline(figs.points, year=year, semantics=ind.semantics, target=ind.target,
                     status=figs.progress.status, label=_("Xu hướng %(code)s", code=ind.code),
                     w=320, h=72)
