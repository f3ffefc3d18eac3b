"""Every number in an address, on SQLite and PostgreSQL: an <int:…> in a path out of range
is no page (404); a number a page reads from its query string is a 400 when it cannot be
read and a 404 when it is out of range, each saying so in Vietnamese — never a 500 (issue
17: OverflowError from the database).

Both walk app.url_map, so a route added later is covered without anyone listing it; each
page is opened by a demo account the policy lets in.
"""
import re
from urllib.parse import urlencode

import pytest

from app.core.params import WHAT
from tests.pages import People, get_pages, int_names, rules, url, value

HUGE = (2**63, -1, 10**20)
UNREADABLE = ("abc", "1e5", "١٢")
NOT_FOUND = "Không tìm thấy trang hoặc dữ liệu yêu cầu."
BAD_NUMBER = "Địa chỉ trang không hợp lệ:"
ALERT = re.compile(r'<p class="alert error" role="alert">([^<]*)</p>')
# What the walk must find (grep -rn "query_int\|query_year" app): a floor, so a crawl
# that silently stopped reaching pages fails rather than passes.
READS = {("plans.overview", "year"), ("plans.new_indicator", "area"),
         ("plans.indicator", "unit"), ("units.show", "year"), ("units.history_view", "page"),
         ("reports.index", "year"), ("reports.completeness", "period"),
         ("dashboard.index", "year"), ("dashboard.index", "area"), ("dashboard.people", "year"),
         ("dashboard.print_view", "year"), ("emulation.index", "year"),
         ("emulation.models", "area"), ("emulation.new_proposal", "unit")}


def _text(response):
    return response.get_data(as_text=True)


def test_every_integer_in_a_path_out_of_range_is_a_404(any_app):
    people, tried = People(any_app), []
    for rule in rules(any_app):
        ints = int_names(rule)
        who = people.for_rule(rule) if ints else None
        if who is None:
            continue
        c, slug = who
        args = {n: (value(any_app, n, slug) or 1) for n in rule.arguments}
        for name in ints:
            for bad in HUGE:
                address = url(any_app, rule, {**args, name: bad})
                for method in sorted(rule.methods & {"GET", "POST"}):
                    response = c.get(address) if method == "GET" else c.post(address, data={})
                    assert response.status_code in (400, 404), (method, address, response.status_code)
                    assert NOT_FOUND in _text(response) or BAD_NUMBER in _text(response), address
                    tried.append((method, address))
    assert len({u for _m, u in tried}) >= 3 * 40, "the walk reached too few routes"


def test_every_number_a_page_reads_from_its_query_string_refuses_bad_ones_in_vietnamese(any_app):
    people, found = People(any_app), set()
    for c, page, endpoint in get_pages(any_app, people):
        probe = c.get(f"{page}?{urlencode({n: 'abc' for n in WHAT})}")
        assert probe.status_code < 500, (page, probe.status_code)
        if probe.status_code != 400:
            continue  # reads none of them
        for name in WHAT:
            if c.get(f"{page}?{urlencode({name: 'abc'})}").status_code != 400:
                continue
            found.add((endpoint, name))
            for bad in (*HUGE, *UNREADABLE):
                for headers in ({}, {"HX-Request": "true"}):
                    response = c.get(f"{page}?{urlencode({name: bad})}", headers=headers)
                    assert response.status_code in (400, 404), (page, name, bad, headers)
                    said = ALERT.search(_text(response))
                    # the page or its message area says which number is wrong
                    assert said and str(WHAT[name]) in said.group(1), (page, name, bad)
    assert READS <= found, f"pages that read a number and were not reached: {READS - found}"


@pytest.mark.parametrize("bad,status,message", [
    *[(str(b), 404, f"Không tìm thấy: năm {str(b)[:12]} nằm ngoài khoảng 2000 – 2100.") for b in HUGE],
    *[(b, 400, "Địa chỉ trang không hợp lệ: năm phải là một số nguyên từ 2000 đến 2100.")
      for b in UNREADABLE]])
def test_the_message_names_the_number_and_its_bounds(app, login, bad, status, message):
    response = login("vhxh").get(f"/plan?{urlencode({'year': bad})}")
    assert response.status_code == status and message in _text(response)
