"""Load test: 200 simulated users (1–3 s think time) against gunicorn behind nginx, on
SQLite and on PostgreSQL, with the commune's data (or --scale 10: ten times the villages and
the milestones of each unit). One bounded command:

    make load     # or: python -m bench.load [--users 200] [--seconds 60] [--ramp 5]
                  #                          [--db both] [--scale 1]

Users arrive at --ramp per second and each signs in once (scrypt: on purpose ~0,15 s of
CPU, so 200 sign-ins in 40 s are a load of their own; a commune's working day spreads them
over an hour). --settle seconds after the last has arrived the statistics start afresh:
the table is the steady state, every user signed in and clicking with 1–3 s between
requests, for --seconds.
The sign-ins are timed apart and printed below the table.

Prints p50 / p95 / p99 per route, errors and SQL statements per request; writes
bench/results/load-<db>-<N>u.json. Traffic goes only to 127.0.0.1.
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.stack import stack

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def run(db, users, seconds, ramp, scale, settle):
    with tempfile.TemporaryDirectory() as tmp, stack(db, scale=scale) as base:
        prefix = Path(tmp) / "stats"
        sql_out = Path(tmp) / "sql.json"
        locust = subprocess.Popen(
            [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"),
             "--headless", "--host", base, "-u", str(users), "-r", str(ramp),
             "-t", f"{users / ramp + settle + seconds:.0f}s",
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "5"],
            env={**os.environ, "BENCH_SQL_OUT": str(sql_out), "BENCH_SETTLE": str(settle)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(users / ramp + settle)
        before = _cpu()
        time.sleep(seconds)
        after = _cpu()
        locust.wait()
        kept = json.loads(sql_out.read_text()) if sql_out.exists() else {}
        sql, sign_in = kept.get("sql", {}), kept.get("sign_in", {})
        failures_signing_in = kept.get("sign_in_errors", [])
        rows = []
        with open(f"{prefix}_stats.csv") as fh:
            for r in csv.DictReader(fh):
                if r["Name"] == "Aggregated" or r["Request Count"] == "0":
                    continue
                counts = sql.get(r["Name"], [])
                rows.append({
                    "route": r["Name"], "requests": int(r["Request Count"]),
                    "failures": int(r["Failure Count"]),
                    "p50_ms": float(r["50%"]), "p95_ms": float(r["95%"]), "p99_ms": float(r["99%"]),
                    "sql_median": statistics.median(counts) if counts else None,
                    "sql_max": max(counts) if counts else None,
                })
        with open(f"{prefix}_failures.csv") as fh:
            failures = [f"{r['Method']} {r['Name']}: {r['Error']} ×{r['Occurrences']}"
                        for r in csv.DictReader(fh)]
        failures += [f"while signing in: {e}" for e in failures_signing_in]
        steady = sum(r["requests"] for r in rows)
        cpu = {"requests_per_s": round(steady / seconds, 1),
               "gunicorn_cpu_ms_per_request": round(
                   (after["gunicorn"] - before["gunicorn"]) * 1000 / max(steady, 1), 2),
               "postgres_cpu_ms_per_request": round(
                   (after["postgres"] - before["postgres"]) * 1000 / max(steady, 1), 2),
               "machine_busy": round((after["busy"] - before["busy"])
                                     / (after["all"] - before["all"]), 3)}
        return rows, failures, [_timings(name, times) for name, times in sorted(sign_in.items())], cpu


def _cpu():
    """CPU seconds used so far by the gunicorn processes and by PostgreSQL's (the machine's
    server: only the test's database is busy), and the machine's busy/all ticks."""
    tick = os.sysconf("SC_CLK_TCK")
    gunicorn = postgres = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            cmdline = (stat.parent / "cmdline").read_bytes()
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / tick
        if b"gunicorn" in cmdline and b"deploy/gunicorn.conf.py" in cmdline:
            gunicorn += used
        elif cmdline.startswith(b"postgres") or b"/bin/postgres" in cmdline:
            postgres += used
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = ticks[3] + ticks[4]
    return {"gunicorn": gunicorn, "postgres": postgres, "busy": sum(ticks) - idle,
            "all": sum(ticks)}


def reference_ms() -> float:
    """This machine's speed at the moment: a fixed piece of pure Python (building and
    reading a dictionary of strings, as a request does), fastest of 5, in ms of CPU. The
    shared machine's speed changes by up to half from one hour to the next: compare two
    runs together with their reference."""
    def work():
        d = {str(i): i * 2 for i in range(200_000)}
        return sum(len(k) + v for k, v in d.items())
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return round(best * 1000, 1)


def _timings(name, times):
    ok = sorted(t for t in times if t is not None)
    pick = lambda q: ok[min(len(ok) - 1, int(q * len(ok)))] if ok else None  # noqa: E731
    return {"route": name, "requests": len(times), "failures": len(times) - len(ok),
            "p50_ms": pick(.5), "p95_ms": pick(.95), "p99_ms": pick(.99)}


def table(db, rows):
    out = [f"== {db}", f"{'route':52} {'req':>6} {'err':>4} {'p50':>6} {'p95':>6} {'p99':>6} {'SQL':>5}"]
    for r in sorted(rows, key=lambda r: r["route"]):
        sql = f"{r['sql_max']}" if r["sql_max"] is not None else "—"
        out.append(f"{r['route']:52} {r['requests']:>6} {r['failures']:>4} {r['p50_ms']:>6.0f} "
                   f"{r['p95_ms']:>6.0f} {r['p99_ms']:>6.0f} {sql:>5}")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60, help="steady state, after arrival")
    parser.add_argument("--ramp", type=float, default=5, help="users arriving per second")
    parser.add_argument("--settle", type=float, default=15,
                        help="seconds between the last arrival and the steady state")
    parser.add_argument("--scale", type=int, default=1, help="demo data ×N")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    for db in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        reference = reference_ms()
        rows, failures, sign_in, cpu = run(db, args.users, args.seconds, args.ramp,
                                           args.scale, args.settle)
        cpu["reference_ms"] = reference
        name = f"load-{db}-{args.users}u" + (f"-x{args.scale}" if args.scale != 1 else "")
        (RESULTS / f"{name}.json").write_text(json.dumps(
            {"routes": rows, "failures": failures, "sign_in": sign_in, "cpu": cpu}, indent=2,
            ensure_ascii=False))
        print(table(f"{db}, {args.users} users, data ×{args.scale}, steady state "
                    f"({args.seconds} s)", rows), flush=True)
        database = (f", PostgreSQL {cpu['postgres_cpu_ms_per_request']} ms"
                    if db == "postgresql" else "")
        print(f"  steady state: {cpu['requests_per_s']} requests/s, gunicorn "
              f"{cpu['gunicorn_cpu_ms_per_request']} ms CPU per request{database}, machine "
              f"{cpu['machine_busy']:.0%} busy (2 cores shared by gunicorn, nginx, locust and the "
              f"database); machine reference {reference} ms (lower is faster)", flush=True)
        for r in sign_in:
            print(f"  sign-in while arriving ({args.ramp:g}/s): {r['route']} ×{r['requests']}, "
                  f"{r['failures']} errors, p50 {r['p50_ms']:.0f} / p95 {r['p95_ms']:.0f} / "
                  f"p99 {r['p99_ms']:.0f} ms", flush=True)
        for line in failures:
            print("  error:", line, flush=True)


if __name__ == "__main__":
    main()
