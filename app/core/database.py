"""Engine behaviour per database.

SQLite: WAL so readers never wait for a writer, a busy timeout so writers queue instead
of failing, foreign keys on, and BEGIN IMMEDIATE for requests that write, so two writers
never both start reading and then deadlock upgrading to a write ("database is locked").
"""
from flask import has_request_context, request
from sqlalchemy import event

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def configure_engines(app):
    from app.core.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        writing = not has_request_context() or request.method not in SAFE_METHODS
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def analyze() -> None:
    """Table statistics for PostgreSQL's planner after a bulk load (seed, plan load, restore):
    without them it plans for empty tables, and the overview pages' summaries ran an index
    scan per unit (issue 33). Autovacuum keeps them current after that (README, Production).
    SQLite's planner does without."""
    from sqlalchemy import text

    from app.core.extensions import db
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
