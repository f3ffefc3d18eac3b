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


class CommuneRefused(ValueError):
    """A commune not made, and why (Vietnamese), about the plan file's commune ("commune":
    it exists already) or its first administrator ("admin"): nothing of it is kept once
    the caller rolls back."""

    def __init__(self, message: str, about: str):
        super().__init__(message)
        self.about = about


def add_commune(pf, admin_username: str, admin_name: str, password: str,
                actor=None) -> tuple[Commune, "Plan"]:  # noqa: F821
    """A commune from its plan file, as `flask commune add` and the province's page make
    one: the commune, its units and plan, the scoring tables a commune starts from, and
    its first administrator, in the caller's transaction, which runs in the province's
    scope (the caller commits, or rolls back on CommuneRefused: nothing is half-made)."""
    from app.audit.service import record
    from app.auth.accounts import make_admin
    from app.emulation.seed import ensure_defaults
    from app.plans.loader import load_plan

    name = ((pf.data.get("commune") or {}).get("name") or "").strip()
    if by_slug(slug_of(name)) is not None:
        raise CommuneRefused(f"Xã {name} đã có.", "commune")
    commune = named_in(pf)
    with tenancy.using(commune.id):
        plan = load_plan(pf, user=actor)
        ensure_defaults()
        problem = make_admin(admin_username, admin_name, password, actor=actor)
        if problem:
            raise CommuneRefused(problem, "admin")
    # the province's own chain: who made which commune
    record("commune.create", "commune", commune.id, user=actor,
           after={"slug": commune.slug, "name": commune.name, "admin": admin_username})
    return commune, plan


def each() -> Iterator[Commune]:
    """Every commune in turn, each inside its own scope (the worker's rounds)."""
    for commune in all_communes():
        with tenancy.using(commune.id):
            yield commune
