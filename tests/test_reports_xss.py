"""tests/test_xss.py on the reporting pages, with the data the demo seed lacks: a calendar,
a submitted, a returned and an accepted report, comments and a commune report — then
every text column poisoned and every reporting page rendered, as a page and a fragment."""
import pytest
from flask import url_for
from sqlalchemy import select

from app.core.extensions import db
from app.reports.models import Report
from tests.authz.routes import _resolve
from tests.factories import accept, generate, indicator_id, period_id, return_, submit
from tests.conftest import DANGEROUS, _poison


@pytest.mark.parametrize("username,slug", [("vhxh", "ban-mau-01"), ("ban01", "ban-mau-01"),
                                           ("chutich", "ban-mau-02")])
def test_no_payload_renders_unescaped_on_any_reporting_page(app, login, username, slug):
    generate(app)
    m1, m2 = period_id(app, "month", 1), period_id(app, "month", 2)
    grain = indicator_id(app, "III.2-03")
    ban01, ban02, vhxh = login("ban01"), login("ban02"), login("vhxh")
    submit(ban01, "ban-mau-01", m1, {grain: "1"}, **{f"e_{grain}": "giải trình"})
    accept(vhxh, "ban-mau-01", m1)
    submit(ban02, "ban-mau-02", m1)
    return_(vhxh, "ban-mau-02", m1, "trả lại")
    submit(ban01, "ban-mau-01", m2)
    with app.app_context():
        rid = db.session.scalar(select(Report.id).limit(1))
    login("chutich").post(f"/reports/{rid}/comments", {"comment": "ý kiến"})
    vhxh.post(f"/reports/commune/{m1}/compile", {})
    c = login(username)
    _poison(app)
    checked, found = 0, []
    with app.test_request_context():
        urls = [url_for(rule.endpoint, **{n: _resolve(app, n, slug) for n in rule.arguments})
                for rule in app.url_map.iter_rules()
                if rule.endpoint.startswith("reports.") and "GET" in rule.methods]
    urls += [f"/units/{slug}/reports/{m1}", f"/units/{slug}/reports/{m2}",
             "/reports/completeness?kind=month&year=2026", f"/reports/commune/{m1}"]
    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = c.get(url, headers=headers)
            assert response.status_code < 500, (url, headers)
            text = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            checked += 1
            found += [(url, bad) for bad in DANGEROUS if bad in text]
    assert checked > 10
    assert found == []
