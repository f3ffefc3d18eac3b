"""Every page a person can open passes axe-core with no serious or critical violation."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import url_for

from tests.browser.conftest import sign_in
from tests.browser.conftest import serious

# not pages: the service worker, the manifest and the outbox's state are files and JSON
SKIP = {"main.set_language", "auth.logout", "main.healthz", "plans.export_csv",
        "offline.worker", "offline.manifest", "offline.state"}


def page_urls(app, own_slug):
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or rule.endpoint in SKIP or "GET" not in rule.methods:
                continue
            if rule.endpoint.endswith(("export", "download", ".docx", ".xlsx")) or ".xlsx" in rule.rule or ".docx" in rule.rule or ".csv" in rule.rule:
                continue
            if set(rule.arguments) - {"slug"}:
                continue
            urls.append(url_for(rule.endpoint, **({"slug": own_slug} if rule.arguments else {})))
    return sorted(set(urls))


@pytest.mark.parametrize("username,slug", [("vhxh", "phong-vhxh"), ("ban01", "ban-mau-01")])
def test_pages_have_no_serious_accessibility_violation(page, live_server, username, slug):
    axe = Axe()
    page.goto(f"{live_server.url}/login")
    assert serious(axe.run(page)) == []
    sign_in(page, live_server.url, username)
    found = {}
    for url in page_urls(live_server.app, slug):
        response = page.goto(live_server.url + url)
        if response.status == 403:
            continue
        problems = serious(axe.run(page))
        if problems:
            found[url] = problems
    assert found == {}
