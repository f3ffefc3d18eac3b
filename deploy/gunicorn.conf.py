"""gunicorn settings for production (and the load test): `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Workers are processes with a few threads each; nginx in front buffers slow 3G clients, so
a worker is never held by a phone trickling bytes. Nothing shared lives in a worker:
sessions, throttling and uploads are in the database.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then (jitter avoids a stampede), but seldom: a new worker imports
# the app and compiles its templates and SQL again — at 2 000 requests, under the load test
# each worker restarted about once a minute.
max_requests = 50000
max_requests_jitter = 5000
# The heartbeat touches a file in this folder on every turn of a worker's loop: in memory
# (tmpfs), not on a disk where a slow write would hold the worker (gunicorn's own advice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESSLOG")  # unset: no access log (nginx keeps one)
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"


def post_worker_init(worker):
    """The app is loaded: move its tens of thousands of long-lived objects (SQLAlchemy's
    mappers, the compiled templates…) out of the garbage collector's way, and collect less
    often — a request makes a few thousand short-lived objects. In-process, the load test's
    mix then took 18–28 % less CPU (python -m bench.cpu, alternate runs)."""
    import gc
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
