"""The permission matrix across two communes (issue 31 item 2): every route × role, asked
by a person of Bình Lư about the records of Khổng Lào — a milestone, a report, a good
model, a proposal, a plan section, a file, each unit's own — answers "not found" (or, for a
role the matrix refuses that action everywhere, the same 403 as at home) and changes
nothing; the same routes about the person's own commune answer as the matrix says
(tests/test_authz_matrix.py).

Routes named only by a unit's slug are left out: a slug names a unit within the person's
own commune (both communes have a "ban-mau-01"), so such an address cannot reach the other.
"""
import pytest

from app.core import tenancy
from app.core.extensions import db
from tests.authz.routes import (MATRIX, NOT_CHECKED, PEOPLE, ROLES, _ensure_people,
                                _fingerprint, _request, _url, sign_in)
from tests.communes import add_other_commune
from tests.factories import make_records

# units of the other commune whose records are asked for: a village, a department, the
# committee (their slugs are the same as Bình Lư's)
THEIR_UNITS = ("ban-mau-01", "phong-kinh-te", "ubnd-xa")


@pytest.fixture
def two_communes(app, tmp_path):
    ids = add_other_commune(app, tmp_path)
    with tenancy.using(ids["khong-lao"]):
        make_records(app, slugs=THEIR_UNITS, files_each=1, by="qtkhonglao")
    with tenancy.using(ids["binh-lu"]):
        _ensure_people(app)
    return ids


def _their_urls(app, commune_id):
    """[(rule, address)] of every route that names a record of one of THEIR_UNITS by id."""
    urls = []
    with tenancy.using(commune_id):
        for rule in app.url_map.iter_rules():
            if (rule.endpoint == "static" or rule.endpoint in NOT_CHECKED
                    or rule.endpoint.startswith("province.")):
                continue  # the province's own pages name every commune on purpose
            if not set(rule.arguments) - {"slug"}:
                continue  # no record id: a slug is always the person's own commune's
            for slug in THEIR_UNITS:
                url = _url(app, rule, slug)
                if url is not None:
                    urls.append((rule, url))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_route_reaches_another_communes_records(app, login, two_communes, role):
    theirs = _their_urls(app, two_communes["khong-lao"])
    assert len({rule.endpoint for rule, _url in theirs}) > 15
    with tenancy.using(tenancy.PROVINCE):
        before = _fingerprint(app)
    username, _slug = PEOPLE[role][0]
    client = sign_in(login, role, username)  # the province's people read Bình Lư's pages
    leaks = []
    for rule, url in theirs:
        response = _request(client, rule, url)
        # a role refused the action everywhere is refused here too, before any record
        expected = {403, 404} if MATRIX[rule.endpoint][role] == "none" else {404}
        if response.status_code not in expected:
            leaks.append(f"{username} {rule.endpoint} {url}: {response.status_code}")
    assert leaks == []
    with tenancy.using(tenancy.PROVINCE):
        assert _fingerprint(app) == before, "a refused request changed the other commune"
