"""Restore drill: back up, lose data, restore, and find every row and the audit chain."""
from sqlalchemy import delete, func, select

from app.audit.models import AuditEvent
from app.core.extensions import db
from app.plans.models import Indicator
from app.milestones.models import Milestone
from app.units.models import Unit


def _counts(app):
    with app.app_context():
        counts = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
                  for m in (Unit, Indicator, Milestone, AuditEvent)}
        db.session.remove()
        return counts


def test_backup_and_restore_drill(any_app, tmp_path):
    runner = any_app.test_cli_runner()
    before = _counts(any_app)
    target = tmp_path / "backup.bin"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    with any_app.app_context():
        db.session.execute(delete(Milestone))
        db.session.commit()
        db.session.remove()
    assert _counts(any_app)["Milestone"] == 0
    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert "toàn vẹn" in result.output
    assert _counts(any_app) == before


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(junk)])
    assert result.exit_code != 0
