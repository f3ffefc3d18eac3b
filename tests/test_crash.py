"""kill -9 of the server in the middle of writes loses no confirmed write and corrupts
nothing: 20 times on SQLite and on PostgreSQL, against gunicorn as production runs it."""
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, select

from tests.conftest import free_port

ROUNDS = 20
ROOT = Path(__file__).resolve().parent.parent


def _start(url, port):
    env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development", "DEMO_MODE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    for _ in range(100):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start")


def _writer(port, tag, confirmed, stop):
    """Sign in again and again; each 302 is a confirmed write (a session row + an audit event)."""
    n = 0
    while not stop.is_set():
        n += 1
        agent = f"{tag}-{n}"
        s = requests.Session()
        s.headers["User-Agent"] = agent
        try:
            page = s.get(f"http://127.0.0.1:{port}/login", timeout=5).text
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            r = s.post(f"http://127.0.0.1:{port}/login", allow_redirects=False, timeout=5,
                       data={"csrf_token": token, "username": "ban01", "password": "binhlu2026"})
            if r.status_code == 302:
                confirmed.append(agent)
        except (requests.RequestException, AttributeError):
            return


def _crash_rounds(url, check):
    rng = random.Random(2026)
    for round_no in range(ROUNDS):
        port = free_port()
        proc = _start(url, port)
        confirmed, stop = [], threading.Event()
        threads = [threading.Thread(target=_writer, args=(port, f"r{round_no}w{i}", confirmed, stop))
                   for i in range(3)]
        for t in threads:
            t.start()
        # kill while writes are flowing: after the first one is confirmed, at a random moment
        deadline = time.time() + 30
        while not confirmed and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.05, 0.4))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        stop.set()
        for t in threads:
            t.join(10)
        check(set(confirmed))


def _stored_agents(engine):
    from app.auth.models import UserSession
    with engine.connect() as conn:
        return set(conn.scalars(select(UserSession.user_agent)))


def _chain_ok(url):
    from app import create_app
    from tests.conftest import make_config
    app = create_app(make_config(url))
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    with app.app_context():
        from app.core.extensions import db
        db.engine.dispose()
    return result.exit_code == 0


def test_kill_9_during_writes_on_sqlite(sqlite_template, tmp_path):
    path = tmp_path / "crash.sqlite"
    path.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    lost, total = [], 0

    def check(confirmed):
        nonlocal total
        total += len(confirmed)
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        lost.extend(confirmed - _stored_agents(engine))

    _crash_rounds(url, check)
    assert total > 0, "no write was confirmed: the test proved nothing"
    assert lost == []
    assert _chain_ok(url)


def test_kill_9_during_writes_on_postgresql(pg_app):
    from tests.conftest import owner_url
    url = pg_app.config["SQLALCHEMY_DATABASE_URI"]
    engine = create_engine(owner_url(pg_app))  # reads every commune's rows
    lost, total = [], 0

    def check(confirmed):
        nonlocal total
        total += len(confirmed)
        lost.extend(confirmed - _stored_agents(engine))

    _crash_rounds(url, check)
    engine.dispose()
    assert total > 0
    assert lost == []
    assert _chain_ok(url)
