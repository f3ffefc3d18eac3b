"""Server CPU per request, in-process: what one gunicorn worker spends on each route of the
load test's mix, without the network, nginx or the load generator in the way.

    python -m bench.cpu [--db sqlite|postgresql] [--scale 1] [--repeat 100]
                        [--profile ROUTE] [--calls] [--sql] [--day YYYY-MM-DD]
    python -m bench.cpu --write-budget

200 users at 1–3 s think time ask ~150 requests/s of the 2 cores (docs/design.md §5); for p95 ≤
200 ms the mix must average ~8 ms of CPU under load. --profile prints cProfile's view of one
route (e.g. --profile "GET /units/<slug>"); --calls counts Python function calls per request,
the same on every run, to compare two versions on a noisy machine; --sql shows the time
each route waits for the database, and its slowest statements. --write-budget measures the
calls at ×10 on BUDGET_DAY and rewrites bench/cpu_budget.toml, the ceilings
tests/test_cpu_budget.py holds every route to.
"""
import argparse
import cProfile
import pstats
import re
import statistics
import sys
import tempfile
import time
import tomllib
from contextlib import contextmanager
from datetime import date
from pathlib import Path

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
STATUS_FORM = re.compile(r'action="(/milestones/(\d+)/status)".*?name="version"[^>]*value="(\d+)"', re.S)


# The ceilings of Python calls per request (tests/test_cpu_budget.py), measured at ×10 on one
# pinned day: the demo's story and "late" depend on the day, the count must not.
BUDGET = Path(__file__).with_name("cpu_budget.toml")
BUDGET_DAY = date(2026, 11, 27)
BUDGET_SCALE = 10
BUDGET_MARGIN = 1.03


def _token(html):
    m = CSRF.search(html)
    return m.group(1) or m.group(2)


def build(workdir: Path, scale: int, db: str = "sqlite", day: date | None = None,
          communes: int = 1):
    """The app on a fresh database, prepared as the load test prepares its own; the demo's
    story as on `day` when given."""
    from app import create_app
    from bench.stack import prepare_database
    from config import DevelopmentConfig
    url = prepare_database(db, workdir, scale, day, communes)
    if db == "postgresql":
        # as production runs: the app's own role, bound by row-level security
        owner = create_app(type("OwnerConfig", (DevelopmentConfig,), {
            "SQLALCHEMY_DATABASE_URI": url}))
        assert owner.test_cli_runner().invoke(args=["commune", "app-role", "thidua_app"]
                                              ).exit_code == 0
        url = url.replace("//postgres@", "//thidua_app@")
    return create_app(type("CpuConfig", (DevelopmentConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "LOGIN_MAX_FAILURES": 1000,
        "DEMO_TODAY": day.isoformat() if day else None}))


@contextmanager
def pinned_day(day: date | None):
    """Every app module that reads Vietnam's today() reads `day` instead (None: the real one)."""
    if day is None:
        yield
        return
    from app.core import vietnamese
    real = vietnamese.today
    readers = [(module, name) for module in list(sys.modules.values())
               if getattr(module, "__name__", "").startswith("app")
               for name, value in list(vars(module).items()) if value is real]
    for module, name in readers:
        setattr(module, name, lambda: day)
    try:
        yield
    finally:
        for module, name in readers:
            setattr(module, name, real)


def calls_per_request(call, times: int = 10) -> int:
    """Python function calls (cProfile's count, builtins included) of one call, warmed up:
    the same on every run of the same code and data."""
    for _ in range(3):
        call()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(times):
        call()
    prof.disable()
    return sum(nc for (_cc, nc, _tt, _ct, _callers) in pstats.Stats(prof).stats.values()) // times


def measure_calls(workdir: Path, scale: int = BUDGET_SCALE, day: date | None = BUDGET_DAY
                  ) -> dict[str, int]:
    """{route: Python calls per request} for every route of the mix."""
    app = build(workdir, scale, day=day)
    with pinned_day(day):
        return {name: calls_per_request(call) for name, call in routes(app)}


def read_budget(path: Path = BUDGET) -> dict[str, int]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


_BUDGET_HEADER = f"""\
# Python function calls per request, the most each route of the load test's mix may make
# (bench/cpu.py routes(); data ×{BUDGET_SCALE}, the day pinned to BUDGET_DAY, SQLite).
# tests/test_cpu_budget.py fails when a route calls more, or when a ceiling is far above
# what it measures. After a change that makes a route dearer or cheaper: rewrite this file
# with `python -m bench.cpu --write-budget` (measured + {round((BUDGET_MARGIN - 1) * 100)} %), say why in the commit.
"""


def write_budget(measured: dict[str, int], path: Path = BUDGET) -> None:
    width = max(len(name) for name in measured) + 2
    lines = [f'{f"{chr(34)}{name}{chr(34)}":{width}} = {round(n * BUDGET_MARGIN):>6}  # measured {n}'
             for name, n in measured.items()]
    path.write_text(_BUDGET_HEADER + "\n".join(lines) + "\n", encoding="utf-8")

def signed_in(app, username):
    http = app.test_client()
    token = _token(http.get("/login").get_data(as_text=True))
    r = http.post("/login", data={"csrf_token": token, "username": username,
                                  "password": "binhlu2026"})
    assert r.status_code == 302, r.status_code
    page = http.get(r.headers["Location"]).get_data(as_text=True)
    return http, _token(page)


def routes(app):
    """(name, callable) for every route of bench/locustfile.py's mix."""
    head, head_token = signed_in(app, "ban01")
    chair, _ = signed_in(app, "chutich")
    office, _ = signed_in(app, "vhxh")
    accept = {"Accept-Encoding": "br, gzip"}
    htmx = {**accept, "HX-Request": "true", "X-CSRFToken": head_token}
    page = head.get("/units/ban-mau-01").get_data(as_text=True)
    action, mid, version = STATUS_FORM.findall(page)[0]
    row = page[page.index(f'id="m-{mid}"'):]
    current = re.search(r'name="status" value="([a-z_]+)" aria-pressed="true"', row).group(1)
    # every tap a change: a tap to the status the milestone has already saves nothing
    order = ("in_progress", "done") if current == "done" else ("done", "in_progress")
    report = re.search(r'href="(/units/ban-mau-01/reports/\d+)"',
                       head.get("/reports").get_data(as_text=True)).group(1)
    state = {"version": int(version), "taps": 0, "n": 0}

    def milestone():
        state["taps"] += 1
        r = head.post(action, headers={**htmx, "HX-Target": f"m-{mid}"},
                      data={"status": order[(state["taps"] - 1) % 2],
                            "version": str(state["version"])})
        assert r.status_code == 200, r.status_code
        state["version"] += 1

    def draft():
        html = head.get(report).get_data(as_text=True)
        # every hidden input, whatever the order of its attributes (the version's has an id
        # between name and value: without it each save after the first was a stale 409)
        data = {re.search(r'name="([^"]+)"', tag).group(1): re.search(r'value="([^"]*)"', tag).group(1)
                for tag in re.findall(r'<input[^>]*type="hidden"[^>]*>', html)}
        data.pop("csrf_token", None)
        for name in re.findall(r'<textarea[^>]+name="([^"]+)"', html)[:2]:
            data[name] = f"Kết quả đạt được trong kỳ, lần {state['n']}."
        state["n"] += 1
        return lambda: head.post(report + "/draft", data=data,
                                 headers={**htmx, "HX-Target": "save-status"})

    def get(client, url):
        def call():
            r = client.get(url, headers=accept)
            assert r.status_code == 200, (url, r.status_code)
        return call

    return [
        ("GET /units/<slug>", get(head, "/units/ban-mau-01")),
        ("GET /reports", get(head, "/reports")),
        ("GET /units/<slug>/reports/<period>", get(head, report)),
        ("POST milestone status (htmx)", milestone),
        ("report page + draft save (htmx)", lambda: draft()()),
        ("GET /dashboard", get(chair, "/dashboard")),
        ("GET /plan", get(chair, "/plan")),
        ("GET /units/", get(chair, "/units/")),
        ("GET /reports/completeness", get(office, "/reports/completeness")),
        ("GET /indicators/export.csv", get(office, "/indicators/export.csv")),
        ("GET /healthz", get(head, "/healthz")),
    ]


def _by_package(stats):
    parts = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        if "site-packages/" in filename:
            part = filename.split("site-packages/")[1].split("/")[0]
        elif "/templates/" in filename:
            part = "templates (compiled)"
        elif "/app/" in filename:
            part = "app"
        elif filename.startswith("~") or filename.startswith("<"):
            part = "builtins"
        else:
            part = "stdlib"
        parts[part] = parts.get(part, 0) + tottime
    return parts


def _sql_times(app, table, repeat):
    from sqlalchemy import event

    from app.core.extensions import db
    with app.app_context():
        engine = db.engine
    spent = {}
    started = []
    event.listen(engine, "before_cursor_execute", lambda *a: started.append(time.perf_counter()))
    event.listen(engine, "after_cursor_execute", lambda conn, cur, statement, *a: spent.setdefault(
        " ".join(statement.split())[:110], []).append(time.perf_counter() - started.pop()))
    print(f"{'route':40} {'DB ms per request':>18}")
    for name, call in table:
        for _ in range(3):
            call()
        spent.clear()
        for _ in range(repeat):
            call()
        total = sum(sum(t) for t in spent.values()) * 1000 / repeat
        print(f"{name:40} {total:>18.2f}")
        for statement, times in sorted(spent.items(), key=lambda kv: -sum(kv[1]))[:3]:
            print(f"    {sum(times) * 1000 / repeat:6.2f} ms  {statement}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--profile", help="a route name to profile")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--calls", action="store_true",
                        help="Python function calls per request instead of time: the same "
                             "on every run, to compare two versions on a noisy machine")
    parser.add_argument("--sql", action="store_true",
                        help="time spent waiting for the database per route, and the "
                             "slowest statements")
    parser.add_argument("--day", type=date.fromisoformat,
                        help="the demo's story and every page as on this day (default: today)")
    parser.add_argument("--communes", type=int, default=1,
                        help="communes in the deployment (Bình Lư, measured, and samples)")
    parser.add_argument("--write-budget", action="store_true",
                        help=f"measure the calls as the test does and rewrite {BUDGET.name}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.write_budget:
            measured = measure_calls(Path(tmp))
            write_budget(measured)
            for name, n in measured.items():
                print(f"{name:40} {n:>8}")
            return
        app = build(Path(tmp), args.scale, args.db, args.day, args.communes)
        with pinned_day(args.day):
            _run(app, args)


def _run(app, args):
    table = routes(app)
    if args.sql:
        return _sql_times(app, table, args.repeat)
    if args.profile:
        call = dict(table)[args.profile]
        for _ in range(10):
            call()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(args.repeat):
            call()
        prof.disable()
        stats = pstats.Stats(prof)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print("own time by package (ms per request):")
        for part, seconds in sorted(_by_package(stats).items(), key=lambda kv: -kv[1]):
            print(f"  {part:24} {seconds * 1000 / args.repeat:6.2f}")
        return
    if args.calls:
        print(f"{'route':40} {'calls':>8}")
        for name, call in table:
            print(f"{name:40} {calls_per_request(call):>8}")
        return
    # round robin: a slow moment of a shared machine falls on every route alike
    times = {name: [] for name, _call in table}
    for _ in range(5):
        for _name, call in table:
            call()
    for _ in range(args.repeat):
        for name, call in table:
            start = time.process_time()
            call()
            times[name].append((time.process_time() - start) * 1000)
    from bench.load import reference_ms
    print(f"machine reference {reference_ms()} ms (bench.load's; lower is faster)")
    print(f"{'route':40} {'min ms':>7} {'median ms':>10}")
    for name, spent in times.items():
        print(f"{name:40} {min(spent):>7.1f} {statistics.median(spent):>10.1f}")


if __name__ == "__main__":
    main()
