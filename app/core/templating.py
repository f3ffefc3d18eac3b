"""What every template may call and no domain owns: Vietnamese formats, can(), links made
once a request, the CSRF and submission tokens, static files' fingerprints. Each domain
registers its own filters and globals (app/<domain>/templating.py, called by create_app
after these): core imports no domain."""
import hashlib
from decimal import Decimal
from pathlib import Path

from flask import current_app, g, has_request_context, url_for
from flask.globals import _cv_request
from flask_babel import get_locale
from app.core.i18n import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.core import idempotency
from app.core import policy
from app.core import vietnamese


def init_app(app):
    @app.url_defaults
    def _fingerprint_static(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            values["v"] = static_version(values["filename"])

    from app.core import speedups

    app.extensions["thidua_urls"] = {}  # kept_url_for()'s, this app's own
    app.extensions["thidua_url_patterns"] = {}  # url_pattern()'s

    app.jinja_env.filters.update(
        vn_number=vn_number,
        vn_percent=vietnamese.format_percent,
        vn_date=vietnamese.format_date,
        vn_datetime=vietnamese.format_datetime,
    )
    app.jinja_env.globals.update(
        # can(): macros imported without context see this one; pages get a per-render one
        can=lambda action, unit_id=None: policy.can(current_user, action, unit_id),
        closed_reason=policy.closed_reason,
        submission_token=idempotency.new_token, url_pattern=url_pattern,
        report_url=report_url, comment_url=comment_url,
        completeness_cells=speedups.completeness_cells,
        completeness_row=speedups.completeness_row, made_once_html=speedups.made_once_html,
        csrf_token=csrf_token,
        url_for=kept_url_for,
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


def label_of(table, value):
    """A stored key shown by its label in the reader's language; an unknown key as is."""
    return _(table[value]) if value in table else value


# ---- links -------------------------------------------------------------------------------

def report_url(unit, period_id):
    """A unit's report for a period (app/reports)."""
    return url_for("reports.report", slug=unit.slug, period_id=period_id)


def comment_url(comment, unit, period_id=None):
    """Where a comment is read and answered, on the comment itself (#c-<id>, issue 30): a
    report's in the report's history, any other in its thread on the unit's page."""
    anchor = f"c-{comment.id}"
    if comment.subject_type == "report" and period_id is not None:
        return f"{report_url(unit, period_id)}#{anchor}"
    return url_for("units.show", slug=unit.slug, _anchor=anchor)


URLS_KEPT = 5000
_PLAIN = frozenset({str, int, bool, type(None)})


def kept_url_for(endpoint: str, **values) -> str:
    """Templates' url_for(): Flask's URL, remembered by the address the request came to, the
    endpoint and its values. Every page's header and footer build a dozen links that never
    change, ~35 Python calls each (issue 33). Outside a request, for a URL relative to the
    blueprint, an external one, or with a value other than text or a number, it is Flask's."""
    ctx = _cv_request.get(None)
    if ctx is None or endpoint[:1] == "." or "_external" in values or "_scheme" in values:
        return url_for(endpoint, **values)
    for value in values.values():
        if type(value) not in _PLAIN:  # a record could change under the same key
            return url_for(endpoint, **values)
    adapter, kept = ctx.url_adapter, ctx.app.extensions["thidua_urls"]
    key = (adapter.server_name, adapter.script_name, endpoint, *sorted(values.items()))
    found = kept.get(key)
    if found is None:
        found = url_for(endpoint, **values)
        if len(kept) < URLS_KEPT:  # links of every record a process shows: kept bounded
            kept[key] = found
    return found


def url_pattern(endpoint, key, **values) -> "UrlPattern":
    """UrlPattern(…), made once per app and address as kept_url_for() keeps links (a row of
    a list asks for the same pattern as the rows before it, and the next request too: ~30
    Python calls each, four on every milestone answer, issue 33); with a value other than
    text or a number, once per request."""
    ctx = _cv_request.get(None)
    if ctx is None or any(type(value) not in _PLAIN for value in values.values()):
        made = g.setdefault("url_patterns", {})
        wanted = (endpoint, key, *sorted(values.items()))
    else:
        adapter, made = ctx.url_adapter, ctx.app.extensions["thidua_url_patterns"]
        wanted = (adapter.server_name, adapter.script_name, endpoint, key,
                  *sorted(values.items()))
    found = made.get(wanted)
    if found is None:
        found = UrlPattern(endpoint, key, **values)
        if len(made) < URLS_KEPT:
            made[wanted] = found
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
