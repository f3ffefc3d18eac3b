"""The browser's own memory of the accounts signed in on it (a signed cookie sent only to
/login), so the sign-in throttle can tell the holder's usual phone or office PC from a
stranger's, even when both come from one address (a commune office, a carrier's pool).

The cookie names the browser (a random id, written on every failed try it makes, so a
browser that has been guessing loses its standing) and the accounts signed in on it; it is
signed with SECRET_KEY, so no one can write themselves a standing they do not have.
"""
import secrets
from dataclasses import dataclass, field

from flask import current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE = "thidua_browser"
SALT = "thidua-known-browser"
MAX_ACCOUNTS = 8  # a shared office PC: a handful of colleagues, not the whole commune


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _max_age() -> int:
    return int(current_app.config["LOGIN_KNOWN_BROWSER"].total_seconds())


@dataclass
class Browser:
    id: str
    accounts: list = field(default_factory=list)  # username keys, the latest sign-in first
    changed: bool = False  # send the cookie back: none came in, or an account was added

    def knows(self, key: str) -> bool:
        return key in self.accounts

    def signed_in(self, key: str) -> None:
        self.accounts = [key, *(k for k in self.accounts if k != key)][:MAX_ACCOUNTS]
        self.changed = True

    def save(self, response) -> None:
        if not self.changed:
            return
        value = _serializer().dumps({"b": self.id, "k": self.accounts})
        cfg = current_app.config
        response.set_cookie(COOKIE, value, max_age=_max_age(), path="/login", httponly=True,
                            secure=cfg["SESSION_COOKIE_SECURE"], samesite="Lax")


def current() -> Browser:
    """This request's browser; one without a (valid) cookie gets a fresh id."""
    raw = request.cookies.get(COOKIE)
    if raw:
        try:
            data = _serializer().loads(raw, max_age=_max_age())
            if (isinstance(data, dict) and isinstance(data.get("b"), str)
                    and isinstance(data.get("k"), list)):
                return Browser(data["b"][:32], [str(k)[:60] for k in data["k"][:MAX_ACCOUNTS]])
        except BadData:  # a forged, damaged or expired cookie: a browser like any other
            pass
    return Browser(secrets.token_urlsafe(16), changed=True)
