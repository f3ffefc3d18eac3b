"""An installation of the release before communes, with its data, upgrades in place to
"one commune" with nothing lost (issue 31 item 1), on SQLite and on PostgreSQL.

The database is made by that release's own code — taken from this repository's history
with `git archive` — migrated and seeded as of 8 December (a year of reports, comments,
reviews, files); then this release's migrations run on it.
"""
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.core.extensions import db
from tests.conftest import APP_ROLE, Client, _pg_url, empty_pg_database, make_config

ROOT = Path(__file__).resolve().parent.parent
# the last commit before communes: its migrations end at 0015
PREVIOUS_RELEASE = "16ef474608b371390cbdcc268d169510b5b93c7f"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def previous_release(tmp_path_factory):
    dest = tmp_path_factory.mktemp("previous-release")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", PREVIOUS_RELEASE],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def _old_flask(release: Path, url: str, *args: str) -> None:
    env = {**os.environ, "FLASK_APP": "wsgi.py", "DATABASE_URL": url, "APP_ENV": "development",
           "DEMO_MODE": "1", "DEMO_TODAY": "2026-12-08", "PYTHONPATH": str(release)}
    done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=release, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
            return {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar() for n in names}
    finally:
        engine.dispose()


def _upgrade_and_check(release: Path, url: str, app_url: str | None = None) -> None:
    _old_flask(release, url, "db", "upgrade")
    _old_flask(release, url, "seed")
    before = _counts(url)
    assert before["report"] > 0 and before["audit_event"] > 0 and before["comment"] > 0

    app = create_app(make_config(url))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, (result.output, result.exception)
    if app_url:
        granted = app.test_cli_runner().invoke(args=["commune", "app-role", APP_ROLE])
        assert granted.exit_code == 0, granted.output
    with app.app_context():
        db.engine.dispose()

    after = _counts(url)
    assert after.pop("commune") == 1
    assert after == before, "rows lost or added by the upgrade"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            commune = conn.execute(text("SELECT id, slug, name FROM commune")).one()
            assert commune[1:] == ("binh-lu", "Bình Lư")
            for table in before:
                if "commune_id" in [c["name"] for c in inspect(conn).get_columns(table)]:
                    stray = conn.execute(text(
                        f'SELECT count(*) FROM "{table}" WHERE commune_id IS DISTINCT FROM :c'),
                        {"c": commune[0]}).scalar()
                    assert stray == 0 or table in {"user_account", "user_session"}, table
    finally:
        engine.dispose()

    # the commune's people work as before, and the audit chain still holds
    served = create_app(make_config(app_url or url))
    office = Client(served)
    assert office.login("vhxh").status_code == 302
    page = office.get("/units/ban-mau-01")
    assert page.status_code == 200 and "Bản mẫu 01" in page.get_data(as_text=True)
    verified = served.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "toàn vẹn" in verified.output, verified.output
    with served.app_context():
        db.engine.dispose()


def test_the_previous_release_upgrades_in_place_on_sqlite(previous_release, tmp_path):
    _upgrade_and_check(previous_release, f"sqlite:///{tmp_path / 'old.sqlite'}")


def test_the_previous_release_upgrades_in_place_on_postgresql(previous_release, pg_template):
    name = f"thidua_prev_{os.getpid()}"
    with empty_pg_database(name) as url:
        _upgrade_and_check(previous_release, url, app_url=_pg_url(name, role=APP_ROLE))
