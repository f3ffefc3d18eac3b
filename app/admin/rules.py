"""What an administrator may do to accounts and units (issue 9), as plain functions.

"No account can give rights it does not hold itself": only a person who holds the right to
manage accounts gives or takes away roles, and the 'admin' role (which carries that right)
only by someone who holds 'admin'. Nobody locks themselves out: an administrator cannot
deactivate their own account or drop their own 'admin' role, so at least one administrator
always remains.
"""
import re
import secrets
from typing import Optional

from app.auth.passwords import password_problem
from app.auth.models import ROLES, username_key
from app.core.policy import PROVINCE_ROLES, can
from app.core.vietnamese import _l

COMMUNE_ROLES = tuple(r for r in ROLES if r not in PROVINCE_ROLES)
USERNAME = re.compile(r"^[\w.\-]+$")  # letters (accented too), digits, dot, dash, underscore
USERNAME_MIN, USERNAME_MAX = 3, 60


def grantable_roles(actor) -> frozenset:
    """The roles `actor` may give to, or take from, an account: a commune's roles only —
    the province's accounts are made on the command line (flask create-admin --province),
    never by a commune's administrator (issue 31)."""
    if not can(actor, "admin.accounts"):
        return frozenset()
    return frozenset(r for r in COMMUNE_ROLES if r != "admin" or actor.has_role("admin"))


def account_problems(actor, target, roles, active: bool, unit_id: Optional[int]) -> list[str]:
    """Why `actor` may not give `target` (None: a new account) these roles, this active
    flag and this unit; empty when the change is allowed. Messages are Vietnamese."""
    problems = []
    roles = set(roles)
    old = set(target.roles) if target is not None else set()
    allowed = grantable_roles(actor)
    for role in sorted((roles ^ old) - allowed):
        verb = _l("cấp") if role in roles else _l("thu hồi")
        problems.append(str(_l("Bạn không thể %(verb)s vai trò “%(role)s”: bạn không giữ quyền đó.",
                               verb=verb, role=ROLES.get(role, role))))
    if not roles:
        problems.append(str(_l("Hãy chọn ít nhất một vai trò.")))
    if "editor" in roles and unit_id is None:
        problems.append(str(_l("Cán bộ đơn vị phải thuộc một đơn vị: hãy chọn đơn vị.")))
    if target is not None and target.id == actor.id:
        if "admin" in old and "admin" not in roles:
            problems.append(str(_l("Bạn không thể tự bỏ vai trò quản trị của chính mình.")))
        if not active:
            problems.append(str(_l("Bạn không thể tự khóa tài khoản của chính mình.")))
    return problems


def username_problem(username: str) -> Optional[str]:
    if not USERNAME_MIN <= len(username) <= USERNAME_MAX:
        return str(_l("Tên đăng nhập dài từ %(lo)d đến %(hi)d ký tự.",
                      lo=USERNAME_MIN, hi=USERNAME_MAX))
    if not USERNAME.match(username) or not username_key(username):
        return str(_l("Tên đăng nhập chỉ gồm chữ, số và các dấu . - _ (không có dấu cách)."))
    return None


# No 0/o, 1/l/i: the password is read aloud or copied by hand to a village head.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """A random one-time password like "k7pa-3mzq-w9xe" (about 74 bits)."""
    while True:
        groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3)]
        password = "-".join(groups)
        if password_problem(password) is None:
            return password


def parent_problem(unit_id: Optional[int], parent_id: Optional[int],
                   parent_of: dict) -> Optional[str]:
    """A unit cannot sit under itself or under one of its own sub-units.
    parent_of maps every unit id to its parent id."""
    seen = set()
    current = parent_id
    while current is not None and current not in seen:
        if current == unit_id:
            return str(_l("Đơn vị cấp trên không thể là chính đơn vị này hay một đơn vị "
                          "trực thuộc nó."))
        seen.add(current)
        current = parent_of.get(current)
    return None


def archive_problem(unit, active_children: int, is_commune_root: bool) -> Optional[str]:
    if unit.archived_at is not None:
        return str(_l("Đơn vị này đã được lưu trữ."))
    if is_commune_root:
        return str(_l("Không thể lưu trữ đơn vị chủ trì kế hoạch của xã."))
    if active_children:
        return str(_l("Đơn vị còn %(n)d đơn vị trực thuộc đang hoạt động: hãy chuyển hoặc lưu "
                      "trữ các đơn vị đó trước.", n=active_children))
    return None
