"""sqlmap against every form and query parameter, signed in, on loopback, bounded.

    python -m bench.sqlmap_scan [--per-target-seconds 60]

Needs sqlmap on PATH (pip install sqlmap, in its own virtualenv). Crawls the pages of four
roles like tests/test_fuzz_forms.py does, then runs sqlmap (level 1, risk 1, boolean,
error and union techniques) on each form with its CSRF token refreshed from the page, and on
each GET URL that takes a query parameter. Prints findings; writes bench/results/sqlmap.json.
"""
import argparse
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import requests

from bench.stack import stack

RESULTS = Path(__file__).resolve().parent / "results"
ROLES = (("ban01", "ban-mau-01"), ("vhxh", "phong-vhxh"), ("admin", "ban-mau-01"),
         ("chutich", "ubnd-xa"))
QUERY_URLS = ("/plan?year=2026", "/units/?kind=village&status=done&area=1", "/dashboard?area=1",
              "/reports/completeness?year=2026", "/admin/accounts?q=ban")


def sign_in(base, username):
    s = requests.Session()
    page = s.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    s.post(f"{base}/login", data={"csrf_token": token, "username": username,
                                  "password": "binhlu2026"})
    return s


def forms_of(app_url, session, pages):
    found = {}
    for page in pages:
        r = session.get(app_url + page)
        if r.status_code != 200 or "text/html" not in r.headers.get("Content-Type", ""):
            continue
        for attrs, body in re.findall(r"<form\b([^>]*)>(.*?)</form>", r.text, re.S | re.I):
            if 'method="post"' not in attrs.lower():
                continue
            m = re.search(r'action="([^"]*)"', attrs)
            action = (m.group(1) if m and m.group(1) else page).replace("&amp;", "&")
            if action.startswith(("/logout", "/account/password")):
                continue
            names = sorted({n for n in re.findall(r'\bname="([^"]+)"', body) if n != "csrf_token"})
            found.setdefault(re.sub(r"\d+", "N", action), (action, page, names))
    return list(found.values())


def sqlmap(args, seconds):
    try:
        run = subprocess.run(["sqlmap", "--batch", "--level=1", "--risk=1", "--technique=BEU",
                              "--threads=2", "--timeout=10", "--retries=0", "--flush-session",
                              "--disable-coloring", *args],
                             capture_output=True, text=True, timeout=seconds)
        out = run.stdout
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
    return ("identified the following injection point" in out or "is vulnerable" in out), out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-target-seconds", type=int, default=60)
    args = parser.parse_args()
    if shutil.which("sqlmap") is None:
        raise SystemExit("sqlmap is not on PATH")
    report = []
    with stack("sqlite", scale=1) as base, tempfile.TemporaryDirectory() as out_dir:
        for username, slug in ROLES:
            s = sign_in(base, username)
            cookie = "; ".join(f"{k}={v}" for k, v in s.cookies.items())
            pages = [f"/units/{slug}", "/plan", "/units/", "/reports", "/reports/periods",
                     "/admin/accounts", "/admin/units", "/dashboard"]
            targets = [("GET", base + q, None, None) for q in QUERY_URLS]
            for action, page, names in forms_of(base, s, pages):
                data = urlencode({n: "1" for n in names} | {"csrf_token": "x"})
                targets.append(("POST", base + action, data, base + page))
            for method, url, data, csrf_page in targets:
                cmd = ["-u", url, f"--cookie={cookie}", f"--output-dir={out_dir}"]
                if data:
                    cmd += [f"--data={data}", "--csrf-token=csrf_token", f"--csrf-url={csrf_page}"]
                vulnerable, _ = sqlmap(cmd, args.per_target_seconds)
                report.append({"user": username, "method": method, "url": url.replace(base, ""),
                               "vulnerable": vulnerable})
                print(f"{username:8} {method:4} {url.replace(base, ''):60} "
                      f"{'FINDING' if vulnerable else 'clean'}", flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "sqlmap.json").write_text(json.dumps(report, indent=2))
    findings = [r for r in report if r["vulnerable"]]
    print(f"{len(report)} targets, {len(findings)} findings")
    raise SystemExit(1 if findings else 0)


if __name__ == "__main__":
    main()
