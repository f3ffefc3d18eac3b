"""What every response shares: error pages (and the one handler of Refused), security
headers, cache rules for fingerprinted static files. Templates' filters and globals are
app/core/templating.py's."""
import hashlib

from flask import current_app, g, has_request_context, render_template, request, session
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.core import templating
from app.core.errors import Refused
from app.core.extensions import db, htmx
from app.core.i18n import N_

CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
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
    templating.init_app(app)


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

    @app.errorhandler(Refused)
    def _refused(err):
        # a rule the request breaks (a closed year, a step already taken…) that the view
        # had no form to show again with: the reason, as the request needs it
        db.session.rollback()
        return error_response(err.status, str(err.message) if err.message else None)

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


def security_headers(response):
    """After every request: the headers every answer carries, cache rules, the page's ETag."""
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


def count_sql(app):
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

    def sql_header(response):
        response.headers["X-SQL-Statements"] = str(g.get("sql_statements", 0))
        return response
    return sql_header
