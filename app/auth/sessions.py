"""Server-side sessions: the cookie holds a random id, the user_session row decides.

Logout, deactivation and a password change revoke rows, so a cookie captured earlier is
refused by every worker at once. Idle and absolute timeouts are checked on every load.
"""
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import OperationalError

from app.auth.models import User, UserSession
from app.core import tenancy
from app.core.database import SAFE_METHODS
from app.core.extensions import db, login_manager
from app.core.columns import utcnow

TOUCH_EVERY = timedelta(minutes=5)


@cache  # asked on every request: built once per process (SQLAlchemy then reuses its cache key)
def _session_and_user():
    return (select(UserSession, User).join(User, User.id == UserSession.user_id)
            .where(UserSession.id == bindparam("session_id")))


def start_session(user: User) -> UserSession:
    # A fresh cookie on every sign-in: whatever id a visitor held before is dropped.
    session.clear()
    tenancy.enter(user.commune_id)
    row = UserSession(id=secrets.token_urlsafe(32), user_id=user.id, commune_id=user.commune_id,
                      user_agent=(request.user_agent.string or "")[:200])
    db.session.add(row)
    user.session_id = row.id
    login_user(user)
    session.permanent = True
    # the form secret is set once, in the sign-in answer: the pages a phone then loads at
    # once (its offline warm-up) all carry tokens of this one secret, instead of each page
    # making its own and the last cookie written orphaning the others' forms. (The sign-in
    # form made a token of the old secret earlier in this request: forget it first.)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()
    return row


def end_session(session_id) -> None:
    if session_id:
        db.session.execute(update(UserSession).where(UserSession.id == session_id,
                                                     UserSession.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))
    logout_user()
    session.clear()


def revoke_all(user_id: int, keep: str | None = None) -> None:
    stmt = update(UserSession).where(UserSession.user_id == user_id,
                                     UserSession.revoked_at.is_(None))
    if keep:
        stmt = stmt.where(UserSession.id != keep)
    db.session.execute(stmt.values(revoked_at=utcnow()))


@login_manager.user_loader
def load_user(session_id):
    row = db.session.execute(_session_and_user(), {"session_id": str(session_id)}).first()
    if row is None:
        return None
    sess, user = row
    if tenancy.scope_of(user.commune_id) != tenancy.current():
        return None  # the cookie's commune and the account's must agree
    now = utcnow()
    cfg = current_app.config
    if (sess.revoked_at is not None or not user.active
            or now - sess.last_seen_at > cfg["SESSION_IDLE_TIMEOUT"]
            or now - sess.created_at > cfg["SESSION_ABSOLUTE_TIMEOUT"]):
        return None
    if now - sess.last_seen_at > TOUCH_EVERY:
        _touch(sess.id, now)
    user.session_id = sess.id
    return user


def _touch(session_id, now):
    stmt = update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
    if request.method not in SAFE_METHODS:
        # A request that writes began with SQLite's write lock (BEGIN IMMEDIATE): a second
        # connection would wait for this very request. Its own commit carries the touch (a
        # refused form rolls it back; the next request tries again).
        db.session.execute(stmt)
        return
    # A read: its own short transaction, best effort — a busy database must not fail a page.
    try:
        with db.engine.begin() as conn:
            conn.execute(stmt)
    except OperationalError:
        current_app.logger.warning("could not record session activity")
