"""The authorization matrix (tests/authz/matrix.toml): role × route × own or other unit →
allow or deny, checked with real requests by two people of each role.

0 unexpected allows and 0 unexpected denials, and a route missing from the matrix fails.
"""
import tomllib
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select

from app.auth.models import User, username_key
from app.core.extensions import db
from app.units.models import Unit
from tests.test_authz import _resolve

MATRIX = tomllib.loads((Path(__file__).parent / "authz" / "matrix.toml").read_text())
ROLES = ("admin", "chair", "secretariat", "supervisor", "editor", "council")
# Two people per role, each holding that role alone (several demo accounts hold two roles,
# which would blur what one role allows): (username, unit slug).
PEOPLE = {
    "admin": [("admin", None), ("admin2", None)],
    "chair": [("chair1", "ubnd-xa"), ("chair2", "ubnd-xa")],
    "secretariat": [("secretariat1", "phong-vhxh"), ("secretariat2", "phong-vhxh")],
    "supervisor": [("supervisor1", "mttq"), ("supervisor2", "mttq")],
    "editor": [("ban01", "ban-mau-01"), ("kinhte", "phong-kinh-te")],
    "council": [("council1", "van-phong"), ("council2", "hoi-nong-dan")],
}
OTHER = {"ban-mau-01": "ban-mau-02", "phong-kinh-te": "phong-vhxh", "phong-vhxh": "phong-kinh-te",
         "ubnd-xa": "ban-mau-02", "mttq": "ban-mau-02", "van-phong": "ban-mau-02",
         "hoi-nong-dan": "ban-mau-02", None: "ban-mau-02"}
# Routes whose answer does not depend on the policy (they end or open a session, or are
# files and the outbox's state, for anyone signed in or not).
NOT_CHECKED = {"auth.login", "auth.logout", "main.set_language", "main.healthz",
               "offline.worker", "offline.manifest", "offline.state"}


def _ensure_people(app):
    with app.app_context():
        units = {u.slug: u for u in db.session.scalars(select(Unit))}
        for role, people in PEOPLE.items():
            for username, slug in people:
                if db.session.scalar(select(User.id).where(User.username == username)):
                    continue
                user = User(username=username, username_key=username_key(username),
                            full_name=f"Người thử {username}", unit=units.get(slug))
                user.roles = (role,)
                user.set_password("binhlu2026")
                db.session.add(user)
        db.session.commit()


def test_every_route_has_a_row(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    missing = sorted(endpoints - set(MATRIX) - NOT_CHECKED)
    assert missing == [], f"routes missing from tests/authz/matrix.toml: {missing}"
    for endpoint, row in MATRIX.items():
        assert set(row) == set(ROLES), endpoint
        assert set(row.values()) <= {"any", "own", "none"}, endpoint


def _url(app, rule, slug):
    try:
        args = {name: _resolve(app, name, slug) for name in rule.arguments}
    except AssertionError:
        return None
    if any(v is None for v in args.values()):
        return None
    with app.test_request_context():
        return url_for(rule.endpoint, **args)


def _request(client, rule, url):
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, data={})


@pytest.mark.parametrize("role", ROLES)
def test_matrix_holds_for_two_people_of_each_role(app, login, role):
    _ensure_people(app)
    unexpected = []
    checked = 0
    for username, slug in PEOPLE[role]:
        client = login(username)
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
