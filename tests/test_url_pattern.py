"""url_pattern(): url_for once per table, the same links as url_for in every cell; and
templates' url_for, Flask's links remembered."""
import pytest
from flask import url_for

from app.core.templating import UrlPattern


@pytest.mark.parametrize("endpoint, key, values", [
    ("reports.report", "period_id", {"slug": "ban-mau-01"}),
    ("reports.commune_report", "period_id", {}),
    ("milestones.set_status", "milestone_id", {}),
    ("plans.indicator", "indicator_id", {}),
])
def test_the_same_links_as_url_for(app, endpoint, key, values):
    with app.test_request_context("/"):
        pattern = UrlPattern(endpoint, key, **values)
        for value in (1, 7, 42, 918273645, 10**12):
            assert pattern(value) == url_for(endpoint, **values, **{key: value})


def test_only_integers_go_in(app):
    with app.test_request_context("/"):
        pattern = UrlPattern("reports.commune_report", "period_id")
        with pytest.raises(ValueError):
            pattern("1/../../admin")


def test_a_query_string_argument_too(app):
    with app.test_request_context("/"):
        pattern = UrlPattern("reports.completeness", "year", kind="month")
        assert pattern(2026) == url_for("reports.completeness", kind="month", year=2026)


@pytest.mark.parametrize("endpoint, values", [
    ("main.home", {}),
    ("static", {"filename": "app.css"}),
    ("units.show", {"slug": "ban-mau-01", "_anchor": "milestones"}),
    ("reports.completeness", {"year": 2026, "kind": "month", "period": 3}),
])
def test_templates_url_for_is_flasks_url_for_remembered_per_address(app, endpoint, values):
    """kept_url_for() (templates' url_for) gives Flask's URL, the first time and from memory,
    and a request to another address (script root) gets its own."""
    from app.core.templating import kept_url_for
    for root in ("", "/thidua", ""):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            assert kept_url_for(endpoint, **values) == url_for(endpoint, **values)
            assert kept_url_for(endpoint, **values) == url_for(endpoint, **values)
    with app.test_request_context("/"):
        assert kept_url_for("main.home", _external=True) == url_for("main.home", _external=True)


def test_a_pattern_is_made_once_per_address_and_kept_for_the_next_request(app):
    from app.core.templating import url_pattern
    with app.test_request_context("/"):
        first = url_pattern("reports.report", "period_id", slug="ban-mau-01")
    with app.test_request_context("/"):
        assert url_pattern("reports.report", "period_id", slug="ban-mau-01") is first
    with app.test_request_context("/", base_url="http://localhost/thidua/"):
        other = url_pattern("reports.report", "period_id", slug="ban-mau-01")
        assert other(7) == url_for("reports.report", slug="ban-mau-01", period_id=7)
        assert other(7).startswith("/thidua/")
