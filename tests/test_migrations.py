"""The schema comes from migrations: they build an empty SQLite and PostgreSQL database,
match the models, and go down to nothing and up again."""
import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app import create_app
from app.core.extensions import db
from tests.conftest import empty_pg_database, make_config


def _roundtrip(url):
    app = create_app(make_config(url))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert {"unit", "user_account", "plan", "indicator", "milestone", "report",
                "audit_event"} <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_migrations_up_down_up_on_sqlite(tmp_path):
    _roundtrip(f"sqlite:///{tmp_path / 'm.sqlite'}")


def test_migrations_up_down_up_on_postgresql(pg_template):
    with empty_pg_database(f"thidua_mig_{os.getpid()}") as url:
        _roundtrip(url)


def test_the_crop_area_moves_to_checked_only_where_it_keeps_the_old_default(tmp_path):
    """Migration 0014 (issue 28): III.2-02 loaded as "sum" before the plan file said
    "checked" is moved; one the office set otherwise since is left as it is."""
    from sqlalchemy import select
    from app.communes.service import named_in
    from app.core import tenancy
    from app.plans.loader import DEFAULT_PLAN_FILE, load_plan, read_plan_file
    from app.plans.models import Indicator
    from app.units.models import Unit

    def rule_after(change):
        # the plan as loaded before issue 28 (made with today's models, then the schema taken
        # back to 0013, before the move), then upgraded again
        app = create_app(make_config(f"sqlite:///{tmp_path / change.__name__}.sqlite"))
        runner = app.test_cli_runner()
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        with app.app_context():
            pf = read_plan_file(DEFAULT_PLAN_FILE)
            with tenancy.using(named_in(pf).id):
                load_plan(pf)
                ind = db.session.scalar(select(Indicator).where(Indicator.code == "III.2-02"))
                ind.combine = "sum"  # as the plan file loaded it before issue 28
                change(ind)
            db.session.commit()
            db.session.remove()
        assert runner.invoke(args=["db", "downgrade", "0013"]).exit_code == 0
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        with app.app_context():
            rule = db.session.scalar(select(Indicator.combine).where(Indicator.code == "III.2-02"))
            db.session.remove()
            db.engine.dispose()
        return rule

    def old_default(ind):
        pass

    def office_asked_the_farmers_too(ind):
        ind.reporters.append(db.session.scalar(select(Unit).where(Unit.slug == "hoi-nong-dan")))

    assert rule_after(old_default) == "checked"
    assert rule_after(office_asked_the_farmers_too) == "sum"
