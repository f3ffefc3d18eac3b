"""What every response shares: error pages, security headers, cache rules for
fingerprinted static files, template filters and globals."""
import hashlib
from decimal import Decimal
from pathlib import Path

from flask import (current_app, g, has_request_context, render_template, request, session,
                   url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app import idempotency, policy, vietnamese
from app.extensions import db, htmx
from app.i18n import N_

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")
YEAR = 365 * 24 * 3600

ERROR_TEXT = {
    400: N_("Yêu cầu không hợp lệ. Vui lòng kiểm tra lại thông tin đã nhập."),
    401: N_("Vui lòng đăng nhập để tiếp tục."),
    403: N_("Bạn không có quyền thực hiện thao tác này."),
    404: N_("Không tìm thấy trang hoặc dữ liệu yêu cầu."),
    405: N_("Thao tác không được hỗ trợ tại địa chỉ này."),
    409: N_("Dữ liệu đã được người khác thay đổi. Vui lòng tải lại và thử lại."),
    413: N_("Dữ liệu gửi lên quá lớn."),
    422: N_("Dữ liệu chưa hợp lệ. Vui lòng kiểm tra lại."),
    429: N_("Bạn thao tác quá nhanh hoặc đã nhập sai nhiều lần. Vui lòng thử lại sau ít phút."),
    500: N_("Hệ thống gặp lỗi. Thao tác chưa được lưu; vui lòng thử lại."),
    503: N_("Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau."),
}


def init_app(app):
    _register_errors(app)
    _register_headers(app)
    _register_templates(app)


def error_response(code, message=None):
    message = message or _(ERROR_TEXT.get(code, ERROR_TEXT[400]))
    if htmx and not htmx.boosted:
        # shown in the page's message area, not dropped and not swapped into a table cell
        html = render_template("_alert.html", message=message, category="error")
        return html, code, {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    return render_template("error.html", code=code, message=message), code


def _register_errors(app):
    @app.errorhandler(CSRFError)
    def _csrf(err):
        db.session.rollback()
        return error_response(400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                                     "Vui lòng tải lại trang và thử lại."))

    @app.errorhandler(HTTPException)
    def _http(err):
        db.session.rollback()
        if err.code and err.code < 400:
            return err
        return error_response(err.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(err):
        db.session.rollback()
        current_app.logger.exception("unhandled error")
        return error_response(500)


def _register_headers(app):
    @app.after_request
    def _security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.endpoint == "static" and request.args.get("v"):
            h["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        elif request.endpoint != "static":
            h.setdefault("Cache-Control", "no-cache, private")
        if getattr(g, "vary_htmx", False):
            response.vary.add("HX-Request")
        _etag_page(response)
        return response

    if app.config.get("SQL_COUNT_HEADER"):
        _count_sql(app)


# The signed CSRF token changes on every render though the session's token does not: leave
# it out of the ETag, but put the session in, so a 304 never hands back another session's page.


def _etag_page(response):
    """A repeat visit to an unchanged page costs one small 304 instead of the whole page."""
    if (request.method != "GET" or response.status_code != 200 or response.direct_passthrough
            or response.mimetype != "text/html" or response.is_streamed
            or (htmx and not htmx.boosted)):
        return
    body = response.get_data()
    token = g.get("csrf_token")  # what Flask-WTF rendered into this page, if anything
    for volatile in (token, *g.get("submission_tokens", ())):
        if volatile:
            body = body.replace(volatile.encode(), b"")
    digest = hashlib.sha256(body)
    digest.update(str(session.get("_user_id", "")).encode())
    digest.update(str(session.get("csrf_token", "")).encode())
    response.set_etag(digest.hexdigest()[:32])
    response.make_conditional(request)


def _count_sql(app):
    """Bench mode only: X-SQL-Statements tells the load test what each request cost."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, *args):
        # transaction control is not a query: count what the tests' budgets count
        if has_request_context() and not statement.lstrip().upper().startswith(
                ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")):
            g.sql_statements = g.get("sql_statements", 0) + 1

    @app.after_request
    def _header(response):
        response.headers["X-SQL-Statements"] = str(g.get("sql_statements", 0))
        return response


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


def vn_number(value, decimals=None):
    """Figures come back from NUMERIC(20,4) as 9950.3000: show them as written, 9.950,3."""
    if decimals is None and isinstance(value, Decimal):
        value = value.normalize()
    return vietnamese.format_number(value, decimals)


def _register_templates(app):
    @app.url_defaults
    def _fingerprint_static(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            values["v"] = static_version(values["filename"])

    app.jinja_env.filters.update(
        vn_number=vn_number,
        vn_percent=vietnamese.format_percent,
        vn_date=vietnamese.format_date,
        vn_datetime=vietnamese.format_datetime,
    )
    # can(): macros imported without context see this one; pages get a per-render one below
    app.jinja_env.globals.update(can=lambda action, unit_id=None: policy.can(
        current_user, action, unit_id), submission_token=idempotency.new_token,
        url_pattern=url_pattern)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _per_render():
        # can() in a template: the person looked up once per render, each answer once
        # (a table asks the same question in every cell)
        user = current_user._get_current_object() if has_request_context() else None
        return {"current_locale": str(get_locale() or "vi"), "can": policy.asker(user)}


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
