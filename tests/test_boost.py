"""Boost where it pays (issue 18, docs/design.md §5): htmx's start-up work grows with every
link it boosts — about half a millisecond each on a cheap phone's CPU. The completeness
table, hundreds of links for a commune ×10, is a page of plain links, and every way in is a
whole page load (a boosted link would swap the table into a boosted body)."""
import re

from tests.pages import People, get_pages
from tests.test_reports import generate

BODY = re.compile(r"<body\b[^>]*>")
LINK_IN = re.compile(r'<a\b[^>]*href="/reports/completeness[^"]*"[^>]*>')


def processed_by_htmx(html: str) -> int:
    """The elements htmx 2 initialises on load: every link under a boosted body (else the
    links with their own hx-boost), the forms, and the rest with an hx- attribute."""
    boosted = 'hx-boost="true"' in BODY.search(html).group(0)
    links = re.findall(r"<a\b[^>]*>", html)
    links = len(links) if boosted else sum('hx-boost=' in a for a in links)
    others = re.findall(r"<(?!a\b)\w+\b[^>]*\shx-(?:get|post|put|patch|delete|trigger)=", html)
    return links + html.count("<form") + len(others)


def test_the_completeness_table_x10_is_light_for_htmx(app_x10, login):
    office = login("vhxh", on=app_x10)
    assert app_x10.test_cli_runner().invoke(args=["calendar", "2026"]).exit_code == 0
    html = office.get("/reports/completeness?year=2026").get_data(as_text=True)
    assert html.count('<a href="/units/') > 250  # a report a tap away from its cell
    assert "hx-boost" not in BODY.search(html).group(0)
    assert processed_by_htmx(html) <= 20, processed_by_htmx(html)
    # the same page boosted would have htmx set up every link
    assert processed_by_htmx(html.replace("<body", '<body hx-boost="true"', 1)) > 300


def test_every_way_in_to_the_table_is_a_whole_page_load(app):
    generate(app)
    people, seen = People(app), 0
    for c, url, _endpoint in get_pages(app, people):
        answer = c.get(url)
        if answer.mimetype != "text/html":
            continue
        html = answer.get_data(as_text=True)
        body = BODY.search(html)
        if not body or 'hx-boost="true"' not in body.group(0):
            continue
        for link in LINK_IN.findall(html):
            seen += 1
            assert 'hx-boost="false"' in link, f"{url}: {link}"
    assert seen >= 2
