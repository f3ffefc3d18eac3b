"""The permission matrix (tests/authz/matrix.toml) for every evidence route, with real
requests by two people of each role on their own unit's records and on another's. The seed
has no evidence, so each unit gets a milestone, a report, a good model and a proposal with a
file on each first."""

import pytest
from sqlalchemy import select

from app.core.extensions import db
from tests.authz.routes import (MATRIX, NOT_CHECKED, OTHER, PEOPLE, ROLES, _ensure_people,
                                     _request, _url, sign_in)
from tests.factories import make_records


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_holds_on_every_evidence_route(records_app, login, role):
    # each unit's four records with five files each (the matrix removes one per person and
    # unit as it goes): made once, copied fresh for each role
    app = records_app
    _ensure_people(app)
    rules = [r for r in app.url_map.iter_rules()
             if r.endpoint.startswith("evidence.") or r.endpoint == "emulation.dossier"]
    assert len(rules) == 25 and not {r.endpoint for r in rules} & NOT_CHECKED
    unexpected, checked = [], 0
    for username, slug in PEOPLE[role]:
        client = sign_in(login, role, username, on=app)
        for rule in rules:
            expected = MATRIX[rule.endpoint][role]
            own_url = _url(app, rule, slug or "ubnd-xa")
            other_url = _url(app, rule, OTHER[slug])
            for scope, url in (("own", own_url), ("other", other_url)):
                assert url is not None, (rule.endpoint, scope)
                response = _request(client, rule, url)
                assert response.status_code != 404, (rule.endpoint, url)
                allowed = expected == "any" or (expected == "own" and scope == "own")
                denied = response.status_code == 403
                checked += 1
                if allowed == denied:
                    unexpected.append(f"{username} {rule.endpoint} ({scope}): {response.status_code}")
    assert checked == 2 * 2 * len(rules)
    assert unexpected == []


def test_a_file_is_served_only_through_its_own_kind(app, login):
    # a report's file asked for through the milestone routes (which every editor may read)
    ids = make_records(app, ["ban-mau-02"])["ban-mau-02"]
    with app.app_context():
        from app.evidence.models import EvidenceFile
        report_file = db.session.scalar(select(EvidenceFile.id).where(
            EvidenceFile.owner_kind == "report", EvidenceFile.owner_id == ids["report"]))
    c = login("ban01")
    assert c.get(f"/evidence/report/{report_file}").status_code == 403
    assert c.get(f"/evidence/milestone/{report_file}").status_code == 404
    assert c.get(f"/evidence/milestone/{report_file}/thumb.webp").status_code == 404
