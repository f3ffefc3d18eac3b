"""Communes as tenants (issue 31): every record belongs to one commune, and a commune's
people reach only their own — through the ORM's scoping (app/core/tenancy.py) and, on
PostgreSQL, through row-level security with the app connected as a role the policies bind.

A second commune is made the way an operator makes one: `flask commune add --plan FILE`.
"""
import re

import pytest
from sqlalchemy import create_engine, func, select, text

from app.auth.models import User
from app.communes.models import Commune
from app.core import tenancy
from app.core.extensions import db
from app.milestones.models import Milestone
from app.plans.loader import DEFAULT_PLAN_FILE
from app.units.models import Unit
from tests.communes import OTHER_ADMIN, OTHER_PASSWORD, add_other_commune, other_plan
from tests.conftest import Client

# tables that belong to no commune: the communes themselves, and the sign-in throttle,
# counted per username (unique in the deployment) and per address
DEPLOYMENT_TABLES = {"commune", "login_attempt", "alembic_version"}


def test_every_table_belongs_to_a_commune(app):
    with app.app_context():
        tables = {t.name for t in db.metadata.sorted_tables}
        without = {name for name in tables - DEPLOYMENT_TABLES
                   if "commune_id" not in db.metadata.tables[name].c}
    assert not without, f"tables without a commune: {sorted(without)}"


def test_an_existing_install_became_one_commune_named_by_its_committee(app):
    with app.app_context():
        communes = db.session.scalars(select(Commune)).all()
        assert [(c.slug, c.name) for c in communes] == [("binh-lu", "Bình Lư")]
        assert db.session.scalar(select(func.count(Unit.id))) > 10


def test_commune_add_makes_the_commune_its_units_plan_and_admin(app, tmp_path):
    ids = add_other_commune(app, tmp_path)
    assert set(ids) == {"binh-lu", "khong-lao"}
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["commune", "list"]).output
    assert "khong-lao\tKhổng Lào" in listed and "binh-lu\tBình Lư" in listed
    with app.app_context():
        with tenancy.using(ids["khong-lao"]):
            slugs = set(db.session.scalars(select(Unit.slug)))
            admin = db.session.scalar(select(User).where(User.username == OTHER_ADMIN))
        with tenancy.using(ids["binh-lu"]):
            assert db.session.scalar(select(User).where(User.username == OTHER_ADMIN)) is None
            assert slugs == set(db.session.scalars(select(Unit.slug))) - _demo_only_slugs()
    assert admin.commune_id == ids["khong-lao"] and admin.has_role("admin")
    # the same plan again: refused, nothing doubled
    again = runner.invoke(args=["commune", "add", "--plan", str(other_plan(tmp_path)),
                                "--admin", "qtkhac"], input=OTHER_PASSWORD + "\n")
    assert again.exit_code != 0 and "đã có" in again.output


def _demo_only_slugs():
    """Units the demo adds beyond the plan file (Bình Lư's sample villages)."""
    with tenancy.using(_binh_lu()):
        planned = set(re.findall(r'^slug = "([a-z0-9-]+)"', DEFAULT_PLAN_FILE.read_text(
            encoding="utf-8"), re.M))
        return set(db.session.scalars(select(Unit.slug))) - planned


def _binh_lu():
    return db.session.scalar(select(Commune.id).where(Commune.slug == "binh-lu"))


def test_with_several_communes_a_command_must_say_which(app, tmp_path):
    add_other_commune(app, tmp_path)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["calendar", "2027"])
    assert refused.exit_code != 0
    chosen = runner.invoke(args=["calendar", "2027", "--commune", "khong-lao"])
    assert chosen.exit_code == 0, chosen.output
    unknown = runner.invoke(args=["calendar", "2027", "--commune", "khong-co"])
    assert unknown.exit_code != 0 and "Không có xã" in unknown.output


def test_no_record_is_reached_by_its_id_from_another_commune(app, tmp_path):
    ids = add_other_commune(app, tmp_path)
    with app.app_context():
        with tenancy.using(ids["binh-lu"]):
            unit = db.session.scalar(select(Unit).where(Unit.slug == "ban-mau-01"))
            unit_id = unit.id
            milestone_id = db.session.scalar(select(Milestone.id).limit(1))
        db.session.expunge_all()
        with tenancy.using(ids["khong-lao"]):
            assert db.session.get(Unit, unit_id) is None
            assert db.session.get(Milestone, milestone_id) is None
            assert db.session.scalar(select(func.count(Milestone.id))) == 0
            # joins are scoped too: no Bình Lư milestone through its unit
            joined = select(func.count()).select_from(Milestone).join(
                Unit, Unit.id == Milestone.unit_id).where(Unit.id == unit_id)
            assert db.session.scalar(joined) == 0


def test_the_other_communes_people_see_only_their_own(app, tmp_path):
    """Khổng Lào's plan names units with the same slugs as Bình Lư's: each commune's
    people reach their own under the same addresses."""
    ids = add_other_commune(app, tmp_path)
    with app.app_context():
        with tenancy.using(ids["binh-lu"]):
            milestone_id, binh_lu_work = db.session.execute(
                select(Milestone.id, Milestone.title).join(Unit, Unit.id == Milestone.unit_id)
                .where(Unit.slug == "ban-mau-01").limit(1)).one()
    c = Client(app)
    assert c.login(OTHER_ADMIN, OTHER_PASSWORD).status_code == 302
    own = c.get("/units/ban-mau-01")
    assert own.status_code == 200 and binh_lu_work not in own.get_data(as_text=True)
    assert c.get(f"/milestones/{milestone_id}").status_code == 404
    plan = c.get("/plan").get_data(as_text=True)
    assert "Khổng Lào" in plan and "Bình Lư" not in plan
    # and Bình Lư's office still sees its own
    vhxh = Client(app)
    assert vhxh.login("vhxh").status_code == 302
    assert binh_lu_work in vhxh.get("/units/ban-mau-01").get_data(as_text=True)


def test_a_session_cookie_for_another_commune_is_no_session(app, tmp_path):
    """The commune rides in the signed cookie; one that disagrees with the account's own
    (a stale or swapped cookie) signs nobody in."""
    ids = add_other_commune(app, tmp_path)
    c = Client(app)
    assert c.login("vhxh").status_code == 302
    with c.http.session_transaction() as sess:
        sess[tenancy.SESSION_KEY] = ids["khong-lao"]
    assert c.get("/units/").status_code in (302, 401)


# ---------- PostgreSQL: the second wall ----------

def test_every_tenant_table_has_row_level_security_forced_and_its_policy(pg_app):
    with pg_app.app_context():
        rows = db.session.execute(text("""
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   (SELECT count(*) FROM pg_policies p
                     WHERE p.tablename = c.relname AND p.schemaname = 'public')
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r'
               AND EXISTS (SELECT 1 FROM information_schema.columns col
                            WHERE col.table_schema = 'public' AND col.table_name = c.relname
                              AND col.column_name = 'commune_id')""")).all()
    assert len(rows) == len(tenancy.tenant_tables(db.metadata))
    missing = [name for name, on, forced, policies in rows if not (on and forced and policies)]
    assert not missing, f"tenant tables without their policy: {missing}"


def test_the_app_connects_as_a_role_the_policies_bind(pg_app):
    from app.communes.roles import unsafe_role_problems
    with pg_app.app_context():
        assert unsafe_role_problems() == []


def test_the_database_refuses_another_communes_rows_whatever_the_query(pg_app, tmp_path):
    """Raw SQL, past the ORM's scoping: the policies still keep each commune apart, and a
    transaction that set no commune sees no row at all."""
    ids = add_other_commune(pg_app, tmp_path)
    url = pg_app.config["SQLALCHEMY_DATABASE_URI"]
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            everything = "SELECT count(*) FROM unit"
            assert conn.execute(text(everything)).scalar() == 0  # no commune set
            conn.execute(text("SELECT set_config('app.commune', :c, true)"),
                         {"c": str(ids["khong-lao"])})
            own = conn.execute(text(everything)).scalar()
            binh_lu_units = conn.execute(text("SELECT count(*) FROM unit WHERE commune_id = :c"),
                                         {"c": ids["binh-lu"]}).scalar()
            assert own > 0 and binh_lu_units == 0
        with engine.begin() as conn:
            conn.execute(text("SELECT set_config('app.commune', :c, true)"),
                         {"c": str(ids["khong-lao"])})
            with pytest.raises(Exception, match="row-level security"):
                conn.execute(text("INSERT INTO unit (slug, name, short_name, kind, sort_order, "
                                  "created_at, version, commune_id) VALUES ('x', 'x', '', "
                                  "'village', 0, now(), 1, :c)"), {"c": ids["binh-lu"]})
    finally:
        engine.dispose()


def test_production_refuses_a_database_role_that_bypasses_the_policies(pg_app):
    """As the tables' owner (here a superuser) the policies would not bind the app."""
    from app import UnsafeConfiguration, create_app
    from config import ProductionConfig
    from tests.conftest import PG_ADMIN_URL

    app_url = pg_app.config["SQLALCHEMY_DATABASE_URI"]
    owner_url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + app_url.rsplit("/", 1)[1]

    def prod(url):
        return type("Prod", (ProductionConfig,), {"SECRET_KEY": "x" * 48, "DEBUG": False,
                                                  "SQLALCHEMY_DATABASE_URI": url})
    with pytest.raises(UnsafeConfiguration, match="superuser"):
        create_app(prod(owner_url))
    with pytest.raises(UnsafeConfiguration, match="demo accounts"):
        create_app(prod(app_url))  # the app's role passes this check; the demo data does not
