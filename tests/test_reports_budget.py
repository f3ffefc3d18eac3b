"""docs/design.md §5 budgets on the reporting pages, with the demo data ×10 (75 units) and a
report from every village: ≤ 10 SQL statements a page, ≤ 5 and ≤ 3 KB for the autosave,
≤ 14 KB a page on a repeat visit — none growing with the rows shown."""
import re

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.reports import services
from app.reports.models import ReportingPeriod
from app.reports.queries import report_context
from app.units.models import Unit
from tests.conftest import Client
from tests.conftest import wire_bytes
from tests.factories import fill, report_url

PAGE_SQL, PARTIAL_SQL, PARTIAL_BYTES, PAGE_BYTES = 10, 5, 3_000, 14_000


@pytest.fixture
def busy(app_x10):
    """The year's calendar, and month 1 submitted by every village; half of them accepted."""
    with app_x10.test_request_context():
        services.generate_year(2026)
        pid = db.session.scalar(select(ReportingPeriod.id).where(
            ReportingPeriod.kind == "month", ReportingPeriod.number == 1))
        villages = list(db.session.scalars(select(Unit.slug).where(Unit.kind == "village")))
        from app.reports import queries
        for n, slug in enumerate(villages):
            ctx = report_context(slug, pid)
            indicators = queries.indicators_of_unit(ctx.unit.id, 2026)
            report = services.submit(ctx, {"results": f"Kết quả của {slug}. " * 20}, {}, {}, None,
                                     "", indicators, {})
            if n % 2:
                services.accept(report, report.version, indicators, {})
        db.session.commit()
        db.session.remove()
    assert len(villages) >= 60
    return pid


def client(app, username):
    c = Client(app)
    assert c.login(username).status_code == 302
    return c


def measure(count_queries, app, c, url, **kw):
    with count_queries(app) as n:
        response = c.get(url, headers={"Accept-Encoding": "br, gzip"}, **kw)
    assert response.status_code == 200, (url, response.status_code)
    return n(), wire_bytes(response)


def test_reporting_pages_fit_the_page_budgets(app_x10, busy, count_queries):
    pid = busy
    over = []
    for username, url in (("ban01", report_url("ban-mau-01", pid)),
                          ("ban02", report_url("ban-mau-02", pid)),
                          ("vhxh", report_url("ban-mau-03", pid)),
                          ("chutich", report_url("ban-mau-04", pid)),
                          ("vhxh", "/reports?year=2026"),
                          ("ban01", "/reports?year=2026"),
                          ("chutich", "/reports/completeness?year=2026&kind=month"),
                          ("vhxh", f"/reports/completeness?year=2026&kind=month&period={pid}"),
                          ("vhxh", "/reports/periods?year=2026"),
                          ("vhxh", f"/reports/periods/{pid}"),
                          ("vhxh", "/reports/periods/new"),
                          ("chutich", f"/reports/commune/{pid}")):
        sql, size = measure(count_queries, app_x10, client(app_x10, username), url)
        print(f"{username:8} {url:60} {sql:3} SQL {size:6} bytes")
        if sql > PAGE_SQL:
            over.append(f"{url}: {sql} SQL")
        if size > PAGE_BYTES:
            over.append(f"{url}: {size} bytes")
    assert over == []


def test_the_autosave_is_one_small_answer_within_five_statements(app_x10, busy, count_queries):
    ban = client(app_x10, "ban01")
    pid = busy + 1   # month 2: not yet written
    data = fill(ban, "ban-mau-01", pid, results="Bản đã trồng 5 ha rừng.")
    for typed in ("Bản đã trồng 5 ha rừng.", "Bản đã trồng 5 ha rừng, 2 ha quế."):
        data["results"] = typed
        with count_queries(app_x10) as n:
            response = ban.post(report_url("ban-mau-01", pid, "draft"), data, htmx=True,
                                headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200
        print(n(), wire_bytes(response))
        assert n() <= PARTIAL_SQL, n()
        assert wire_bytes(response) <= PARTIAL_BYTES
        data["version"] = re.search(r'value="(\d+)" hx-swap-oob', _text(response)).group(1)



def test_the_autosave_stays_within_five_statements_on_both_databases(
        any_app, count_queries):
    """PostgreSQL adds the audit chain's lock to every change: it must not cost a statement."""
    with any_app.test_request_context():
        services.generate_year(2026)
        db.session.commit()
        pid = db.session.scalar(select(ReportingPeriod.id).where(
            ReportingPeriod.kind == "month", ReportingPeriod.number == 2))
        db.session.remove()
    ban = client(any_app, "ban01")
    data = fill(ban, "ban-mau-01", pid)
    for typed in ("Bản đã trồng 5 ha rừng.", "Bản đã trồng 5 ha rừng, 2 ha quế."):
        data["results"] = typed
        with count_queries(any_app) as n:
            response = ban.post(report_url("ban-mau-01", pid, "draft"), data, htmx=True)
        assert response.status_code == 200 and n() <= PARTIAL_SQL, n()
        data["version"] = re.search(r'value="(\d+)" hx-swap-oob',
                                    response.get_data(as_text=True)).group(1)

def _text(response):
    import brotli
    body = response.get_data()
    return (brotli.decompress(body) if response.headers.get("Content-Encoding") == "br"
            else body).decode()
