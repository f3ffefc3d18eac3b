"""Vietnamese first; English when the reader asks for it (a cookie set by /lang/<code>)."""
from contextvars import ContextVar

from flask import current_app, request
from markupsafe import Markup

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
# A context variable, kept at the request's first string and cleared after it (speedups.py):
# cheaper to read than g, and a request that shows no words never looks it up.
_catalogue: ContextVar = ContextVar("thidua_catalogue", default=None)


def _translations():
    t = _catalogue.get()
    if t is None:
        from flask import has_request_context
        from flask_babel import get_translations
        t = get_translations()
        if has_request_context():
            _catalogue.set(t)
    return t


LABELS_KEPT = 5000


def label(message: str) -> Markup:
    """A fixed label in the request's language, as a template's _("…") gives it: translated
    (our own catalogue, trusted as in Jinja's newstyle gettext), made Markup and
    %-formatted once per catalogue and process, then a dictionary lookup. Labels come from
    code and the plan's data; the cap keeps a caller that passed free text from growing the
    store without end."""
    t = _catalogue.get() or _translations()
    labels = t.__dict__.setdefault("_thidua_labels", {})
    found = labels.get(message)
    if found is None:
        found = Markup(t.ugettext(message)) % {}  # nosec B704
        if len(labels) < LABELS_KEPT:
            labels[message] = found
    return found


def gettext(message: str, **variables) -> str:
    """Flask-Babel's gettext (the same text, %-formatted when given values) through the
    request's catalogue: Flask-Babel looks up the locale and the catalogue on each call, ~15
    Python calls, and a period's name or a to-do line asks on every row (issue 33)."""
    s = _translations().ugettext(message)
    return s % variables if variables else s
