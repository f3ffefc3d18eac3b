"""The production stack on this machine: gunicorn (deploy/gunicorn.conf.py) behind nginx
(deploy/nginx.conf), on SQLite or PostgreSQL, with the demo data scaled ×10.

    python -m bench.stack sqlite|postgresql   # serves until Ctrl-C, prints the URL
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env, *args):
    subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def prepare_database(kind: str, workdir: Path, scale: int = 10, day=None, communes: int = 1
                     ) -> str:
    """A migrated, seeded database; the demo's story as on `day` (a date) when given; with
    communes > 1, the province demo and numbered sample communes up to that many (Bình Lư,
    the one measured, at `scale`; the others ×1)."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite'}"
    else:
        from sqlalchemy import create_engine, text
        name = "thidua_bench"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    env = {**os.environ, "FLASK_APP": "wsgi.py", "DATABASE_URL": url, "APP_ENV": "development"}
    if day is not None:
        env["DEMO_TODAY"] = day.isoformat()
    _flask(env, "db", "upgrade")
    if communes > 1:
        _flask(env, "seed", "--scale", str(scale), "--province", "--communes", str(communes))
    else:
        _flask(env, "seed", "--scale", str(scale))
    # the year's reporting periods, so report saves happen
    _flask(env, "calendar", "2026", "--commune", "binh-lu")
    return url


def _wait(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def stack(kind="sqlite", workers=None, scale=10):
    """Yield the nginx URL of a running gunicorn+nginx stack on a fresh database."""
    if shutil.which("nginx") is None:
        raise SystemExit("nginx is missing: apt-get install nginx-light")
    with tempfile.TemporaryDirectory(prefix="thidua-bench-") as tmp:
        tmp = Path(tmp)
        url = prepare_database(kind, tmp, scale)
        app_port, web_port = free_port(), free_port()
        env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development",
               "GUNICORN_BIND": f"127.0.0.1:{app_port}", "BEHIND_PROXY": "1",
               "SQL_COUNT_HEADER": "1", "LOGIN_MAX_FAILURES": "1000"}
        if workers:
            env["GUNICORN_WORKERS"] = str(workers)
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=open(tmp / "gunicorn.log", "w"))
        conf = Template((ROOT / "deploy" / "nginx.conf").read_text()).safe_substitute(
            THIDUA_ROOT=str(ROOT), LISTEN=f"127.0.0.1:{web_port}",
            UPSTREAM=f"127.0.0.1:{app_port}", NGINX_PREFIX=str(tmp),
            EVIDENCE_MAX_FILE_MB=os.environ.get("EVIDENCE_MAX_FILE_MB", "10"))
        (tmp / "nginx.conf").write_text(conf)
        nginx = subprocess.Popen(["nginx", "-p", str(tmp), "-c", str(tmp / "nginx.conf"),
                                  "-g", "daemon off;"], start_new_session=True)
        base = f"http://127.0.0.1:{web_port}"
        try:
            _wait(f"{base}/healthz")
            yield base
        finally:
            for proc in (nginx, gunicorn):
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            for proc in (nginx, gunicorn):
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


if __name__ == "__main__":
    with stack(sys.argv[1] if len(sys.argv) > 1 else "sqlite") as base:
        print(f"serving on {base} (Ctrl-C to stop)", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
