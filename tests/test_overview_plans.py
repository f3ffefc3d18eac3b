"""The overview pages' summaries cost what they show (issue 33), on PostgreSQL without table
statistics (autovacuum off after a bulk import, the worst case): the dashboard's late units
and the units' list count milestones in one pass, read through the index made for them
(migration 0012), never once per unit. Rows read come from EXPLAIN (ANALYZE) at ×10 and ×40
data; before the index the dashboard's count read the whole due-date index once per unit
(×40: 254 × 30 482 entries for 40 645 milestones)."""
import os
from datetime import date

import pytest
from sqlalchemy import event, func, select, text

import app.commands
from app import create_app
from app.core.extensions import db
from tests.conftest import _pg_admin_engine, _pg_url, build_database, make_config

pytestmark = pytest.mark.slow
DAY = date(2026, 11, 27)
MILESTONE_SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}


def rows_read(node, relation="milestone") -> int:
    """Rows (index entries included) the plan's scans of `relation` read, over all loops."""
    own = 0
    if node.get("Relation Name") == relation and node["Node Type"] in MILESTONE_SCANS:
        own = node["Actual Loops"] * (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
                                      + node.get("Rows Removed by Index Recheck", 0))
    if node["Node Type"] == "Bitmap Index Scan" and node["Index Name"].startswith(f"ix_{relation}_"):
        own = node["Actual Loops"] * node["Actual Rows"]
    return own + sum(rows_read(child, relation) for child in node.get("Plans", ()))


def explained(stmt, params) -> dict:
    """The statement's plan as executed: EXPLAIN (ANALYZE, FORMAT JSON)."""
    conn = db.session.connection()

    def _explain(_conn, _cursor, statement, parameters, _context, _many):
        return "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters
    event.listen(conn, "before_cursor_execute", _explain, retval=True)
    try:
        return conn.execute(stmt, params).cursor.fetchone()[0][0]["Plan"]
    finally:
        event.remove(conn, "before_cursor_execute", _explain)


@pytest.fixture(scope="module", params=[10, 40], ids=["x10", "x40"])
def unanalyzed(request, pg_template):
    """A PostgreSQL database seeded at the scale, its tables never analyzed."""
    name = f"thidua_plans_{os.getpid()}_x{request.param}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app.commands, "analyze", lambda: None)
        build_database(_pg_url(name), scale=request.param, demo_today=DAY.isoformat())
    application = create_app(make_config(_pg_url(name)))
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _commune_plan_id():
    from app.plans.models import Plan
    return db.session.scalar(select(Plan.id).where(Plan.parent_id.is_(None)))


def _count(*where):
    from app.milestones.models import Milestone
    return db.session.scalar(select(func.count(Milestone.id)).where(*where))


def test_the_dashboards_late_units_read_only_milestones_past_due(unanalyzed):
    from app.dashboard import queries
    from app.milestones.models import Milestone
    assert db.session.scalar(text("SELECT count(*) FROM pg_stats WHERE tablename = 'milestone'")) == 0
    plan = explained(queries._overdue_stmt(), {"plan_id": _commune_plan_id(), "today": DAY})
    past_due = _count(Milestone.due_on < DAY)
    # through the index each row is met once in it and once in the table
    assert rows_read(plan) <= 2 * past_due < 2 * _count()


def test_the_units_list_counts_every_milestone_once(unanalyzed):
    from app.units import overview
    f = overview.Filters()
    plan = explained(overview._unit_rows_stmt(*overview._variant(f)),
                     overview._params(_commune_plan_id(), DAY, f))
    assert rows_read(plan) <= 2 * _count()


def test_seed_gives_postgresql_its_statistics(pg_app):
    # as the owner: pg_stats hides tables under row-level security from the app's role
    from sqlalchemy import create_engine
    from tests.conftest import owner_url
    engine = create_engine(owner_url(pg_app))
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM pg_stats WHERE tablename = 'milestone'"))
    finally:
        engine.dispose()
