"""Hypothesis over every form a person can reach, on SQLite and PostgreSQL: whatever is
typed — NUL bytes, control characters, 100.000-character strings, NFD text, huge numbers —
the answer is never a 500.

Forms are found by crawling the pages each role can open (the same HTML a person gets),
so a form added later is fuzzed without anyone listing it here. FUZZ_EXAMPLES sets the
examples per form: 60 by default to keep CI under 20 minutes (each example is a real request on
each database); `make fuzz` runs the full depth (500).

The query strings of every GET page are fuzzed too (issue 17), with a thirtieth as many
examples per page: 3 by default, 16 under `make fuzz`.
"""
import os
import unicodedata
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.params import WHAT
from tests.forms import discover
from tests.pages import People, get_pages

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
QUERY_EXAMPLES = max(3, EXAMPLES // 30)
ROLES = (("ban01", "ban-mau-01"), ("vhxh", "phong-vhxh"), ("admin", "ban-mau-01"),
         ("chutich", "ubnd-xa"))

nasty_text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(["\x00", "a\x00b", "\x01\x02\x1b[31m", "\u202e", "\ufeff", "‮", "\r\n\r\n"]),
    st.builds(lambda s: unicodedata.normalize("NFD", s),
              st.sampled_from(["Nguyễn Văn Đỗ", "Bản Lở", "Hoàn thành tốt nhiệm vụ"])),
    st.sampled_from(["9" * 400, "-9" * 50, "1e999", "NaN", "Infinity", "9.950,3", "58,39%",
                     "33.51", "٣٣", "31/02/2026", "0000-00-00", "-1", "99999999999999999999"]),
    st.just("x" * 100_000),
    st.just(""),
)


def discover_forms(app, client, slug):
    """One (action, field names) per endpoint and field set, from every POST form on every
    page the person opens (tests/forms.py): the status form of milestone 1 and of milestone
    2 are one form. The button a person taps is left to the form's own value."""
    return sorted((f.action, tuple(n for n in f.names if f.kinds.get(n) != "button"))
                  for f in discover(app, client, slug))


def fuzz(app, login, username, slug):
    # the year's reporting periods exist, as in January: the report forms are fuzzed too
    assert app.test_cli_runner().invoke(args=["calendar", "2026"]).exit_code == 0
    c = login(username, on=app)
    forms = discover_forms(app, c, slug)
    assert forms, f"{username} reaches no form: the crawl is broken"
    for action, names in forms:
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(values=st.fixed_dictionaries({n: nasty_text for n in names}), htmx=st.booleans())
        def post_anything(values, htmx):
            response = c.post(action, data=values, htmx=htmx)
            assert response.status_code < 500, (action, response.status_code)

        post_anything()
    return len(forms)


# one test per person and database, so `make test` spreads them over the cores
@pytest.mark.parametrize("username,slug", ROLES)
def test_no_form_answers_500_on_sqlite(app, login, username, slug):
    assert fuzz(app, login, username, slug) >= 1


@pytest.mark.parametrize("username,slug", ROLES)
def test_no_form_answers_500_on_postgresql(pg_app, login, username, slug):
    assert fuzz(pg_app, login, username, slug) >= 1


# ---------- query strings ----------

# the names pages read (query_int's and request.args' in app/), and one none reads
QUERY_NAMES = (*WHAT, "status", "kind", "q", "next", "v", "lang", "x")
numbers = st.one_of(
    st.integers(min_value=0, max_value=3000).map(str),  # ids that exist, and some that do not
    st.integers(min_value=-2**70, max_value=2**70).map(str),
    st.sampled_from([str(2**31 - 1), str(2**31), str(2**63), "0", "-0", "007", "+5", " 5 ",
                     "5.0", "1_000", "0x10", "١٢", "٣٣", "²", "１２", "9" * 30]),
    st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=12),
)
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=10)),
                           st.one_of(nasty_text, numbers)), max_size=6)
query_strings = st.one_of(
    pairs.map(urlencode),
    pairs.map(lambda p: urlencode(p + p)),  # every key twice
    st.text(max_size=80),  # as typed into the address bar: stray %, & and =, unicode
)


def fuzz_queries(app):
    pages = list(get_pages(app, People(app)))
    assert len(pages) > 30, "the walk reaches too few pages"
    for c, url, endpoint in pages:
        @settings(max_examples=QUERY_EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(query=query_strings, htmx=st.booleans())
        def get_anything(query, htmx):
            response = c.get(url, query_string=query,
                             headers={"HX-Request": "true"} if htmx else {})
            assert response.status_code < 500, (endpoint, url, query[:200], response.status_code)

        get_anything()
    return len(pages)


def test_no_page_answers_500_to_any_query_string_on_sqlite(app):
    assert fuzz_queries(app) > 30


def test_no_page_answers_500_to_any_query_string_on_postgresql(pg_app):
    assert fuzz_queries(pg_app) > 30
