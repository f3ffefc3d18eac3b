"""Communes as tenants (issue 31; docs/design.md, "Many communes, one deployment").

Every record belongs to one commune: a tenant table carries `commune_id` (the Tenant
mixin). Two walls keep a commune's people inside it:

1. **Here, for every ORM statement**: a `do_orm_execute` hook adds "commune_id = the
   person's commune" to every entity a SELECT, UPDATE or DELETE touches, joins and
   relationship loads included, so no view, query or `session.get` can reach another
   commune's row by its id. New rows take the commune of the scope they are made in.
2. **In PostgreSQL**: row-level security on every tenant table (migration 0016), the scope
   set per transaction with `set_config(…, true)` — never per connection, which the pool
   hands to the next request — and the app connecting as a role that neither owns the
   tables nor bypasses the policies (`flask commune app-role`).

A scope is a commune's id, PROVINCE (the province's reach: every commune; what may be
written there is the policy's business, app/core/policy.py), or NOBODY (a visitor not
signed in sees no commune's rows; signing in looks the name up across communes on purpose,
`across_communes()`).

Where the scope comes from: in a request, the commune the signed-in session was opened
for (kept in the signed session cookie, so it is known before the first statement and the
session row itself is read inside it; the row then confirms it). Outside a request (the
CLI, the worker, tests): `using(commune_id)`; with none chosen, a deployment that holds one
commune means that one, and one holding several refuses the statement rather than guess.
A province account's cookie says PROVINCE; on a commune's page, once the account is loaded,
`view(slug)` makes the request's scope the commune it chose to read (app/province/viewing.py).
"""
from __future__ import annotations

import weakref
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_app_context, has_request_context, session
from flask.globals import _cv_request  # the request context itself (see _explicit)
from sqlalchemy import ForeignKey, String, bindparam, cast, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, with_loader_criteria

PROVINCE = "*"
NOBODY = ""
SESSION_KEY = "commune"  # the signed session cookie's entry
PG_SETTING = "app.commune"

_chosen: ContextVar[int | str | None] = ContextVar("commune_scope", default=None)


class NoCommuneChosen(RuntimeError):
    """A statement outside a request in a deployment of several communes, with no commune
    chosen: which one is meant cannot be guessed."""


def default_commune(context=None):
    scope = current()
    if isinstance(scope, int):
        return scope
    raise NoCommuneChosen("a new record needs its commune: make it inside using(commune_id)")


class Tenant:
    """Mixin: the row belongs to one commune."""

    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True,
                                            default=default_commune)


def _default_commune_or_province(context=None):
    return None if current() == PROVINCE else default_commune(context)


class TenantOrProvince(Tenant):
    """Mixin: the row belongs to one commune, or to the province (no commune): accounts,
    their sessions and the audit log. A commune sees only its own; the province all."""

    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"), index=True,
                                                   default=_default_commune_or_province)


def link_commune_column():
    """The commune of a row of a link table (a plain Table)."""
    from sqlalchemy import Column
    return Column("commune_id", ForeignKey("commune.id"), nullable=False, index=True,
                  default=default_commune)


def tenant_tables(metadata) -> list:
    """Every table with a commune_id column (the ORM's and the link tables)."""
    return [t for t in metadata.sorted_tables if "commune_id" in t.c]


# ---- the scope ----

def current():
    """The scope of the statement about to run: a commune id, PROVINCE or NOBODY."""
    scope = _explicit()
    if scope is not None:
        return scope
    return _only_commune(refuse=not has_request_context())


def _explicit():
    """The scope chosen by `using`, or the signed-in session's; None when neither. Asked
    for every statement: it keeps the request's scope on the request context itself (one
    attribute read, where `g` costs a proxy's lookups)."""
    chosen = _chosen.get()
    if chosen is not None:
        return chosen
    ctx = _cv_request.get(None)
    if ctx is None:
        return None
    scope = getattr(ctx, "commune_scope", None)
    if scope is None:
        scope = ctx.commune_scope = _from_cookie()
    return None if scope == NOBODY else scope


def commune_or_province():
    """The scope's commune id, or None for the province; refused for nobody."""
    scope = current()
    if scope == PROVINCE:
        return None
    if isinstance(scope, int):
        return scope
    raise NoCommuneChosen("no commune in this scope")


def _from_cookie():
    value = session.get(SESSION_KEY)
    if value == PROVINCE:
        return PROVINCE
    return value if isinstance(value, int) and not isinstance(value, bool) else NOBODY


def _only_commune(refuse: bool, conn=None):
    """No commune chosen, nobody signed in: the deployment's only commune (asked once per
    application context). With several, a request not signed in sees none of them, and
    anything else is refused (`refuse`): which one is meant cannot be guessed."""
    cached = has_app_context()
    if cached and "only_commune" in g:
        return g.only_commune
    from app.core.extensions import db
    stmt = select(_commune_table().c.id).limit(2)
    # a plain connection: no ORM hook, no recursion (the commune table has no policy)
    ids = (conn or db.session.connection()).execute(stmt).scalars().all()
    if len(ids) > 1:
        if refuse:
            raise NoCommuneChosen("several communes here: choose one (--commune)")
        return NOBODY
    if not ids:
        return NOBODY  # not remembered: the first commune may be made in this context
    if cached:
        g.only_commune = ids[0]
    return ids[0]


def _commune_table():
    from app.core.extensions import db
    return db.metadata.tables["commune"]


@contextmanager
def using(scope):
    """Run the block as `scope` (a commune id or PROVINCE): the CLI, the worker, a test.
    On PostgreSQL the open transaction's setting follows."""
    token = _chosen.set(scope)
    _follow_in_database()
    try:
        yield
        _flush()  # the rows made in the block take its commune now, not at a later flush
    finally:
        _chosen.reset(token)
        _follow_in_database()


def _flush():
    from app.core.extensions import db
    if has_app_context() and db.session().new:
        db.session.flush()


@contextmanager
def across_communes():
    """The few lookups that must see every commune on purpose (a username at sign-in is
    unique in the deployment): the ORM adds no commune, and PostgreSQL's policies let the
    block's statements through; the scope returns afterwards."""
    with using(PROVINCE):
        yield


def scope_of(commune_id):
    """The scope of an account of `commune_id` (None: the province)."""
    return PROVINCE if commune_id is None else commune_id


def enter(commune_id) -> None:
    """A session opened for `commune_id` (None: the province): remembered in the signed
    cookie for the next requests, and the scope of the rest of this one."""
    scope = scope_of(commune_id)
    session[SESSION_KEY] = scope
    _set_request_scope(scope)
    _follow_in_database()


def view(slug: str):
    """A province account reads one commune for the rest of this request (issue 31): the
    cookie keeps PROVINCE, under which the account was loaded, and from here the request's
    scope is the commune named `slug`. Found and set in one statement: on PostgreSQL the
    same SELECT tells the open transaction (set_config on the one row found), so a province
    account's page costs one statement and a commune person's none. The commune's row (id,
    slug, name, committee, is_sample) as a dict, or None when there is no such commune
    (the scope is then left as it was)."""
    from app.core.extensions import db
    table = _commune_table()
    columns = [table.c[name] for name in ("id", "slug", "name", "committee", "is_sample")]
    stmt = select(*columns).where(table.c.slug == slug)
    # a plain connection: the commune table has no policy and the ORM hook has nothing to add
    conn = db.session.connection()
    told = conn.dialect.name == "postgresql"
    if told:
        stmt = stmt.add_columns(func.set_config(PG_SETTING, cast(table.c.id, String), True))
    row = conn.execute(stmt).first()
    if row is None:
        return None
    _set_request_scope(row.id)
    if told:
        conn.info[PG_SETTING] = _setting_value(row.id)
    return {column.name: value for column, value in zip(columns, row)}


def leave() -> None:
    session.pop(SESSION_KEY, None)
    _set_request_scope(NOBODY)
    _follow_in_database()


def _set_request_scope(scope) -> None:
    ctx = _cv_request.get(None)
    if ctx is not None:
        ctx.commune_scope = scope


# ---- wall 1: every ORM statement ----

# One option object for the life of the process: the commune is a bound parameter whose
# value each execution supplies, so the statement's cached SQL serves every commune and
# nothing is rebuilt per statement (a lambda closing over the scope cost ~150 Python calls
# a statement; this ~50 — the CPU budget, bench/cpu_budget.toml).
_PARAM = "tenancy_commune"
_OWN_COMMUNE = with_loader_criteria(
    Tenant, lambda cls: cls.commune_id == bindparam("tenancy_commune"), include_aliases=True,
    track_closure_variables=False)


_SCOPED = weakref.WeakKeyDictionary()


def _scoped(statement):
    """`statement` with the criteria, made once per statement object: a statement the app
    builds once per process keeps its scoped twin, and SQLAlchemy's cache key, memoized on
    that twin, is not computed again on every execution (~100 calls a statement)."""
    try:
        return _SCOPED[statement]
    except KeyError:
        scoped = _SCOPED[statement] = statement.options(_OWN_COMMUNE)
        return scoped
    except TypeError:  # a statement that cannot be weakly referenced
        return statement.options(_OWN_COMMUNE)


def _scope_statement(state):
    scope = _explicit()
    if scope is None:  # nothing chosen, nobody signed in: the deployment's only commune
        try:
            scope = _only_commune(refuse=not has_request_context())
        except NoCommuneChosen:
            scope = NOBODY  # several communes, none chosen: reads find nothing, writes refuse
        _tell_database(state.session, scope)
    if scope == PROVINCE:
        return
    params = state.parameters
    if params is None or isinstance(params, dict):
        # NOBODY matches no row ("commune_id = NULL" is never true)
        state.parameters = {**(params or {}), _PARAM: scope or None}
    if (state.is_orm_statement and (state.is_select or state.is_update or state.is_delete)
            and not (state.is_column_load or state.is_relationship_load)):
        # a column or relationship load carries its parent statement's criteria
        state.statement = _scoped(state.statement)


# ---- wall 2: PostgreSQL's policies read the transaction's setting ----

def _setting_value(scope) -> str:
    return str(scope) if scope is not None else NOBODY


def _follow_in_database() -> None:
    """Tell an open PostgreSQL transaction the scope changed (a transaction not begun yet
    is told when it begins)."""
    from app.core.extensions import db
    try:
        sess = db.session()
    except RuntimeError:  # no application context
        return
    if not sess.in_transaction():
        return
    conn = sess.connection()
    if conn.dialect.name == "postgresql":
        try:
            scope = current()
        except NoCommuneChosen:
            # leaving using() outside a request, several communes, none chosen: the rest of
            # the transaction sees no commune's rows (as _scope_statement's reads find none)
            scope = NOBODY
        _set_in(conn, scope)


def _tell_database(sess, scope) -> None:
    conn = sess.connection()
    if conn.dialect.name == "postgresql" and conn.info.get(PG_SETTING) != _setting_value(scope):
        _set_in(conn, scope)


def _fallback_in_database(_session, _transaction, connection) -> None:
    """A session's transaction begun with no commune chosen and nobody signed in (the CLI,
    a test's setup): PostgreSQL is told the deployment's only commune before the first
    statement — a flush's INSERT included, which no ORM hook sees."""
    if connection.dialect.name != "postgresql" or _explicit() is not None:
        return
    try:
        scope = _only_commune(refuse=not has_request_context(), conn=connection)
    except NoCommuneChosen:
        return  # several communes: the transaction sees none, and says so when it writes
    if connection.info.get(PG_SETTING) != _setting_value(scope):
        _set_in(connection, scope)


def _set_in(conn, scope) -> None:
    value = _setting_value(scope)
    conn.exec_driver_sql("SELECT set_config(%(name)s, %(value)s, true)",
                         {"name": PG_SETTING, "value": value})
    conn.info[PG_SETTING] = value


def install(app) -> None:
    from app.core.extensions import db

    # on the Session class, so once per process: each app made (every test makes one) must
    # not add the hook again, or each statement would be scoped once per app
    if not event.contains(Session, "do_orm_execute", _scope_statement):
        event.listen(Session, "do_orm_execute", _scope_statement)
        event.listen(Session, "after_begin", _fallback_in_database)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return

    # The setting travels with BEGIN, in the same round trip: the scoping costs a page no
    # statement. psycopg then leaves transactions to us (as SQLite's BEGIN IMMEDIATE does,
    # app/core/database.py); its commit and rollback still end the one begun here.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.autocommit = True

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        value = _setting_value(_begin_scope())
        if value not in (PROVINCE, NOBODY) and not value.isdigit():
            raise ValueError(f"not a scope: {value!r}")  # written into the statement below
        conn.exec_driver_sql(f"BEGIN; SELECT set_config('{PG_SETTING}', '{value}', true)")
        conn.info[PG_SETTING] = value


def _begin_scope():
    """A request's or a chosen scope; otherwise nobody until the first ORM statement finds
    the deployment's only commune (a migration runs before there is any)."""
    scope = _explicit()
    return NOBODY if scope is None else scope


__all__ = ["Tenant", "TenantOrProvince", "link_commune_column", "PROVINCE", "NOBODY", "using", "across_communes", "enter", "view", "leave",
           "current", "install", "tenant_tables", "NoCommuneChosen"]
