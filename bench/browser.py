"""Browser benchmark: real Chromium (Debian's) over emulated weak 3G and 2G links.

    make bench                      # or: python -m bench.browser [--runs 3] [--db sqlite]

Drives the main journeys against the production stack (gunicorn behind nginx, the
demo data ×10 with the year's reporting periods), cold and warm cache, at a phone's viewport, and prints bytes, requests, first paint
and load/swap time (median of --runs); the same goes to bench/results/browser.json.
Times are measurements, not tests: nothing here fails on a slow run.
"""
import argparse
import json
import statistics
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.stack import stack
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

# docs/design.md §5 reference links (bytes per second, milliseconds)
LINKS = {
    "weak-3g": {"latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000},
    "2g-edge": {"latency": 800, "downloadThroughput": 35_000, "uploadThroughput": 32_000},
}
RESULTS = Path(__file__).resolve().parent / "results"
SETTLE = """(fromRequest) => { window.__t0 = performance.now(); window.__settled = null;
  if (fromRequest) document.body.addEventListener('htmx:beforeRequest',
      () => { window.__t0 = performance.now(); }, {once: true});
  document.body.addEventListener('htmx:afterSettle', () => { window.__settled = performance.now(); }, {once: true}); }"""


class Meter:
    """Counts requests and bytes on the wire (encoded, as received) through CDP."""

    def __init__(self, page, link):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.emulateNetworkConditions", {"offline": False, **LINKS[link]})
        self.requests = self.bytes = 0
        self.cached = set()
        self.cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.requestWillBeSent", self._redirected)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event):
        # only what went over the network: cache hits are not requests on the wire
        r = event["response"]
        if (event["requestId"] not in self.cached and not r["url"].startswith("data:")
                and not r.get("fromDiskCache")
                and not r.get("fromPrefetchCache") and not r.get("fromServiceWorker")):
            self.requests += 1

    def _redirected(self, event):
        # a redirect (the 303 after a form) is a round trip too, with its own bytes
        if "redirectResponse" in event:
            self.requests += 1
            self.bytes += int(event["redirectResponse"].get("encodedDataLength", 0))

    def _finished(self, event):
        self.bytes += int(event.get("encodedDataLength", 0))

    def reset(self):
        self.requests = self.bytes = 0


def _navigation(page):
    return page.evaluate("""() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return {first_paint_ms: fcp ? fcp.startTime : null, load_ms: nav ? nav.loadEventEnd : null};
    }""")


def visit(page, meter, url):
    meter.reset()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return {"bytes": meter.bytes, "requests": meter.requests, **_navigation(page)}


def swap(page, meter, action, from_request=False):
    """An htmx update: from the action (or, for a debounced autosave, from the request it
    sends) to htmx:afterSettle."""
    meter.reset()
    page.evaluate(SETTLE, from_request)
    action()
    # polled from here: the page's CSP (script-src 'self') refuses Playwright's in-page eval;
    # the time itself is taken inside the page, so polling does not blur it
    for _ in range(1500):
        if page.evaluate("window.__settled") is not None:
            break
        page.wait_for_timeout(20)
    else:
        raise RuntimeError("the htmx update never settled")
    ms = page.evaluate("window.__settled - window.__t0")
    page.wait_for_load_state("networkidle")
    return {"bytes": meter.bytes, "requests": meter.requests, "first_paint_ms": None, "load_ms": ms}


def sign_in(page, meter, base, username):
    meter.reset()
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", "binhlu2026")
    meter.reset()
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return {"bytes": meter.bytes, "requests": meter.requests, **_navigation(page)}


def journey(browser, base, link):
    """One run over one link: returns {step: measurement}."""
    out = {}
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    meter = Meter(page, link)
    out["login page, cold"] = visit(page, meter, f"{base}/login")
    out["login page, warm"] = visit(page, meter, f"{base}/login")
    out["sign in → own unit page"] = sign_in(page, meter, base, "ban01")
    out["unit page, warm"] = visit(page, meter, f"{base}/units/ban-mau-01")
    # one tap on a milestone's status: the row comes back in place
    status_button = page.locator("form.ms-tap button:not([disabled])").first
    out["milestone status (htmx)"] = swap(page, meter, status_button.click)
    # the report of the first period: typing saves the draft (debounced 1 s, then sent)
    visit(page, meter, f"{base}/reports")
    report_url = page.locator("a[href*='/units/ban-mau-01/reports/']").first.get_attribute("href")
    visit(page, meter, base + report_url)
    area = page.locator("textarea").first
    out["report draft save (htmx)"] = swap(page, meter, lambda: area.type(" thêm"),
                                           from_request=True)
    context.close()

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    meter = Meter(page, link)
    visit(page, meter, f"{base}/login")
    # the chair lands on the dashboard: signing in is its first visit
    out["sign in → dashboard (first visit)"] = sign_in(page, meter, base, "chutich")
    out["dashboard, repeat visit"] = visit(page, meter, f"{base}/dashboard")
    out["plan overview"] = visit(page, meter, f"{base}/plan")
    meter.reset()
    # fetch() goes through the same emulated link as a click on the download link
    ms = page.evaluate("""async (url) => { const t0 = performance.now();
        const r = await fetch(url); await r.arrayBuffer(); return performance.now() - t0; }""",
                       f"{base}/indicators/export.csv")
    out["export CSV"] = {"bytes": meter.bytes, "requests": meter.requests, "first_paint_ms": None,
                         "load_ms": ms}
    context.close()
    return out


WARM = """async () => {
  if (!(await indexedDB.databases()).some(d => d.name === 'thidua')) return false;
  return await new Promise(ok => { const r = indexedDB.open('thidua'); r.onsuccess = () => {
    const d = r.result; if (!d.objectStoreNames.contains('meta')) { d.close(); return ok(false); }
    const q = d.transaction('meta').objectStore('meta').get('warm');
    q.onsuccess = () => { d.close(); ok(!!q.result); }; }; }); }"""


def offline_journey(browser, base, link):
    """Issue 20: the village head's unit page opened with no network at all, from the pages
    the service worker kept (after signing in once over the link)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    meter = Meter(page, link)
    sign_in(page, meter, base, "ban01")
    for _ in range(240):  # the script keeps the person's pages a few seconds after load
        if page.evaluate(WARM):
            break
        page.wait_for_timeout(250)
    context.set_offline(True)
    out = {"unit page, no network": visit(page, meter, f"{base}/units/ban-mau-01"),
           "plan, no network": visit(page, meter, f"{base}/plan")}
    context.close()
    return out


def median_runs(runs):
    steps = runs[0].keys()
    result = {}
    for step in steps:
        values = [r[step] for r in runs if step in r]
        result[step] = {k: (statistics.median(v[k] for v in values)
                            if all(v[k] is not None for v in values) else None)
                        for k in values[0]}
    return result


def table(results):
    lines = [f"{'link':8} {'step':34} {'bytes':>8} {'req':>4} {'first paint':>12} {'load/swap':>10}"]
    for link, steps in results.items():
        for step, m in steps.items():
            fp = f"{m['first_paint_ms']:.0f} ms" if m["first_paint_ms"] is not None else "—"
            ld = f"{m['load_ms']:.0f} ms" if m["load_ms"] is not None else "—"
            lines.append(f"{link:8} {step:34} {m['bytes']:>8.0f} {m['requests']:>4.0f} {fp:>12} {ld:>10}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    results = {}
    with stack(args.db) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for link in LINKS:
            results[link] = median_runs([{**journey(browser, base, link),
                                          **offline_journey(browser, base, link)}
                                         for _ in range(args.runs)])
        browser.close()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "browser.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(table(results))


if __name__ == "__main__":
    main()
