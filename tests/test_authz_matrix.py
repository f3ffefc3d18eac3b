"""The authorization matrix (tests/authz/matrix.toml): role × route × own or other unit →
allow or deny, checked with real requests by two people of each role.

0 unexpected allows and 0 unexpected denials, and a route missing from the matrix fails.
"""

import pytest

from tests.authz.routes import (MATRIX, NOT_CHECKED, OTHER, PEOPLE, ROLES, _ensure_people,
                                _request, _url, sign_in)


def test_every_route_has_a_row(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    missing = sorted(endpoints - set(MATRIX) - NOT_CHECKED)
    assert missing == [], f"routes missing from tests/authz/matrix.toml: {missing}"
    for endpoint, row in MATRIX.items():
        assert set(row) == set(ROLES), endpoint
        assert set(row.values()) <= {"any", "own", "none"}, endpoint


@pytest.mark.parametrize("role", ROLES)
def test_matrix_holds_for_two_people_of_each_role(app, login, role):
    _ensure_people(app)
    unexpected = []
    checked = 0
    for username, slug in PEOPLE[role]:
        client = sign_in(login, role, username)
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or rule.endpoint in NOT_CHECKED:
                continue
            expected = MATRIX[rule.endpoint][role]
            own_url = _url(app, rule, slug or "ubnd-xa")
            other_url = _url(app, rule, OTHER[slug])
            for scope, url in (("own", own_url), ("other", other_url)):
                # a record that belongs to no unit (a review, a period) has no "other" side
                if url is None or (scope == "other" and url == own_url):
                    continue
                response = _request(client, rule, url)
                if response.status_code == 404:
                    continue  # nothing of that kind exists for that unit
                allowed = expected == "any" or (expected == "own" and (scope == "own" or not rule.arguments))
                denied = response.status_code == 403
                checked += 1
                if allowed and denied:
                    unexpected.append(f"denied {username} {rule.endpoint} ({scope})")
                if not allowed and not denied:
                    unexpected.append(f"allowed {username} {rule.endpoint} ({scope}): {response.status_code}")
    assert checked > 20
    assert unexpected == []
