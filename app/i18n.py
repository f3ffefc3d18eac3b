"""Vietnamese first; English when the reader asks for it (a cookie set by /lang/<code>)."""
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


def _translations():
    """The request's catalogue, looked up once per request rather than on every string: a
    page with a hundred rows asks for a few hundred strings."""
    from flask import g
    from flask_babel import get_translations

    t = g.get("_translations")
    if t is None:
        t = g._translations = get_translations()
    return t


def install_fast_gettext(app) -> None:
    """Templates' _() and ngettext() through the per-request catalogue (same newstyle
    semantics as Flask-Babel's: autoescaping and %(name)s formatting by Jinja)."""
    app.jinja_env.install_gettext_callables(
        lambda s: _translations().ugettext(s),
        lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True)
