"""Every text a person can type, rendered on every page and fragment: 0 unescaped.

Rather than guessing which form feeds which page, the payload is written straight into
every free-text column of every row, and into an audit event's before/after, then every
GET route is rendered for several people, as a page and as an htmx fragment.
"""
import pytest
from flask import url_for
from sqlalchemy import String, Text, cast, literal, update

from app.audit.service import record
from app.core.extensions import db
from tests.test_authz import _resolve

PAYLOAD = ('"><script>alert(1)</script><img src=x onerror=alert(1)>'
           '<b hx-get="/logout" hx-trigger="load" hx-on:click="alert(1)">javascript:alert(1)')
DANGEROUS = ("<script>alert", "<img src=x onerror", "<b hx-get=", 'hx-on:click="alert',
             'href="javascript:', "href='javascript:")
# Columns the app validates against a fixed list or uses as keys; a payload there is not
# something a person can type.
NOT_FREE_TEXT = {"slug", "username", "username_key", "password_hash", "roles", "kind", "status",
                 "semantics", "key", "token", "hash", "prev_hash", "ip", "user_agent",
                 "subject_type", "unit_kind", "entity", "action", "before", "after", "id",
                 "version_num", "lang", "role", "decision", "vote", "form", "nominee_kind",
                 "method", "scoring", "review_kind", "level"}
SKIP_TABLES = {"audit_event", "alembic_version", "user_session", "login_attempt", "submission"}


def _poison(app):
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in SKIP_TABLES:
                continue
            # the row's key keeps unique columns unique
            pk = list(table.primary_key.columns)[0]
            marked = literal(PAYLOAD, String) + cast(pk, String)
            values = {c.name: marked for c in table.columns
                      if isinstance(c.type, (String, Text)) and c.name not in NOT_FREE_TEXT
                      and not c.primary_key and not c.foreign_keys}
            if values:
                db.session.execute(update(table).values(**values))
        record("xss.probe", "unit", 1, unit_id=1, before={"title": PAYLOAD},
               after={"title": PAYLOAD, "body": PAYLOAD})
        db.session.commit()


def _urls(app, slug):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or "GET" not in rule.methods:
                continue
            if rule.endpoint in ("main.set_language", "main.healthz"):
                continue
            try:
                args = {name: _resolve(app, name, slug) for name in rule.arguments}
            except AssertionError:
                continue
            if any(v is None for v in args.values()):
                continue
            yield url_for(rule.endpoint, **args)


@pytest.mark.parametrize("username,slug", [("vhxh", "phong-vhxh"), ("ban01", "ban-mau-01"),
                                           ("chutich", "ubnd-xa"), ("admin", "ban-mau-01")])
def test_no_payload_renders_unescaped_anywhere(app, login, username, slug):
    c = login(username)  # sign in before the names are poisoned
    _poison(app)
    checked, found = 0, []
    for url in _urls(app, slug):
        for headers in ({}, {"HX-Request": "true"}):
            response = c.get(url, headers=headers)
            assert response.status_code < 500, (url, headers)
            # CSV and documents are data, served as downloads with nosniff; HTML is what runs
            text = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            checked += 1
            found += [(url, bad) for bad in DANGEROUS if bad in text]
    assert checked > 10
    assert found == []
