"""Administrators made from the command line (flask create-admin, flask commune add)."""
import getpass
import sys

from sqlalchemy import select

from app.audit.service import record
from app.auth.models import User, username_key
from app.auth.passwords import password_problem
from app.core import tenancy
from app.core.extensions import db


def read_password() -> str:
    """From the terminal when there is one, else the first line of standard input."""
    if sys.stdin.isatty():
        return getpass.getpass("Mật khẩu: ")
    return sys.stdin.readline().rstrip("\n")


def make_admin(username: str, full_name: str, password: str, roles=("admin",),
               actor=None) -> str | None:
    """An administrator of the scope's commune (in the province's scope: a province account
    of `roles`), made by `actor` (None: the command line); what is wrong, if anything.
    Usernames are unique in the whole deployment, so the name is looked up across communes."""
    key = username_key(username)
    with tenancy.across_communes():
        taken = db.session.scalar(select(User.id).where(User.username_key == key))
    if taken:
        return f"Tài khoản {username!r} đã có."
    problem = password_problem(password)
    if problem:
        return problem
    user = User(username=username, username_key=key, full_name=full_name,
                position="Quản trị viên")
    user.roles = roles
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.create", "user", user.id, user=actor,
           after={"username": username, "roles": sorted(roles)})
    return None
