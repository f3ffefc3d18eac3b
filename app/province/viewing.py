"""A province account reading a commune (issue 31). It picks one on the province's pages;
the signed session cookie keeps the commune's slug (VIEWING) beside the province's scope,
under which the account is loaded; then, on every commune page, the request's scope becomes
that commune (tenancy.view: one statement, on PostgreSQL the transaction told in it). It
only reads there: a write is refused before any view runs, and the policy gives the province
no commune action but reads (app/core/policy.py PROVINCE_READS)."""
import re

from flask import flash, g, redirect, request, session, url_for
from flask_login import current_user

from app.communes.models import Commune
from app.core import tenancy
from app.core.database import SAFE_METHODS
from app.core.errors import Refused
from app.core.extensions import db
from app.core.i18n import gettext as _

VIEWING = "viewing"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# the account's own pages and those of no commune: they keep the province's scope
OWN_PAGES = frozenset({"auth.login", "auth.logout", "auth.change_password",
                       "main.set_language", "main.healthz", "offline.worker",
                       "offline.manifest", "offline.state"})


def is_province_account(user) -> bool:
    return bool(user.is_authenticated) and user.commune_id is None


def choose(commune: Commune) -> None:
    """The commune a province account reads from its next request on."""
    session[VIEWING] = commune.slug


def read_only_message() -> str:
    return _("Tài khoản cấp tỉnh chỉ xem các trang của xã, không thay đổi được gì ở đây.")


def enter_viewed_commune():
    """Before every request, once the account is loaded: a province account on a commune's
    page reads the commune it chose, and nothing else; a commune's people pass untouched
    (no statement: the account is already loaded)."""
    endpoint = request.endpoint
    if (endpoint is None or endpoint == "static" or request.blueprint == "province"
            or endpoint in OWN_PAGES or not is_province_account(current_user)):
        return None
    if request.method not in SAFE_METHODS:
        raise Refused(read_only_message(), 403)
    slug = session.get(VIEWING)
    if slug is None:
        flash(_("Hãy chọn một xã để xem các trang của xã."), "info")
        return redirect(url_for("province.index"))
    if not isinstance(slug, str) or not SLUG.match(slug):
        session.pop(VIEWING, None)
        raise Refused(_("Không rõ đang xem xã nào; hãy chọn lại xã trong danh sách."), 400)
    row = tenancy.view(slug)
    if row is None:
        session.pop(VIEWING, None)
        raise Refused(_("Không có xã “%(slug)s”; hãy chọn lại xã trong danh sách.", slug=slug),
                      404)
    # a record of no session: what the pages say of the commune (its name, kind, sample)
    g.viewed_commune = Commune(**row)
    # the account, read in the province's scope, leaves the commune's session: a rollback
    # (any error page) would reload it in the commune's, where the database's policies hide
    # it. Nothing of it is written here: every write is refused above.
    db.session.expunge(current_user._get_current_object())
    return None


def viewed_commune():
    """The commune a province account is reading in this request, else None."""
    return g.get("viewed_commune")

