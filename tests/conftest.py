"""Fixtures chained app → client → logged-in client, on real databases.

The schema comes from the real migrations and the data from the real `flask seed`, built
once per session into a template; every test gets its own copy (a file copy for SQLite,
CREATE DATABASE … TEMPLATE for PostgreSQL), so tests are isolated and fast.
PostgreSQL and Chromium tests skip when those are missing, unless REQUIRE_POSTGRES=1 /
REQUIRE_BROWSER=1 (CI sets both), in which case they fail.
"""
import itertools
from contextlib import contextmanager
import os
import re
import shutil
import socket

import pytest
from sqlalchemy import create_engine, text

import app.models as _all_models  # noqa: F401  every model registered before a test builds a statement
from app import create_app
from config import TestConfig

# What `make test-fast` leaves out: the journeys in Chromium, the fuzzing, the crash and
# race tests, the documents laid out by LibreOffice. `make test` and CI run them all.
SLOW_FILES = ("tests/browser/", "/test_fuzz_", "_fuzz.py", "/test_crash", "_race.py",
              "/test_docx_layout")


def pytest_collection_modifyitems(items):
    for item in items:
        path = str(item.fspath).replace("\\", "/")
        if any(part in path for part in SLOW_FILES):
            item.add_marker(pytest.mark.slow)


PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DEMO_PASSWORD = "binhlu2026"
_counter = itertools.count()


def make_config(url, **overrides):
    return type("TestRunConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, **overrides})


# The day the demo's story is built for (app/demo.py): pinned, so the data every test starts
# from is the same whatever day the suite runs. Before the first period of the year ends:
# the calendar and the milestones, no reports yet (tests/test_demo.py builds later days).
DEMO_TODAY = "2026-01-10"


def build_database(url, scale=1, demo_today=DEMO_TODAY):
    """Migrate and seed an empty database through the app's own commands."""
    app = create_app(make_config(url, DEMO_TODAY=demo_today))
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["seed", "--scale", str(scale)]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output, result.exception)
    with app.app_context():
        from app.core.extensions import db
        db.session.remove()
        db.engine.dispose()


# ---------- SQLite ----------

@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    build_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def sqlite_template_x10(tmp_path_factory):
    """The demo data scaled ×10, for the budgets of docs/design.md §5."""
    path = tmp_path_factory.mktemp("template10") / "template10.sqlite"
    build_database(f"sqlite:///{path}", scale=10)
    return path


# The demo as it stands on 8 December: a year of reports sent, returned and accepted,
# comments, reviews — what a page shows at its fullest (the plain-words and phone tests)
DECEMBER = "2026-12-08"


@pytest.fixture(scope="session")
def sqlite_template_december(tmp_path_factory):
    path = tmp_path_factory.mktemp("december") / "december.sqlite"
    build_database(f"sqlite:///{path}", demo_today=DECEMBER)
    app = create_app(make_config(f"sqlite:///{path}"))
    assert app.test_cli_runner().invoke(args=["calendar", "2026"]).exit_code == 0
    with app.app_context():
        from app.core.extensions import db
        db.engine.dispose()
    return path


def _sqlite_app(template, tmp_path, **overrides):
    path = tmp_path / f"test-{next(_counter)}.sqlite"
    shutil.copyfile(template, path)
    app = create_app(make_config(f"sqlite:///{path}", **overrides))
    yield app
    with app.app_context():
        from app.core.extensions import db
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(sqlite_template, tmp_path):
    yield from _sqlite_app(sqlite_template, tmp_path)


@pytest.fixture
def app_x10(sqlite_template_x10, tmp_path):
    yield from _sqlite_app(sqlite_template_x10, tmp_path)


@pytest.fixture
def december_app(sqlite_template_december, tmp_path):
    yield from _sqlite_app(sqlite_template_december, tmp_path)


@pytest.fixture(scope="session")
def sqlite_template_records(sqlite_template, tmp_path_factory):
    """The seed with a milestone, a report, a good model and a proposal for each unit of
    factories.SLUGS, five files on each, attached through the real pipeline once per test
    process (about 20 s of decoding and storing) for the tests that each need them fresh."""
    from tests.factories import make_records
    path = tmp_path_factory.mktemp("records") / "records.sqlite"
    shutil.copyfile(sqlite_template, path)
    app = create_app(make_config(f"sqlite:///{path}"))
    make_records(app, files_each=5)
    with app.app_context():
        from app.core.extensions import db
        db.engine.dispose()
    return path


@pytest.fixture
def records_app(sqlite_template_records, tmp_path):
    yield from _sqlite_app(sqlite_template_records, tmp_path)


# ---------- PostgreSQL ----------

def _pg_admin_engine():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def _pg_url(name, role=None):
    url = re.sub(r"/[^/]*$", f"/{name}", PG_ADMIN_URL)
    return url if role is None else re.sub(r"//[^@/]*@", f"//{role}@", url)


@contextmanager
def empty_pg_database(name):
    """A new empty PostgreSQL database `name` for the block (a test that migrates one
    itself), dropped afterwards; yields its owner's URL."""
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# The app connects as this role, as in production: the tables belong to the migrations'
# owner, so row-level security binds every test's app (issue 31).
APP_ROLE = "thidua_app"


@pytest.fixture(scope="session")
def pg_template():
    try:
        engine = _pg_admin_engine()
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    name = f"thidua_tpl_{os.getpid()}"
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    build_database(_pg_url(name))
    owner = create_app(make_config(_pg_url(name)))
    result = owner.test_cli_runner().invoke(args=["commune", "app-role", APP_ROLE])
    assert result.exit_code == 0, (result.output, result.exception)
    with owner.app_context():
        from app.core.extensions import db
        db.engine.dispose()
    yield name
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def pg_app(pg_template):
    name = f"thidua_t_{os.getpid()}_{next(_counter)}"
    engine = _pg_admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    app = create_app(make_config(_pg_url(name, role=APP_ROLE), OWNER_DATABASE_URL=_pg_url(name)))
    yield app
    with app.app_context():
        from app.core.extensions import db
        db.session.remove()
        db.engine.dispose()
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def owner_url(app) -> str:
    """The database as its owner reaches it: every commune's rows (on PostgreSQL the app's
    own role sees one commune at a time, and nothing with none chosen)."""
    return app.config.get("OWNER_DATABASE_URL") or app.config["SQLALCHEMY_DATABASE_URI"]


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request):
    """The same test on SQLite and on PostgreSQL."""
    return request.getfixturevalue("app" if request.param == "sqlite" else "pg_app")


# ---------- clients ----------

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def table_rows(html: str) -> list[list[str]]:
    """Each table row of the html as its cells' text (headers and data alike, tags and
    spacing left out): what a reader reads across a row, whatever the markup."""
    rows = []
    for row in re.findall(r"<tr\b.*?</tr>", html, re.S):
        cells = re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


def csrf_from(html: str) -> str:
    m = CSRF_RE.search(html) or re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert m, "no CSRF token in page"
    return m.group(1)


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on now (for a real server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """A test client that signs in like a person and carries the CSRF token."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()
        self.token = None

    def login(self, username, password=DEMO_PASSWORD):
        page = self.http.get("/login")
        self.token = csrf_from(page.get_data(as_text=True))
        response = self.http.post("/login", data={"csrf_token": self.token,
                                                  "username": username, "password": password})
        if response.status_code == 302:
            # a new session carries a new token (a province account is sent on to its
            # list of communes until it opens one)
            home = self.http.get("/plan", follow_redirects=True)
            self.token = csrf_from(home.get_data(as_text=True))
        return response

    def get(self, url, **kw):
        return self.http.get(url, **kw)

    def post(self, url, data=None, htmx=False, headers=None, **kw):
        data = dict(data or {})
        headers = dict(headers or {})
        if htmx:
            headers.update({"HX-Request": "true", "X-CSRFToken": self.token or ""})
        else:
            data.setdefault("csrf_token", self.token or "")
        return self.http.post(url, data=data, headers=headers, **kw)


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def login(app):
    """login("ban01") → a Client signed in as that demo account."""
    def _login(username, password=DEMO_PASSWORD, on=None):
        c = Client(on or app)
        response = c.login(username, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return c
    return _login


@pytest.fixture
def count_queries(app):
    """with count_queries() as n: ...; n() → SQL statements executed inside."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def _count(target_app=None):
        from app.core.extensions import db
        target_app = target_app or app
        with target_app.app_context():
            engine = db.engine
        statements = []

        def before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(engine, "before_cursor_execute", before)
    return _count
import re

import pytest
from flask import url_for
from sqlalchemy import String, Text, cast, literal, update

from app.audit.service import record
from app.core.extensions import db
from tests.authz.routes import _resolve

# ---- hostile text put in every field (the XSS tests) ----

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


# ---- budgets: bytes on the wire, SQL per page (docs/design.md §5) ----

PAGE_SQL_BUDGET = 10


REPEAT_VISIT_BYTES = 14_000


def wire_bytes(response) -> int:
    """What crosses the network: the body as the app sent it (compressed) plus headers."""
    body = response.get_data()
    headers = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
    return len(body) + headers + len("HTTP/1.1 200 OK\r\n\r\n")


def assets_of(html: str) -> list[str]:
    """Stylesheets, scripts and images the page makes the browser fetch."""
    found = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    found += re.findall(r'<script[^>]+src="([^"]+)"', html)
    found += [u for u in re.findall(r'<img[^>]+src="([^"]+)"', html) if not u.startswith("data:")]
    return found


# ---- a month's reports sent and accepted (the commune report's tests) ----

@pytest.fixture
def accepted_month(app, login):
    from tests.factories import (VILLAGE_COMBINE, accept, ask_contributors, generate,
                                 indicator_id, period_id, submit)
    generate(app)
    ask_contributors(app, VILLAGE_COMBINE)
    pid = period_id(app)
    grain = indicator_id(app, "III.2-03")
    submit(login("ban01"), "ban-mau-01", pid, {grain: "9.950,3"},
           results="Trồng mới 5 ha rừng.", good_models="Mô hình nuôi cá lồng.",
           difficulties="Đường sạt lở.")
    accept(login("vhxh"), "ban-mau-01", pid)
    return pid
