"""Helpers the route tests share: what every route does and who may."""
import hashlib
import tomllib
from pathlib import Path

from flask import url_for
from sqlalchemy import select

from app.auth.models import User, username_key
from app.core.extensions import db
from app.units.models import Unit

# ---- every route, its action and the record it names ----

# Tables that a refused request may legitimately touch (sign-in bookkeeping, the log).
BOOKKEEPING = {"audit_event", "user_session", "login_attempt", "alembic_version"}


def endpoints(app):
    return sorted({r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"})


def _get_url(app, endpoint, own_slug):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    if "GET" not in rule.methods:
        return None
    args = {}
    for name in rule.arguments:
        if name == "slug":
            args[name] = own_slug
        else:
            return None  # routes that take other ids are covered by their domain's tests
    with app.test_request_context():
        from flask import url_for
        return url_for(endpoint, **args)


def _fingerprint(app) -> str:
    """A hash of every row of every table the app owns, bookkeeping aside."""
    h = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            h.update(f"{table.name}:{rows!r}".encode())
        db.session.remove()
    return h.hexdigest()


def _resolve(app, name, unit_slug):
    """A value for URL variable `name` that belongs to the unit `unit_slug`."""
    with app.app_context():
        from app.milestones.models import Milestone
        from app.plans.models import Plan, PlanSection
        from app.units.models import Unit
        unit = db.session.scalar(select(Unit).where(Unit.slug == unit_slug))
        if name == "slug":
            return unit.slug
        if name == "milestone_id":
            return db.session.scalar(select(Milestone.id).where(Milestone.unit_id == unit.id).limit(1))
        if name == "section_id":
            return db.session.scalar(select(PlanSection.id).join(Plan).where(
                Plan.unit_id == unit.id, Plan.parent_id.is_not(None)).limit(1))
        resolver = EXTRA_RESOLVERS.get(name)
        if resolver:
            return resolver(unit)
    raise AssertionError(f"test_authz: no resolver for URL variable {name!r}; add one")


def _report_id(unit):
    from app.reports.models import Report
    return db.session.scalar(select(Report.id).where(Report.unit_id == unit.id).limit(1))


def _indicator_id(unit):
    from app.plans.models import Indicator
    return db.session.scalar(select(Indicator.id).where(Indicator.lead_unit_id == unit.id).limit(1))


def _area_id(unit):
    from app.plans.models import Area
    return db.session.scalar(select(Area.id).where(Area.lead_unit_id == unit.id).limit(1))


def _user_id(unit):
    from app.auth.models import User
    return db.session.scalar(select(User.id).where(User.unit_id == unit.id).limit(1))


def _period_id(unit):
    # a period the unit must report: with the unit's slug it names the unit's report
    from app.reports.models import period_unit
    return db.session.scalar(select(period_unit.c.period_id)
                             .where(period_unit.c.unit_id == unit.id).limit(1))


# Domains add a resolver here when they add a URL variable that names a unit's record.
EXTRA_RESOLVERS = {"commune": lambda unit: _commune_slug(unit), "period_id": _period_id, "report_id": _report_id, "indicator_id": _indicator_id, "area_id": _area_id,
                   "user_id": _user_id, "unit_id": lambda unit: unit.id}


def _commune_slug(unit):
    from app.communes.models import Commune
    return db.session.scalar(select(Commune.slug).where(Commune.id == unit.commune_id))


def _emulation(model, unit=None):
    from app.emulation import models as em
    table = getattr(em, model)
    stmt = select(table.id)
    if unit is not None and hasattr(table, "unit_id"):
        stmt = stmt.where(table.unit_id == unit.id)
    return db.session.scalar(stmt.order_by(table.id).limit(1))


# thi đua – khen thưởng (issue 6)
EXTRA_RESOLVERS.update({"review_id": lambda unit: _emulation("Review"),
                        "criterion_id": lambda unit: _emulation("Criterion"),
                        "title_id": lambda unit: _emulation("AwardTitle"),
                        "model_id": lambda unit: _emulation("GoodModel", unit),
                        "proposal_id": lambda unit: _emulation("Proposal", unit)})
# notifications (issue 19): one of a person of the unit (someone else's answers 404)
EXTRA_RESOLVERS["notification_id"] = lambda unit: _notification_id(unit)


def _notification_id(unit):
    from app.auth.models import User
    from app.notifications.models import Notification
    return db.session.scalar(select(Notification.id).join(User, User.id == Notification.recipient_id)
                             .where(User.unit_id == unit.id).limit(1))


# evidence files (issue 21): a file of that kind attached to one of the unit's records (the
# seed has none; factories.make_records attaches some)
def _evidence_file_id(unit, kind):
    """One still attached if there is one (a removed file's address answers 404), else any:
    the matrix removes files as it goes."""
    from app.evidence.models import EvidenceFile
    return db.session.scalar(select(EvidenceFile.id).where(
        EvidenceFile.owner_kind == kind, EvidenceFile.unit_id == unit.id)
        .order_by(EvidenceFile.removed_at.is_not(None), EvidenceFile.id).limit(1))


EXTRA_RESOLVERS.update({f"{kind}_file_id": (lambda unit, kind=kind: _evidence_file_id(unit, kind))
                        for kind in ("milestone", "report", "model", "proposal")})


# ---- the permission matrix: people, roles and what each may do ----

MATRIX = tomllib.loads((Path(__file__).parent / "matrix.toml").read_text())


ROLES = ("admin", "chair", "secretariat", "supervisor", "editor", "council", "province_admin",
         "province_board")


# Two people per role, each holding that role alone (several demo accounts hold two roles,
# which would blur what one role allows): (username, unit slug).
PEOPLE = {
    "admin": [("admin", None), ("admin2", None)],
    "chair": [("chair1", "ubnd-xa"), ("chair2", "ubnd-xa")],
    "secretariat": [("secretariat1", "phong-vhxh"), ("secretariat2", "phong-vhxh")],
    "supervisor": [("supervisor1", "mttq"), ("supervisor2", "mttq")],
    "editor": [("ban01", "ban-mau-01"), ("kinhte", "phong-kinh-te")],
    "council": [("council1", "van-phong"), ("council2", "hoi-nong-dan")],
    # the province's accounts: no commune, no unit; they open the commune's pages to read
    "province_admin": [("tinh_qt1", None), ("tinh_qt2", None)],
    "province_board": [("tinh_tdkt1", None), ("tinh_tdkt2", None)],
}
PROVINCE_ROLES = ("province_admin", "province_board")


OTHER = {"ban-mau-01": "ban-mau-02", "phong-kinh-te": "phong-vhxh", "phong-vhxh": "phong-kinh-te",
         "ubnd-xa": "ban-mau-02", "mttq": "ban-mau-02", "van-phong": "ban-mau-02",
         "hoi-nong-dan": "ban-mau-02", None: "ban-mau-02"}


# Routes whose answer does not depend on the policy (they end or open a session, or are
# files and the outbox's state, for anyone signed in or not).
NOT_CHECKED = {"auth.login", "auth.logout", "main.set_language", "main.healthz",
               "offline.worker", "offline.manifest", "offline.state"}


def _ensure_people(app):
    from app.core import tenancy

    with app.app_context():
        units = {u.slug: u for u in db.session.scalars(select(Unit))}
        for role, people in PEOPLE.items():
            for username, slug in people:
                if db.session.scalar(select(User.id).where(User.username == username)):
                    continue
                # a province account belongs to no commune
                with tenancy.using(tenancy.PROVINCE if role in PROVINCE_ROLES
                                   else tenancy.current()):
                    user = User(username=username, username_key=username_key(username),
                                full_name=f"Người thử {username}", unit=units.get(slug))
                    user.roles = (role,)
                    user.set_password("binhlu2026")
                    db.session.add(user)
        db.session.commit()


def sign_in(login, role, username, on=None, commune="binh-lu"):
    """A person of the matrix signed in; a province account has opened `commune`'s pages."""
    client = login(username, on=on)
    if role in PROVINCE_ROLES:
        opened = client.post(f"/province/communes/{commune}/view")
        assert opened.status_code == 303, opened.status_code
    return client


def _url(app, rule, slug):
    try:
        args = {name: _resolve(app, name, slug) for name in rule.arguments}
    except AssertionError:
        return None
    if any(v is None for v in args.values()):
        return None
    with app.test_request_context():
        return url_for(rule.endpoint, **args)


def _request(client, rule, url):
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, data={})
