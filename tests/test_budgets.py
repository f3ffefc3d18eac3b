"""docs/design.md §5 budgets that are deterministic: bytes on the wire and SQL statements.

Every GET page a person can open is measured with the demo data scaled ×10. A page that
breaks a budget is named with its figure. Timings live in bench/, not here.
"""
import re

import brotli
import pytest
from tests.conftest import PAGE_SQL_BUDGET, REPEAT_VISIT_BYTES, assets_of, wire_bytes
from tests.pages import BUDGET_USERS as USERS, budget_page_urls as page_urls

LOGIN_FIRST_VISIT_BYTES = 30_000
LOGIN_FIRST_VISIT_REQUESTS = 4
def test_login_first_visit_fits_in_30_kb_and_4_requests(client):
    page = client.get("/login", headers={"Accept-Encoding": "br, gzip"})
    html = brotli.decompress(page.get_data()).decode() if page.headers.get("Content-Encoding") == "br" else page.get_data(as_text=True)
    assets = assets_of(html)
    total = wire_bytes(page)
    for url in assets:
        response = client.get(url, headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200, url
        assert response.headers.get("Content-Encoding") in ("br", "gzip"), url
        total += wire_bytes(response)
    assert 'rel="icon" href="data:,"' in html  # no favicon request
    assert 1 + len(assets) <= LOGIN_FIRST_VISIT_REQUESTS, assets
    assert total <= LOGIN_FIRST_VISIT_BYTES, f"login first visit: {total} bytes"


def test_static_assets_are_fingerprinted_and_immutable(client):
    html = client.get("/login").get_data(as_text=True)
    for url in assets_of(html):
        assert re.search(r"\?v=[0-9a-f]{10}$", url), url
        response = client.get(url)
        assert "immutable" in response.headers["Cache-Control"], url
        assert "max-age=31536000" in response.headers["Cache-Control"], url
    # htmx never blocks first paint
    assert re.search(r'<script[^>]+defer', html)


@pytest.mark.parametrize("username", sorted(USERS))
def test_every_page_within_sql_and_repeat_visit_budgets(app_x10, username, count_queries):
    from tests.conftest import Client
    c = Client(app_x10)
    assert c.login(username).status_code == 302
    over = []
    for endpoint, url in page_urls(app_x10, USERS[username]):
        with count_queries(app_x10) as n:
            response = c.get(url, headers={"Accept-Encoding": "br, gzip"})
        if response.status_code in (403, 302):
            continue
        assert response.status_code == 200, (url, response.status_code)
        if n() > PAGE_SQL_BUDGET:
            over.append(f"{url}: {n()} SQL statements > {PAGE_SQL_BUDGET}")
        size = wire_bytes(response)
        if size > REPEAT_VISIT_BYTES:
            over.append(f"{url}: {size} bytes on a repeat visit > {REPEAT_VISIT_BYTES}")
    assert over == []


def test_unchanged_page_revisited_costs_a_304(login):
    for username, url in (("ban01", "/units/ban-mau-01"), ("chutich", "/plan")):
        c = login(username)
        first = c.get(url, headers={"Accept-Encoding": "br"})
        etag = first.headers["ETag"]
        again = c.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
        assert again.status_code == 304, url
        assert wire_bytes(again) < 1500
    # another person's page never matches
    other = login("vhxh").get("/plan", headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert other.status_code == 200
