"""Thi đua: the commune emulation-movement tracker. create_app builds the application."""
import logging

from flask import Flask

from config import config_from_env


def create_app(config=None):
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    app.config.from_object(config or config_from_env())
    check_production_settings(app)
    check_webhook_settings(app)
    if app.config.get("BEHIND_PROXY"):
        # nginx in front: take the client's address from X-Forwarded-For (one hop only)
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_web(app)
    register_commands(app)
    if app.config.get("ENV_NAME") == "production":
        refuse_unsafe_database_role(app)
        refuse_demo_accounts(app)
    logging.basicConfig(level=logging.INFO)
    return app


class UnsafeConfiguration(RuntimeError):
    pass


def check_production_settings(app):
    if app.config.get("ENV_NAME") != "production":
        return
    problems = []
    secret = app.config.get("SECRET_KEY")
    if not secret or secret == "dev-only-not-secret" or len(secret) < 32:  # nosec B105 - refusing the dev default, not using it
        problems.append("SECRET_KEY must be set to a random value of 32+ characters")
    if app.debug:
        problems.append("debug must be off")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        problems.append("DATABASE_URL must be set")
    if app.config.get("DEMO_MODE"):
        problems.append("DEMO_MODE must be off")
    if app.config.get("MAIL_SINK_DIR"):
        problems.append("MAIL_SINK_DIR must be unset (e-mail would be written to files, not sent)")
    if problems:
        raise UnsafeConfiguration("Refusing to start in production: " + "; ".join(problems))


def check_webhook_settings(app):
    """A webhook address the app would refuse to send to is said at start, not at the
    first message hours later."""
    if not app.config.get("WEBHOOK_URL"):
        return
    from app.notifications.webhook import WebhookAddressError, check_url
    try:
        check_url(app.config)
    except WebhookAddressError as exc:
        raise UnsafeConfiguration(f"Refusing to start: {exc}") from None


def refuse_demo_accounts(app):
    from sqlalchemy import inspect, select

    from app.auth.models import User
    from app.core.extensions import db

    with app.app_context():
        if not inspect(db.engine).has_table(User.__tablename__):
            return
        if db.session.scalar(select(User.id).where(User.is_demo.is_(True)).limit(1)):
            raise UnsafeConfiguration(
                "Refusing to start in production: demo accounts exist in the database")
        db.session.remove()


def refuse_unsafe_database_role(app):
    """On PostgreSQL the policies are the second wall between communes only if the app's
    role is bound by them (app/communes/roles.py)."""
    from app.communes.roles import unsafe_role_problems
    from app.core.extensions import db

    with app.app_context():
        problems = unsafe_role_problems()
        db.session.remove()
    if problems:
        raise UnsafeConfiguration("Refusing to start in production: " + "; ".join(problems))


def register_extensions(app):
    from app.core import database, tenancy
    from app.core.extensions import babel, compress, csrf, db, htmx, login_manager, migrate
    from app.core.i18n import select_locale
    from app.core.speedups import install_fast_gettext, install_fast_html_params

    if str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}), "pool_pre_ping": False}
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(app.root_path + "/../migrations"))
    login_manager.init_app(app)
    login_manager.session_protection = None  # the server-side session row does this job
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="../translations")
    install_fast_gettext(app)
    install_fast_html_params()
    compress.init_app(app)
    htmx.init_app(app)
    database.configure_engines(app)
    tenancy.install(app)

    import app.models  # noqa: F401  every model registered before anything queries


BLUEPRINTS = ("auth", "main", "plans", "units", "milestones", "reports", "admin", "dashboard",
              "emulation", "notifications", "evidence",
              "offline", "province")


def register_blueprints(app):
    import importlib

    from app.core import params

    params.install(app)  # before any rule is added: every <int:…> is bounded
    for name in BLUEPRINTS:
        importlib.import_module(f"app.{name}.routes")  # attaches the views to the blueprint
        app.register_blueprint(importlib.import_module(f"app.{name}").bp)


def register_request_hooks(app):
    """Every hook each request goes through, here and nowhere else, in the order it runs
    (tests/test_house.py keeps it so). Flask-WTF's CSRF check and Flask-Login were added
    with their extensions; the upload limit must still come before CSRF reads the body."""
    from app.auth.views_support import force_password_change
    from app.core import policy, speedups, web
    from app.evidence.service import upload_limit
    from app.offline.keeping import mark_keepable
    from app.province.viewing import enter_viewed_commune

    app.before_request_funcs.setdefault(None, []).insert(0, upload_limit)
    app.before_request(force_password_change)
    app.before_request(policy.fail_closed)  # a view that declared no policy: refused
    # a province account on a commune's page: that commune's scope, and reading only
    app.before_request(enter_viewed_commune)
    # after the view, last registered first: the SQL count, the headers, then the X-Keep mark
    app.after_request(mark_keepable)
    app.after_request(web.security_headers)
    if app.config.get("SQL_COUNT_HEADER"):
        app.after_request(web.count_sql(app))
    app.teardown_request(speedups.forget_catalogue)


# the domains whose app/<domain>/templating.py registers filters and globals every page
# may use (pages of one domain use another's: a unit page shows milestone statuses)
TEMPLATING = ("communes", "dashboard", "emulation", "milestones", "notifications", "plans",
              "province", "units")


def register_web(app):
    import importlib

    from app.core import web

    web.init_app(app)  # error pages, and core's filters and globals
    for name in TEMPLATING:
        importlib.import_module(f"app.{name}.templating").register_template_globals(app)


def register_commands(app):
    from app import commands

    commands.init_app(app)
