"""Pages as the demo accounts reach them: every rule of app.url_map, filled in with real
values, opened by the first person the policy lets in.

Used by the tests that walk every address (bad numbers, fuzzed query strings), so a route
added later is covered without anyone listing it.
"""
from flask import url_for
from sqlalchemy import select

from app.auth.models import User
from app.core.extensions import db
from app.core.policy import can
from tests.conftest import Client
from tests.authz.routes import _resolve

# together these reach every action of the policy (vhxh is secretariat, editor and council)
PEOPLE = ("vhxh", "chutich", "admin")
SLUGS = ("ban-mau-01", "phong-vhxh", "ubnd-xa")


class People:
    """The demo accounts, signed in once each, and who may open which rule."""

    def __init__(self, app):
        self.app, self.clients = app, {}
        # the year's reporting periods exist, as in January: the report pages are reached too
        assert app.test_cli_runner().invoke(args=["calendar", "2026"]).exit_code == 0
        with app.app_context():
            self.users = {u.username: (u, u.unit.slug if u.unit else "ubnd-xa") for u in
                          db.session.scalars(select(User).where(User.username.in_(PEOPLE)))}

    def for_rule(self, rule):
        """(client, own slug) of the first person the rule's action lets in, or None."""
        action = getattr(self.app.view_functions[rule.endpoint], "policy_action", None)
        for name in PEOPLE:
            user, slug = self.users[name]
            if action == "public" or (action and can(user, action, user.unit_id)):
                if name not in self.clients:
                    c = Client(self.app)
                    assert c.login(name).status_code == 302
                    self.clients[name] = c
                return self.clients[name], slug
        return None


def value(app, name, slug):
    """A real value for URL variable `name`, from the unit `slug` first, then the others."""
    for candidate in (slug, *SLUGS):
        try:
            found = _resolve(app, name, candidate)
        except AssertionError:
            return None
        if found is not None:
            return found
    return None


def int_names(rule):
    return [n for n, conv in rule._converters.items() if type(conv).__name__ == "BoundedIntConverter"]


def rules(app):
    return [r for r in app.url_map.iter_rules()
            if r.endpoint not in ("static", "main.set_language")]


def url(app, rule, args):
    with app.test_request_context():
        return url_for(rule.endpoint, **args)


def get_pages(app, people):
    """(client, url, endpoint) of every GET page, with real values, for someone allowed."""
    for rule in rules(app):
        if "GET" not in rule.methods:
            continue
        who = people.for_rule(rule)
        if who is None:
            continue
        c, slug = who
        args = {n: value(app, n, slug) for n in rule.arguments}
        if any(v is None for v in args.values()):
            continue
        yield c, url(app, rule, args), rule.endpoint


# ---- the budget test's people and pages (tests/test_budgets.py, test_tenancy_budget.py) ----

BUDGET_SKIP = {"main.set_language", "auth.logout", "main.healthz"}
BUDGET_USERS = {"chutich": "ubnd-xa", "vhxh": "phong-vhxh", "ban01": "ban-mau-01",
                "mttq": "mttq", "admin": "ubnd-xa"}


def budget_page_urls(app, slug):
    """(endpoint, address) of every GET page that takes at most a unit's slug."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if (rule.endpoint == "static" or rule.endpoint in BUDGET_SKIP
                    or "GET" not in rule.methods or set(rule.arguments) - {"slug"}):
                continue
            yield rule.endpoint, url_for(rule.endpoint,
                                         **({"slug": slug} if rule.arguments else {}))
