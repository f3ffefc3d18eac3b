"""The audit log: written with every change, append-only, and tamper-evident."""
import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.audit.service import record, verify_chain
from app.extensions import db


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


def test_raw_sql_alteration_is_caught_and_named(any_app):
    ids = _add_events(any_app)
    target = ids[-2]
    with any_app.app_context():
        db.session.execute(text("UPDATE audit_event SET after = :a WHERE id = :i"),
                           {"a": '{"i": 999}', "i": target})
        db.session.commit()
    code, output = _verify(any_app)
    assert code != 0
    assert f"dòng {target}" in output and "altered" in output


def test_raw_sql_deletion_is_caught_and_named(any_app):
    ids = _add_events(any_app)
    target = ids[-2]
    with any_app.app_context():
        db.session.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": target})
        db.session.commit()
    code, output = _verify(any_app)
    assert code != 0
    assert f"dòng {target}" in output and "missing" in output


def test_rewriting_a_row_and_its_hash_still_breaks_the_next_link(any_app):
    ids = _add_events(any_app)
    with any_app.app_context():
        db.session.execute(text("UPDATE audit_event SET hash = :h WHERE id = :i"),
                           {"h": "0" * 64, "i": ids[-2]})
        db.session.commit()
        ok, bad_id, _ = verify_chain()
    assert not ok and bad_id in (ids[-2], ids[-1])
