"""The permission sweep of tests/test_authz.py again, with the reporting data that the demo
seed does not have: a calendar, and a report in every victim unit, so every reporting
route with a unit's period or report in its URL is attacked for real."""
import pytest
from flask import url_for
from sqlalchemy import select

from app.core.extensions import db
from app.reports import services
from app.reports.queries import report_context
from tests.authz.routes import _fingerprint, _resolve
from tests.factories import generate

ATTACKS = [("ban01", "ban-mau-02"), ("kinhte", "phong-vhxh"), ("ban02", "phong-kinh-te"),
           ("kinhte", "ban-mau-01")]


@pytest.fixture
def reports_everywhere(app):
    generate(app)
    with app.test_request_context():
        from app.reports.models import ReportingPeriod
        pid = db.session.scalar(select(ReportingPeriod.id).order_by(ReportingPeriod.id).limit(1))
        for _attacker, victim in ATTACKS:
            services.save_draft(report_context(victim, pid), {"results": "của đơn vị"}, {},
                                None, "")
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("attacker,victim", ATTACKS)
def test_no_cross_unit_write_to_a_report_succeeds(app, login, reports_everywhere, attacker, victim):
    c = login(attacker)
    before = _fingerprint(app)
    tried = []
    for rule in app.url_map.iter_rules():
        if (not rule.endpoint.startswith("reports.") or not rule.arguments
                or "POST" not in rule.methods):
            continue
        args = {name: _resolve(app, name, victim) for name in rule.arguments}
        assert all(v is not None for v in args.values()), (rule.endpoint, args)
        with app.test_request_context():
            url = url_for(rule.endpoint, **args)
        payload = {"results": "xâm nhập", "version": "1", "comment": "x", "subject": "x",
                   "starts_on": "01/01/2026", "ends_on": "02/01/2026", "deadline": "03/01/2026"}
        for htmx in (False, True):
            response = c.post(url, data=payload, htmx=htmx)
            tried.append(rule.endpoint)
            assert response.status_code in (403, 404, 405), (url, response.status_code)
    assert {"reports.save", "reports.autosave", "reports.submit", "reports.upload",
            "reports.accept", "reports.return_", "reports.comment"} <= set(tried)
    assert _fingerprint(app) == before


@pytest.mark.parametrize("attacker,victim", ATTACKS)
def test_no_one_reads_another_units_report_or_template(app, login, reports_everywhere, attacker,
                                                        victim):
    c = login(attacker)
    pid = _resolve(app, "period_id", victim)
    for suffix in ("", "/template.xlsx"):
        assert c.get(f"/units/{victim}/reports/{pid}{suffix}").status_code == 403


def test_every_new_change_is_audited(app, login, reports_everywhere):
    from app.audit.models import AuditEvent
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"period.generate", "report.draft"} <= actions
