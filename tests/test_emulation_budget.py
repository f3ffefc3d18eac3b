"""docs/design.md §5 budgets of thi đua – khen thưởng with the demo data scaled ×10 (70 villages,
a scored review, good models, proposals with votes): at most 10 SQL statements a page, 5 an
htmx update, not growing with the rows; a vote swapped in place ≤ 3 KB in one request."""
import brotli
import pytest
from sqlalchemy import select

from app.emulation.models import Proposal, Review
from app.core.extensions import db
from tests.conftest import Client
from tests.conftest import wire_bytes
from tests.factories import YEAR, accept_year_report, year_period

PAGE_SQL = 10
PARTIAL_SQL = 5
REPEAT_VISIT_BYTES = 14_000
UPDATE_BYTES = 3_000
BR = {"Accept-Encoding": "br"}


@pytest.fixture
def scored_x10(app_x10):
    """The ×10 data with a year review scored from an accepted report, and the demo
    proposal before the council with two votes."""
    return scored(app_x10)


def scored(app_x10, villages=("ban-mau-01", "ban-mau-02", "ban-mau-30")):
    pid = year_period(app_x10, villages)
    for slug in villages:
        accept_year_report(app_x10, pid, slug, good_models="Mô hình tổ tự quản")
    vhxh = Client(app_x10)
    vhxh.login("vhxh")
    assert vhxh.post(f"/emulation/reviews/new?year={YEAR}", {"kind": "year"}).status_code == 303
    with app_x10.app_context():
        review_id = db.session.scalar(select(Review.id).where(Review.kind == "year"))
        proposal_id = db.session.scalar(select(Proposal.id))
    assert vhxh.post(f"/emulation/reviews/{review_id}/score", {}).status_code == 303
    assert vhxh.post(f"/emulation/models/gather?year={YEAR}", {}).status_code == 303
    for who in ("chutich", "mttq"):
        c = Client(app_x10)
        c.login(who)
        c.post(f"/emulation/proposals/{proposal_id}/vote", {"vote": "yes"})
    return app_x10, review_id, proposal_id


def urls(review_id, proposal_id):
    return ["/emulation/", "/emulation/criteria", "/emulation/titles",
            f"/emulation/models?year={YEAR}", f"/emulation/proposals?year={YEAR}",
            "/emulation/settings", f"/emulation/reviews/{review_id}",
            f"/emulation/reviews/{review_id}/units/ban-mau-01",
            f"/emulation/reviews/{review_id}/units/ban-mau-02",
            f"/emulation/reviews/{review_id}/edit", f"/emulation/proposals/{proposal_id}",
            f"/emulation/proposals/{proposal_id}/edit", f"/emulation/proposals/new?year={YEAR}",
            f"/emulation/models/new?year={YEAR}", "/emulation/models/1/edit"]


@pytest.mark.parametrize("username", ["vhxh", "chutich", "mttq", "ban02"])
def test_every_emulation_page_is_within_10_statements_and_14_kb(scored_x10, count_queries,
                                                                username):
    app, review_id, proposal_id = scored_x10
    c = Client(app)
    c.login(username)
    seen, over = 0, []
    for url in urls(review_id, proposal_id):
        with count_queries(app) as n:
            r = c.get(url, headers=BR)
        if r.status_code in (302, 403):
            continue
        assert r.status_code == 200, (url, r.status_code)
        seen += 1
        if n() > PAGE_SQL:
            over.append(f"{url}: {n()} SQL statements")
        if wire_bytes(r) > REPEAT_VISIT_BYTES:
            over.append(f"{url}: {wire_bytes(r)} bytes")
    assert seen >= 5
    assert over == []


def test_a_vote_in_place_takes_5_statements_3_kb_and_one_request(scored_x10, count_queries):
    app, _review_id, proposal_id = scored_x10
    c = Client(app)
    c.login("vhxh")
    with count_queries(app) as n:
        r = c.post(f"/emulation/proposals/{proposal_id}/vote", {"vote": "no"}, htmx=True,
                   headers={**BR, "HX-Target": "votes"})
    assert r.status_code == 200 and "Location" not in r.headers
    assert n() <= PARTIAL_SQL, n()
    assert r.headers.get("Content-Encoding") == "br"
    assert wire_bytes(r) <= UPDATE_BYTES, wire_bytes(r)
    html = brotli.decompress(r.get_data()).decode()  # the votes block alone, this vote pressed
    assert 'id="votes"' in html and "<html" not in html
    assert 'value="no" aria-pressed="true"' in html
    assert "Vary" in r.headers and "HX-Request" in r.headers["Vary"]


def test_a_vote_takes_5_statements_on_postgresql_too(pg_app, count_queries):
    """PostgreSQL locks the audit chain on every change: within the same budget."""
    app, _review_id, proposal_id = scored(pg_app, ("ban-mau-01", "ban-mau-02"))
    c = Client(app)
    c.login("vhxh")
    with count_queries(app) as n:
        r = c.post(f"/emulation/proposals/{proposal_id}/vote", {"vote": "no"}, htmx=True,
                   headers={"HX-Target": "votes"})
    assert r.status_code == 200 and n() <= PARTIAL_SQL, n()
