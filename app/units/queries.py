"""Reading units: the loaders that @requires(load=…) and other domains use."""
from functools import cache
from typing import Optional

from sqlalchemy import bindparam, select

from app.core.extensions import db
from app.units.models import Unit


@cache
def _unit_by_slug():
    return select(Unit).where(Unit.slug == bindparam("slug"))


def unit_by_slug(slug: str, **_view_args) -> Optional[Unit]:
    """The unit a URL names, or None; a policy loader (the view's other arguments ignored)."""
    return db.session.scalar(_unit_by_slug(), {"slug": slug})
