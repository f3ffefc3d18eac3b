"""axe-core on the reporting pages with real data in them (the seed has no periods): the
form a village fills, the page the office reviews, the matrix, the commune draft."""
import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.conftest import serious
from tests.conftest import Client
from tests.factories import accept, generate, period_id, return_, submit


def test_reporting_pages_have_no_serious_accessibility_violation(page, live_server, app):
    generate(app)
    m1, m2 = period_id(app, "month", 1), period_id(app, "month", 2)
    ban01, ban02, vhxh = Client(app), Client(app), Client(app)
    for c, who in ((ban01, "ban01"), (ban02, "ban02"), (vhxh, "vhxh")):
        c.login(who)
    submit(ban01, "ban-mau-01", m1)
    accept(vhxh, "ban-mau-01", m1)
    submit(ban02, "ban-mau-02", m1)
    return_(vhxh, "ban-mau-02", m1, "Bổ sung số liệu.")
    submit(ban01, "ban-mau-01", m2)
    vhxh.post(f"/reports/commune/{m1}/compile", {})
    axe, found = Axe(), {}
    for username, urls in (
            ("ban01", [f"/units/ban-mau-01/reports/{m1}", f"/units/ban-mau-01/reports/{m2 + 1}",
                       "/reports"]),
            ("vhxh", [f"/units/ban-mau-01/reports/{m2}", f"/units/ban-mau-02/reports/{m1}",
                      "/reports", "/reports/completeness?year=2026&kind=month",
                      "/reports/periods?year=2026", f"/reports/periods/{m1}",
                      "/reports/periods/new", f"/reports/commune/{m1}"])):
        page.context.clear_cookies()
        sign_in(page, live_server.url, username)
        expect(page).not_to_have_url(re.compile(r"/login"))
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            problems = serious(axe.run(page))
            if problems:
                found[url] = problems
    assert found == {}
