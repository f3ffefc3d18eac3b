"""Every route is in the permission matrix, asks the policy, and no one writes to a unit
that is not theirs."""
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.core.extensions import db
from app.core.policy import RULES, can
from tests.authz.routes import _fingerprint, _get_url, _resolve, endpoints

MATRIX = tomllib.loads((Path(__file__).parent / "authz" / "routes.toml").read_text())["routes"]
DEMO_USERS = ("admin", "chutich", "vhxh", "mttq", "kinhte", "ban01", "ban02")


def test_every_route_is_in_the_matrix_and_declares_its_action(app):
    missing, wrong = [], []
    for endpoint in endpoints(app):
        declared = getattr(app.view_functions[endpoint], "policy_action", None)
        if endpoint not in MATRIX:
            missing.append(endpoint)
        elif declared != MATRIX[endpoint]:
            wrong.append(f"{endpoint}: view says {declared!r}, matrix says {MATRIX[endpoint]!r}")
    assert not missing, f"routes missing from tests/authz/routes.toml: {missing}"
    assert not wrong, wrong
    stale = set(MATRIX) - set(endpoints(app))
    assert not stale, f"matrix rows for routes that no longer exist: {sorted(stale)}"
    assert all(action == "public" or action in RULES for action in MATRIX.values())


def test_a_view_without_a_policy_is_refused(app, login):
    # fail closed: a route added without @requires/@public answers 403, even signed in
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    c = login("admin")
    assert c.get("/forgotten").status_code == 403


def test_a_scoped_view_that_never_asks_is_refused_and_changes_nothing(app, login):
    # a list page says it narrows itself to the person's unit; one that forgets to ask
    # the policy (unit_scope / authorize) is refused after it ran, its writes rolled back
    from app.core.policy import requires, unit_scope
    from app.units.models import Unit
    from tests import factories

    with app.app_context():
        village, other = factories.unit(), factories.unit()
        head = factories.user(village, roles=("editor",))
        office = factories.user(factories.unit(kind="office"), roles=("secretariat",))
        own, other_id, names = village.id, other.id, (head.username, office.username)
        db.session.commit()

    def forgetful():
        db.session.execute(text("UPDATE unit SET name = 'đã đổi' WHERE id = :id"),
                           {"id": other_id})
        return "every unit's reports"

    def careful():
        return f"scope {unit_scope('report.view')}"

    app.add_url_rule("/forgetful", "forgetful", requires("report.view", scoped_in_view=True)(
        forgetful))
    app.add_url_rule("/careful", "careful", requires("report.view", scoped_in_view=True)(
        careful))
    head_c, office_c = (login(name, factories.PASSWORD) for name in names)
    for c in (head_c, office_c):
        assert c.get("/forgetful").status_code == 403
        assert c.get("/careful").status_code == 200
    with app.app_context():
        assert db.session.get(Unit, other_id).name != "đã đổi"
    assert head_c.get("/careful").get_data(as_text=True) == f"scope {own}"
    assert office_c.get("/careful").get_data(as_text=True) == "scope None"


def test_a_loaded_record_is_asked_about_its_own_unit(app, login):
    # @requires(load=…): the record is loaded once, its unit decides, the view receives it
    from app.core.policy import requires
    from app.units.queries import unit_by_slug
    from tests import factories

    with app.app_context():
        mine, theirs = factories.unit(), factories.unit()
        head = factories.user(mine)
        slugs, name = (mine.slug, theirs.slug), head.username
        db.session.commit()
    calls = []

    def loader(slug):
        calls.append(slug)
        return unit_by_slug(slug)

    app.add_url_rule("/probe/<slug>", "probe", requires("unit.edit", load=loader)(
        lambda unit, slug: f"{unit.slug}"))
    c = login(name, factories.PASSWORD)
    assert c.get(f"/probe/{slugs[0]}").get_data(as_text=True) == slugs[0]
    assert c.get(f"/probe/{slugs[1]}").status_code == 403   # another unit's
    assert c.get("/probe/khong-co").status_code == 404
    assert calls == [*slugs, "khong-co"]  # once per request


@pytest.mark.parametrize("username", DEMO_USERS)
def test_get_pages_allow_exactly_what_the_policy_allows(app, login, username):
    c = login(username)
    with app.app_context():
        from app.auth.models import User
        user = db.session.scalar(select(User).where(User.username == username))
        unit_slug = user.unit.slug if user.unit else "ubnd-xa"
        unit_id = user.unit_id
    surprises = []
    for endpoint in endpoints(app):
        action = MATRIX[endpoint]
        url = _get_url(app, endpoint, unit_slug)
        if url is None or endpoint in ("auth.login", "main.set_language"):
            continue
        response = c.get(url)
        with app.app_context():
            user = db.session.scalar(select(User).where(User.username == username))
            allowed = action == "public" or can(user, action, unit_id)
        if allowed == (response.status_code == 403):
            surprises.append((endpoint, url, response.status_code, allowed))
    assert surprises == []


# ---- cross-unit writes ----


@pytest.mark.parametrize("attacker,victim", [("ban01", "ban-mau-02"),
                                             ("kinhte", "phong-vhxh"),
                                             ("ban02", "phong-kinh-te"),
                                             ("kinhte", "ban-mau-01")])
def test_no_cross_unit_write_succeeds(app, login, attacker, victim):
    c = login(attacker)
    before = _fingerprint(app)
    tried = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not rule.arguments or "POST" not in rule.methods:
            continue
        args = {name: _resolve(app, name, victim) for name in rule.arguments}
        if any(v is None for v in args.values()):
            continue
        with app.test_request_context():
            from flask import url_for
            url = url_for(rule.endpoint, **args)
        # a plausible form: every field a person could send, all filled
        payload = {"title": "xâm nhập", "body": "xâm nhập", "status": "done", "progress": "100",
                   "version": "1", "value": "1", "comment": "x", "results": "x"}
        for htmx in (False, True):
            response = c.post(url, data=payload, htmx=htmx)
            tried.append(url)
            assert response.status_code in (403, 404, 405), (url, response.status_code)
    assert _fingerprint(app) == before
    # the test is only worth something if the app has routes to attack
    assert tried or not any(r.arguments and "POST" in r.methods for r in app.url_map.iter_rules()
                            if r.endpoint != "static")
