"""Making communes and working in one: the plan file's [commune] table names a commune
(docs/plan-format.md); everything the commune owns is made inside its scope."""
from collections.abc import Iterator

from sqlalchemy import select

from app.communes.models import Commune
from app.core import tenancy
from app.core.extensions import db
from app.core.vietnamese import fold


def slug_of(name: str) -> str:
    return "-".join(fold(name).replace("-", " ").split()) or "xa"


def by_slug(slug: str) -> Commune | None:
    return db.session.scalar(select(Commune).where(Commune.slug == slug))


def all_communes() -> list[Commune]:
    return list(db.session.scalars(select(Commune).order_by(Commune.name, Commune.id)))


def named_in(pf) -> Commune:
    """The commune a plan file's [commune] table names: found by its slug, or made."""
    table = pf.data.get("commune") or {}
    name = (table.get("name") or "").strip()
    if not name:
        raise ValueError("Tệp kế hoạch thiếu bảng [commune] với tên xã (name).")
    commune = by_slug(slug_of(name))
    if commune is None:
        commune = Commune(slug=slug_of(name), name=name, province=table.get("province", ""),
                          committee=table.get("committee", ""))
        db.session.add(commune)
        db.session.flush()
    return commune


def each() -> Iterator[Commune]:
    """Every commune in turn, each inside its own scope (the worker's rounds)."""
    for commune in all_communes():
        with tenancy.using(commune.id):
            yield commune
