from flask import current_app, redirect, request, url_for
from flask_login import current_user

from app.core.extensions import db
from app.core.i18n import LANG_COOKIE
from app.auth.views_support import landing_url
from app.main import bp
from app.core.policy import public, requires


@bp.route("/")
@requires("plan.view")
def home():
    return redirect(landing_url(current_user))


@bp.route("/healthz")
@public
def healthz():
    try:
        # the database answers, whoever asks: a plain connection, no commune to look up
        db.session.connection().exec_driver_sql("SELECT 1")
    except Exception:  # any database failure means "not healthy", never a 500
        db.session.rollback()
        current_app.logger.exception("health check failed")
        return {"status": "unavailable"}, 503
    return {"status": "ok"}


@bp.route("/lang/<code>")
@public
def set_language(code):
    if code not in current_app.config["LANGUAGES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    back = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else url_for("main.home")
    response = redirect(back)
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
