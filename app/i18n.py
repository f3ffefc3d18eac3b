"""Vietnamese first; English when the reader asks for it (a cookie set by /lang/<code>)."""
from contextvars import ContextVar

from flask import current_app, request

LANG_COOKIE = "lang"


def select_locale():
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def N_(msgid: str) -> str:
    """Mark a label kept in a table (pybabel extracts N_ by default); it is translated
    where it is shown, with _(label)."""
    return msgid


# The request's catalogue, looked up once per request (a page with a hundred rows asks for
# a few hundred strings, and Flask-Babel looks up the locale and the catalogue on each).
# A context variable, set before each request and cleared after: cheaper to read than g.
_catalogue: ContextVar = ContextVar("thidua_catalogue", default=None)


def _translations():
    t = _catalogue.get()
    if t is None:
        from flask_babel import get_translations
        t = get_translations()
    return t


def install_fast_gettext(app) -> None:
    """Templates' _() and ngettext() through the per-request catalogue (same newstyle
    semantics as Flask-Babel's: autoescaping and %(name)s formatting by Jinja)."""
    from flask_babel import get_translations

    @app.before_request
    def _remember_catalogue():
        _catalogue.set(get_translations())

    @app.teardown_request
    def _forget_catalogue(_exc=None):
        _catalogue.set(None)

    app.jinja_env.install_gettext_callables(
        lambda s: _translations().ugettext(s),
        lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True)
