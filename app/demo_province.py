"""The province demo (issue 31, item 4; demo mode only): besides Bình Lư as `flask seed`
makes it, the sample communes of app/data/samples/ — each its plan, units, accounts and
the whole story played by its own cast (app/demo_cast.py), marked as samples on their
pages — and the province's own accounts, which belong to no commune.

Demo usernames are unique in the deployment by one rule: a sample commune's are Bình Lư's
behind the commune's code, its slug without hyphens (`khonglao.chutich`, `tanphong.ban01`);
the province's are behind `tinh.` (`tinh.admin`); Bình Lư keeps its bare names (`make run`'s).
Every demo account's password is app.demo.DEMO_PASSWORD."""
from pathlib import Path

from sqlalchemy import select

from app.audit.service import record
from app.auth.models import ROLES, User
from app.core import tenancy
from app.core.extensions import db
from app.demo import DEMO_PASSWORD, load_demo_accounts, load_story, make_demo_accounts
from app.demo_cast import cast_of

SAMPLES_DIR = Path(__file__).resolve().parent / "data" / "samples"
# each sample's plan file and the seed its story varies by
SAMPLES = (("plan-2026-khong-lao.toml", 7), ("plan-2026-than-uyen.toml", 11),
           ("plan-2026-tan-phong.toml", 23))
PROVINCE_CODE = "tinh"
# username, full name, position, roles
PROVINCE_ACCOUNTS = (
    ("tinh.admin", "Quản trị hệ thống tỉnh", "Quản trị viên, Trung tâm dữ liệu tỉnh",
     ("province_admin",)),
    ("tinh.bantdkt", "Cán bộ Ban Thi đua – Khen thưởng tỉnh",
     "Ban Thi đua – Khen thưởng, Sở Nội vụ", ("province_board",)),
)


def load_sample(path: Path, seed: int, scale: int = 1, name: str | None = None):
    """A sample commune from its plan file (under another `name` when given), with its demo
    accounts and story as of the demo's day and the year's reporting periods; idempotent.
    Returns (commune, day)."""
    from app.communes.service import named_in
    from app.emulation.demo import VILLAGE_POINTS
    from app.emulation.seed import ensure_defaults
    from app.plans.loader import load_plan, read_plan_file
    from app.reports.services import generate_year

    pf = read_plan_file(path)
    if name is not None:
        pf.data["commune"] = {**pf.data["commune"], "name": name,
                              "committee": f"Ủy ban nhân dân xã {name}"}
    commune = named_in(pf)
    commune.is_sample = True
    cast = cast_of(pf, commune.slug, seed, {p: v[0] for p, v in VILLAGE_POINTS.items()})
    with tenancy.using(commune.id):
        plan = load_plan(pf)
        ensure_defaults()
        _own_title_words(cast)
        load_demo_accounts(cast)
        day = load_story(plan.year, scale=scale, cast=cast)
        generate_year(plan.year)
    return commune, day


def _own_title_words(cast) -> None:
    """A ward's collective title is "Tổ dân phố văn hóa", as its office would rename it."""
    from app.emulation.models import AwardTitle

    own = cast.say("Bản văn hóa")
    if own == "Bản văn hóa" or db.session.scalar(select(AwardTitle.id).where(
            AwardTitle.name == own)):
        return
    title = db.session.scalar(select(AwardTitle).where(AwardTitle.name == "Bản văn hóa"))
    if title is not None:
        title.name = own
        record("award_title.update", "award_title", title.id, before={"name": "Bản văn hóa"},
               after={"name": own})


def load_province_accounts() -> list[str]:
    """The province's demo accounts (no commune) that are missing; the usernames made."""
    with tenancy.using(tenancy.PROVINCE):
        return make_demo_accounts((username, full_name, position, None, roles)
                                  for username, full_name, position, roles in PROVINCE_ACCOUNTS)


def load_province_demo(scale: int = 1) -> list:
    """Every sample commune and the province's accounts (Bình Lư is `flask seed`'s); the
    sample communes made, with the day their story is told as of."""
    made = [load_sample(SAMPLES_DIR / name, seed, scale) for name, seed in SAMPLES]
    load_province_accounts()
    return made


def load_more_samples(total: int, scale: int = 1) -> list:
    """Numbered sample communes ("Xã mẫu 05" …) until the deployment holds `total`: the
    province at its size, for the budgets (issue 31 item 5). Each is a sample plan played by
    its own cast; idempotent."""
    from sqlalchemy import func

    from app.communes.models import Commune
    made = []
    number = db.session.scalar(select(func.count(Commune.id)))
    while number < total:
        number += 1
        plan, seed = SAMPLES[number % len(SAMPLES)]
        made.append(load_sample(SAMPLES_DIR / plan, seed + number, scale,
                                name=f"Mẫu {number:02d}"))
        db.session.commit()
    return made


def main_role(roles) -> str:
    """The one role an account is listed under: the first it holds in ROLES' order (the chair
    is "chair" though also on the council; the office "secretariat", also an editor)."""
    return next((r for r in ROLES if r in roles), "")


def demo_accounts_rows() -> list[dict]:
    """Every demo account of the deployment, read from the database: the province's first,
    then each commune's in the order they were made, each as its people sign in."""
    from app.communes.models import Commune

    with tenancy.across_communes():
        rows = db.session.execute(
            select(User, Commune).outerjoin(Commune, Commune.id == User.commune_id)
            .where(User.is_demo.is_(True))
            .order_by(User.commune_id.is_not(None), User.commune_id, User.id)).all()
        return [{"username": user.username, "password": DEMO_PASSWORD,
                 "commune": commune.slug if commune else "",
                 "commune_name": commune.name if commune else "",
                 "unit": user.unit.slug if user.unit else "",
                 "unit_kind": user.unit.kind if user.unit else "",
                 "role": main_role(user.roles)} for user, commune in rows]
