"""Lighthouse's mobile profile (a mid-range phone: 4× slower CPU, slow 4G) on each role's
main pages, against the production stack with the demo data ×10.

    python -m bench.lighthouse [--db sqlite] [--roles ban01,vhxh] [--pages 3]
    python -m bench.lighthouse --roles vhxh --only /reports/completeness --runs 3
    python -m bench.lighthouse --runs 3     # each page three times: the median and the range

Lighthouse comes from npm, installed once into bench/lighthouse/ (the command does it when
it is missing); it drives Debian's Chromium (CHROME_PATH, default /usr/lib/chromium/
chromium). Each page is opened signed in (the session cookie passed as a header). Prints
Performance, Total Blocking Time, Largest Contentful Paint and CLS per page; the same goes
to bench/results/lighthouse.json. Targets (issue 18): Performance ≥ 95, TBT ≤ 100 ms, CLS 0.
Measurements, not tests: nothing here fails on a slow run.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench.stack import stack

HERE = Path(__file__).resolve().parent
TOOL = HERE / "lighthouse"
CLI = TOOL / "node_modules" / "lighthouse" / "cli" / "index.js"
RESULTS = HERE / "results"
CHROME = os.environ.get("CHROME_PATH", "/usr/lib/chromium/chromium")
FLAGS = ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
         "--disable-background-networking --disable-component-update --disable-sync")
# each role's landing page first, then what that person opens most
PAGES = {
    "ban01": ["", "/reports", "/units/ban-mau-01/history"],
    "kinhte": ["", "/plan", "/reports"],
    "vhxh": ["", "/reports/completeness", "/units/"],
    "chutich": ["", "/dashboard/people", "/plan"],
    "mttq": ["", "/units/", "/reports"],
    "admin": ["", "/admin/accounts", "/admin/units"],
}


def ensure_lighthouse():
    if not CLI.exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "lighthouse@12"],
                       cwd=TOOL, check=True)


def signed_in(base, username, password="binhlu2026"):
    """(session cookie header, landing URL) of a fresh sign-in."""
    s = requests.Session()
    page = s.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = s.post(f"{base}/login", data={"csrf_token": token, "username": username,
                                      "password": password}, allow_redirects=False)
    assert r.status_code == 302, r.status_code
    cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    landing = r.headers["Location"]
    return cookie, (landing if urlsplit(landing).netloc else base + landing)


def audit(url, cookie):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(
            ["node", str(CLI), url, "--quiet", "--output=json", f"--output-path={out}",
             "--only-categories=performance", f"--chrome-flags={FLAGS}",
             f"--extra-headers={json.dumps({'Cookie': cookie})}"],
            check=True, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300)
        report = json.loads(out.read_text())
    a = report["audits"]
    # where the main thread's time went (script, layout, parsing…), the largest first
    work = sorted(((i["groupLabel"], round(i["duration"])) for i in
                   a["mainthread-work-breakdown"]["details"]["items"]), key=lambda x: -x[1])
    return {"performance": round(report["categories"]["performance"]["score"] * 100),
            "tbt_ms": round(a["total-blocking-time"]["numericValue"]),
            "lcp_ms": round(a["largest-contentful-paint"]["numericValue"]),
            "cls": round(a["cumulative-layout-shift"]["numericValue"], 3),
            "main_thread_ms": dict(work[:4])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--roles", default=",".join(PAGES))
    parser.add_argument("--pages", type=int, default=3, help="pages per role")
    parser.add_argument("--only", help="one page's path instead of the role's pages")
    parser.add_argument("--runs", type=int, default=1, help="runs of each page")
    args = parser.parse_args()
    ensure_lighthouse()
    results = []
    with stack(args.db) as base:
        for role in args.roles.split(","):
            for path in ([args.only] if args.only else PAGES[role][:args.pages]) * args.runs:
                cookie, landing = signed_in(base, role)  # a session per page: none is stale
                url = landing if path == "" else base + path
                row = {"role": role, "page": urlsplit(url).path, **audit(url, cookie)}
                results.append(row)
                print(f"{role:8} {row['page']:32} perf {row['performance']:3}  "
                      f"TBT {row['tbt_ms']:4} ms  LCP {row['lcp_ms']:5} ms  CLS {row['cls']}  "
                      + " · ".join(f"{k} {v} ms" for k, v in row["main_thread_ms"].items()),
                      flush=True)
    if args.runs > 1:
        summary(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lighthouse.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


def summary(results):
    """Per page, the median of the runs and their range: Lighthouse's own advice, for runs
    of one page differ by tens of milliseconds on a shared machine."""
    print("\nmedian of the runs (range)")
    pages = {}
    for row in results:
        pages.setdefault((row["role"], row["page"]), []).append(row)
    for (role, page), rows in pages.items():
        def med(key):
            return statistics.median(r[key] for r in rows)

        tbt = sorted(r["tbt_ms"] for r in rows)
        print(f"{role:8} {page:32} perf {med('performance'):5}  TBT {med('tbt_ms'):5} ms "
              f"({tbt[0]}–{tbt[-1]})  LCP {med('lcp_ms'):6} ms  CLS {max(r['cls'] for r in rows)}")


if __name__ == "__main__":
    main()
