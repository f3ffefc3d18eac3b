"""Whose movement a page belongs to: the signed-in person's commune (read with the account,
no statement of its own), the deployment's only commune for a visitor, or the province."""
from flask import current_app, g
from flask_login import current_user
from sqlalchemy import select

from app.communes.models import Commune
from app.core.extensions import db
from app.core.i18n import N_, gettext as _, label

KINDS = {"xã": N_("xã"), "phường": N_("phường"), "tỉnh": N_("tỉnh")}


def register_template_globals(app):
    app.jinja_env.globals["movement_title"] = movement_title


def movement_title(whose: bool = False, visitor: bool = False) -> str:
    """"Thi đua xã Bình Lư" (the page title), or with whose=True only "xã Bình Lư"; as a
    visitor sees it with visitor=True (what every browser may share: the app's manifest)."""
    kind, name = _whose(visitor)
    if whose:
        return _("%(kind)s %(name)s", kind=label(KINDS[kind]), name=name)
    return _("Thi đua %(kind)s %(name)s", kind=label(KINDS[kind]), name=name)


def _whose(visitor: bool) -> tuple[str, str]:
    if not visitor and current_user.is_authenticated:
        # a province account reading a commune: that commune (app/province/viewing.py)
        commune = current_user.commune or g.get("viewed_commune")
    else:
        commune = _only_commune()
    if commune is not None:
        return commune.kind, commune.name
    return "tỉnh", current_app.config.get("PROVINCE_NAME", "Lai Châu")


def _only_commune():
    if "visitor_commune" not in g:
        found = db.session.scalars(select(Commune).limit(2)).all()
        g.visitor_commune = found[0] if len(found) == 1 else None
    return g.visitor_commune
