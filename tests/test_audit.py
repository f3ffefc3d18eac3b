"""The audit log: written with every change, append-only, and tamper-evident."""
import pytest
from sqlalchemy import create_engine, select, text

from app.audit.models import AuditEvent
from app.audit.service import record, verify_chain
from app.core.extensions import db


def _verify(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def test_chain_of_a_fresh_database_verifies(any_app):
    code, output = _verify(any_app)
    assert code == 0, output
    assert "toàn vẹn" in output


def test_orm_cannot_update_or_delete_an_audit_event(any_app):
    with any_app.app_context():
        ev = db.session.scalar(select(AuditEvent).limit(1))
        ev.action = "forged"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        ev = db.session.scalar(select(AuditEvent).limit(1))
        db.session.delete(ev)
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()


def _add_events(app, n=3):
    with app.app_context():
        for i in range(n):
            record("test.event", "unit", i, after={"i": i})
        db.session.commit()
        return list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def _as_owner(app, sql, params):
    """Someone with the database's keys alters the log behind the app (on PostgreSQL the
    app's own role may only add to it: app/communes/roles.py)."""
    url = app.config.get("OWNER_DATABASE_URL") or app.config["SQLALCHEMY_DATABASE_URI"]
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()


def test_raw_sql_alteration_is_caught_and_named(any_app):
    ids = _add_events(any_app)
    target = ids[-2]
    _as_owner(any_app, "UPDATE audit_event SET after = :a WHERE id = :i",
              {"a": '{"i": 999}', "i": target})
    code, output = _verify(any_app)
    assert code != 0
    assert f"dòng {target}" in output and "altered" in output


def test_raw_sql_deletion_is_caught_and_named(any_app):
    ids = _add_events(any_app)
    target = ids[-2]
    _as_owner(any_app, "DELETE FROM audit_event WHERE id = :i", {"i": target})
    code, output = _verify(any_app)
    assert code != 0
    assert f"dòng {target}" in output and "missing" in output


def test_rewriting_a_row_and_its_hash_still_breaks_the_next_link(any_app):
    ids = _add_events(any_app)
    _as_owner(any_app, "UPDATE audit_event SET hash = :h WHERE id = :i",
              {"h": "0" * 64, "i": ids[-2]})
    with any_app.app_context():
        ok, bad_id, _ = verify_chain()
    assert not ok and bad_id in (ids[-2], ids[-1])


# ---- a log cut at its end ----

def _cut_tail(app, n):
    with app.app_context():
        last = list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id.desc())
                                       .limit(n)))
        db.session.remove()
    _as_owner(app, "DELETE FROM audit_event WHERE id >= :i", {"i": min(last)})
    return min(last)


def test_a_cut_tail_is_invisible_to_the_chain_alone_but_caught_by_a_noted_head(any_app,
                                                                                tmp_path):
    anchors = tmp_path / "audit-anchors.txt"
    any_app.config["AUDIT_ANCHORS"] = str(anchors)
    _add_events(any_app, 3)
    result = any_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.bin")])
    assert result.exit_code == 0, result.output
    with any_app.app_context():
        top_id, top_hash = db.session.execute(select(AuditEvent.id, AuditEvent.hash)
                                              .order_by(AuditEvent.id.desc()).limit(1)).one()
    assert anchors.read_text().split()[1:] == [str(top_id), top_hash]
    code, output = _verify(any_app)
    assert code == 0 and "1 mốc" in output, output

    first_cut = _cut_tail(any_app, 2)
    # the chain that is left is whole: only the noted head can tell
    assert any_app.test_cli_runner().invoke(
        args=["audit", "verify", "--anchors", str(tmp_path / "none.txt")]).exit_code == 0
    code, output = _verify(any_app)
    assert code != 0
    assert f"dòng {top_id}" in output and "cut" in output
    assert first_cut <= top_id


def test_a_tail_rebuilt_after_a_cut_is_caught_as_replaced(any_app, tmp_path):
    anchors = tmp_path / "audit-anchors.txt"
    any_app.config["AUDIT_ANCHORS"] = str(anchors)
    _add_events(any_app, 2)
    head = any_app.test_cli_runner().invoke(args=["audit", "head"]).output.split()
    anchors.write_text(f"2026-11-27T00:00:00Z {head[0]} {head[1]}\n# a comment line\n")
    _cut_tail(any_app, 1)
    _add_events(any_app, 2)  # the forger writes new rows on the shortened chain
    code, output = _verify(any_app)
    assert code != 0
    # SQLite hands the anchored id to a new row (replaced); PostgreSQL's sequence moves on (cut)
    assert f"dòng {head[0]}" in output and ("replaced" in output or "cut" in output), output


def test_restore_keeps_the_old_heads_apart_and_starts_from_the_restored_one(app, tmp_path):
    anchors = tmp_path / "audit-anchors.txt"
    app.config["AUDIT_ANCHORS"] = str(anchors)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "b.bin")]).exit_code == 0
    _add_events(app, 2)
    assert runner.invoke(args=["backup", str(tmp_path / "later.bin")]).exit_code == 0
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "b.bin")])
    assert result.exit_code == 0, result.output
    assert list(tmp_path.glob("audit-anchors.txt.before-restore-*"))
    code, output = _verify(app)
    assert code == 0, output
