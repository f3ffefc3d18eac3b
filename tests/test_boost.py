"""Boost where it pays (issue 18, docs/design.md §5): htmx's start-up work grows with every
link it boosts — about half a millisecond each on a cheap phone's CPU. The pages of many
links (the completeness table, the units' list: hundreds for a commune ×10) are pages of
plain links, and every way in is a whole page load (a boosted link would swap them into the
boosted body of the page before)."""
import re

from tests.pages import People, get_pages
from tests.factories import generate

BODY = re.compile(r"<body\b[^>]*>")
LINK = re.compile(r'<a\b[^>]*href="(/[^"?#]*)[^"]*"[^>]*>')
UNBOOSTED = {"/reports/completeness", "/units/"}


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


def test_every_way_in_to_an_unboosted_page_is_a_whole_page_load(app):
    generate(app)
    people, pages = People(app), {}
    for c, url, _endpoint in get_pages(app, people):
        answer = c.get(url)
        if answer.mimetype == "text/html" and answer.status_code == 200:
            html = answer.get_data(as_text=True)
            pages[url.split("?")[0]] = (BODY.search(html).group(0), html)
    unboosted = {path for path, (body, _html) in pages.items() if "hx-boost" not in body}
    assert unboosted == UNBOOSTED
    ways_in = 0
    for path, (body, html) in pages.items():
        if 'hx-boost="true"' not in body:
            continue
        for link in LINK.finditer(html):
            if link.group(1) in unboosted:
                ways_in += 1
                assert 'hx-boost="false"' in link.group(0), f"{path}: {link.group(0)}"
    assert ways_in >= 3
