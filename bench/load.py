"""Load test: 200 simulated users (1–3 s think time) against gunicorn behind nginx, on
SQLite and on PostgreSQL, with the commune's data (or --scale 10: ten times the villages and
the milestones of each unit). One bounded command:

    make load     # or: python -m bench.load [--users 200] [--seconds 90] [--ramp 5]
                  #                          [--db both] [--scale 1]

Users arrive at --ramp per second (each signs in once: scrypt, on purpose slow), then
click on with 1–3 s between requests until --seconds have passed since the start.

Prints p50 / p95 / p99 per route, errors and SQL statements per request; writes
bench/results/load-<db>.json. Traffic goes only to 127.0.0.1.
"""
import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.stack import stack

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def run(db, users, seconds, ramp, scale):
    with tempfile.TemporaryDirectory() as tmp, stack(db, scale=scale) as base:
        prefix = Path(tmp) / "stats"
        sql_out = Path(tmp) / "sql.json"
        subprocess.run([sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"),
                        "--headless", "--host", base, "-u", str(users), "-r", str(ramp),
                        "-t", f"{seconds}s", "--csv", str(prefix), "--only-summary",
                        "--stop-timeout", "5"],
                       check=False, env={**__import__("os").environ, "BENCH_SQL_OUT": str(sql_out)},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sql = json.loads(sql_out.read_text()) if sql_out.exists() else {}
        rows = []
        with open(f"{prefix}_stats.csv") as fh:
            for r in csv.DictReader(fh):
                if r["Name"] == "Aggregated":
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
        return rows, failures


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
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--ramp", type=float, default=5, help="users arriving per second")
    parser.add_argument("--scale", type=int, default=1, help="demo data ×N")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    for db in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        rows, failures = run(db, args.users, args.seconds, args.ramp, args.scale)
        name = f"load-{db}-{args.users}u" + (f"-x{args.scale}" if args.scale != 1 else "")
        (RESULTS / f"{name}.json").write_text(json.dumps({"routes": rows, "failures": failures},
                                                         indent=2, ensure_ascii=False))
        print(table(f"{db}, {args.users} users, data ×{args.scale}", rows), flush=True)
        for line in failures:
            print("  error:", line, flush=True)


if __name__ == "__main__":
    main()
