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
