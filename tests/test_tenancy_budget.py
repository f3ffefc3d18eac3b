"""Budgets at the province's size (issue 31 item 5): a commune's pages cost the same SQL
statements, and stay within the bytes, whether the deployment holds one commune or all 38
of Lai Châu. The scoping adds a condition to each statement, never a statement. (Time per
request at 1 and 38 communes is bench/'s: README, "Measuring".)"""
import pytest
from sqlalchemy import func, select

from app.communes.models import Commune
from app.communes.service import named_in
from app.core import tenancy
from app.core.extensions import db
from app.plans.loader import DEFAULT_PLAN_FILE, load_plan, read_plan_file
from tests.conftest import PAGE_SQL_BUDGET, REPEAT_VISIT_BYTES, Client, wire_bytes
from tests.pages import BUDGET_USERS as USERS, budget_page_urls as page_urls

PROVINCE_SIZE = 38

pytestmark = pytest.mark.slow


def _measure(app, count_queries):
    """{(username, url): SQL statements} of every page of the budget test's people, and
    the pages over the byte budget."""
    counts, over = {}, []
    for username, slug in sorted(USERS.items()):
        c = Client(app)
        assert c.login(username).status_code == 302
        for _endpoint, url in page_urls(app, slug):
            with count_queries(app) as n:
                response = c.get(url, headers={"Accept-Encoding": "br, gzip"})
            if response.status_code in (403, 302):
                continue
            assert response.status_code == 200, (url, response.status_code)
            counts[(username, url)] = n()
            if wire_bytes(response) > REPEAT_VISIT_BYTES:
                over.append(url)
    return counts, over


def _add_communes(app, total):
    """Communes made from Bình Lư's plan under other names (units, plan, targets, sections:
    every table a page reads holds rows of many communes) until there are `total`."""
    with app.app_context():
        number = db.session.scalar(select(func.count(Commune.id)))
        while number < total:
            number += 1
            pf = read_plan_file(DEFAULT_PLAN_FILE)
            pf.data["commune"] = {**pf.data["commune"], "name": f"Mẫu {number:02d}",
                                  "committee": f"Ủy ban nhân dân xã Mẫu {number:02d}"}
            commune = named_in(pf)
            with tenancy.using(commune.id):
                load_plan(pf)
            db.session.commit()


def test_a_communes_pages_cost_the_same_at_the_provinces_size(app_x10, count_queries):
    alone, over_alone = _measure(app_x10, count_queries)
    _add_communes(app_x10, PROVINCE_SIZE)
    many, over_many = _measure(app_x10, count_queries)
    assert many == alone, {k: (alone.get(k), v) for k, v in many.items() if alone.get(k) != v}
    assert max(many.values()) <= PAGE_SQL_BUDGET
    assert over_alone == over_many == []
