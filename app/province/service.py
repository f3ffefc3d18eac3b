"""What the province's pages read and make (issue 31). The province's scope sees every
commune: these are the only queries that group or pick rows by their commune on purpose."""
from sqlalchemy import func, select

from app.admin.rules import username_problem
from app.auth.accounts import make_admin
from app.auth.models import User
from app.auth.passwords import password_problem
from app.communes import service as communes
from app.communes.models import Commune
from app.core import tenancy
from app.core.errors import Refused
from app.core.extensions import db
from app.core.i18n import gettext as _
from app.plans.loader import PlanFileError, read_plan_bytes
from app.plans.models import Plan
from app.units.models import Unit

MAX_PLAN_BYTES = 1024 * 1024  # Bình Lư's is 37 KB


def commune_rows() -> list:
    """Every commune with its units (not archived), active accounts and its plan's year,
    in one statement."""
    def each(column, *where):
        return select(column).where(*where).correlate(Commune).scalar_subquery()

    units = each(func.count(Unit.id), Unit.commune_id == Commune.id, Unit.archived_at.is_(None))
    accounts = each(func.count(User.id), User.commune_id == Commune.id, User.active.is_(True))
    year = each(func.max(Plan.year), Plan.commune_id == Commune.id, Plan.parent_id.is_(None))
    return db.session.execute(
        select(Commune, units.label("units"), accounts.label("accounts"), year.label("year"))
        .order_by(Commune.name, Commune.id)).all()


def administrators(commune: Commune) -> list[User]:
    """The commune's accounts that hold the administrator's role."""
    users = db.session.scalars(select(User).where(User.commune_id == commune.id)
                               .order_by(User.username_key))
    return [u for u in users if u.has_role("admin")]


def _account_problems(username, password) -> None:
    problems = {}
    if problem := username_problem(username):
        problems["username"] = problem
    if problem := password_problem(password):
        problems["password"] = problem
    if problems:
        raise Refused(status=422, fields=problems)


def read_plan(raw: bytes):
    """The uploaded plan file, read and checked as `flask commune add` reads one; a
    refusal lists every problem with its line."""
    if not raw:
        raise Refused(status=422, fields={"plan_file": _("Hãy chọn tệp kế hoạch của xã.")})
    if len(raw) > MAX_PLAN_BYTES:
        raise Refused(status=413, fields={"plan_file": _(
            "Tệp kế hoạch lớn quá (tối đa 1 MB).")})
    try:
        return read_plan_bytes(raw)
    except PlanFileError as exc:
        raise Refused(status=422, fields={"plan_file": list(exc.errors)}) from None


def add_commune(actor, raw: bytes, username, full_name, password) -> Commune:
    """A commune from its uploaded plan file with its first administrator: all of it, or
    (refused) nothing — the caller's save() rolls back."""
    pf = read_plan(raw)
    _account_problems(username, password)
    try:
        commune, _plan = communes.add_commune(pf, username, full_name, password, actor=actor)
    except communes.CommuneRefused as exc:
        field = "plan_file" if exc.about == "commune" else "username"
        raise Refused(str(exc), 409, fields={field: str(exc)}) from None
    return commune


def add_admin(actor, commune: Commune, username, full_name, password) -> None:
    """Another administrator of `commune`, made in its scope (and its audit chain)."""
    _account_problems(username, password)
    with tenancy.using(commune.id):
        problem = make_admin(username, full_name, password, actor=actor)
    if problem:
        raise Refused(problem, 409, fields={"username": problem})
