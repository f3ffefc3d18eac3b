"""Changing accounts and units (issue 9). Each function checks the rules, makes the change
and writes its audit event in the caller's transaction; the route commits."""
from typing import Optional

from sqlalchemy import func, select, update

from app.core.errors import Refused
from app.admin.rules import (account_problems, archive_problem, parent_problem,
                             temporary_password, username_problem)
from app.audit.service import record, snapshot
from app.auth import sessions
from app.auth.models import User, username_key
from app.core.extensions import db
from app.core.columns import utcnow
from app.notifications import service as notices
from app.plans.models import Plan
from app.units.models import Unit, own_short_name
from app.core.vietnamese import _l

ACCOUNT_FIELDS = ("username", "full_name", "position", "unit_id", "roles_text", "active",
                  "must_change_password")
UNIT_FIELDS = ("slug", "name", "short_name", "kind", "parent_id", "archived_at")


def _refused(problems, field=None) -> Refused:
    """The change breaks a rule: its messages, on the form field they belong to."""
    problems = [problems] if isinstance(problems, str) else [str(p) for p in problems]
    return Refused(" ".join(problems), 422, fields={field: problems} if field else None)


def _username_taken(username: str, own_id=None) -> bool:
    stmt = select(func.count(User.id)).where(User.username_key == username_key(username))
    if own_id is not None:
        stmt = stmt.where(User.id != own_id)
    return bool(db.session.scalar(stmt))


def create_account(actor, username, full_name, position, unit_id, roles):
    """A new account with a temporary password it must change at its first sign-in.
    Returns (user, the temporary password to hand over)."""
    problem = username_problem(username)
    if problem:
        raise _refused(problem, "username")
    if _username_taken(username):
        raise _refused(str(_l("Tên đăng nhập “%(name)s” đã có (không phân biệt chữ hoa, chữ "
                             "thường và dấu).", name=username)), "username")
    problems = account_problems(actor, None, roles, True, unit_id)
    if problems:
        raise _refused(problems, "roles")
    password = temporary_password()
    user = User(username=username, username_key=username_key(username), full_name=full_name,
                position=position, unit_id=unit_id, must_change_password=True, active=True)
    user.roles = roles
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.create", "user", user.id, unit_id=unit_id, user=actor,
           after=snapshot(user, ACCOUNT_FIELDS))
    return user, password


def update_account(actor, user: User, full_name, position, unit_id, roles) -> bool:
    problems = account_problems(actor, user, roles, user.active, unit_id)
    if problems:
        raise _refused(problems, "roles")
    before = snapshot(user, ACCOUNT_FIELDS)
    user.full_name, user.position, user.unit_id = full_name, position, unit_id
    user.roles = roles
    after = snapshot(user, ACCOUNT_FIELDS)
    if after == before:
        return False
    record("user.edit", "user", user.id, unit_id=unit_id, user=actor,
           before={k: v for k, v in before.items() if after[k] != v},
           after={k: v for k, v in after.items() if before[k] != v})
    notices.account_changed(user, actor, "edit")
    return True


def set_active(actor, user: User, active: bool) -> bool:
    """Deactivating ends every session of the account at once."""
    problems = account_problems(actor, user, user.roles, active, user.unit_id)
    if problems:
        raise _refused(problems)
    if user.active == active:
        return False
    user.active = active
    if not active:
        sessions.revoke_all(user.id)
    record("user.activate" if active else "user.deactivate", "user", user.id,
           unit_id=user.unit_id, user=actor, before={"active": not active},
           after={"active": active})
    notices.account_changed(user, actor, "activate" if active else "deactivate")
    return True


def reset_password(actor, user: User) -> str:
    """A new temporary password; the account's sessions end and it must change the
    password at its next sign-in. Returns the password to hand over."""
    if user.id == actor.id:
        raise _refused(str(_l("Hãy đổi mật khẩu của chính bạn ở trang Đổi mật khẩu.")))
    problems = account_problems(actor, user, user.roles, user.active, user.unit_id)
    if problems:
        raise _refused(problems)
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    sessions.revoke_all(user.id)
    record("user.reset_password", "user", user.id, unit_id=user.unit_id, user=actor,
           after={"must_change_password": True})  # never the password itself
    notices.account_changed(user, actor, "password")
    return password


# ---- units ----

def _parents() -> dict:
    return dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())


def open_commune_plan() -> Optional[Plan]:
    """The newest commune plan whose year is not closed."""
    return db.session.scalar(select(Plan).where(Plan.parent_id.is_(None),
                                                Plan.locked.is_(False))
                             .order_by(Plan.year.desc()).limit(1))


def create_unit(actor, slug, name, short_name, kind, parent_id) -> Unit:
    if db.session.scalar(select(func.count(Unit.id)).where(Unit.slug == slug)):
        raise _refused(str(_l("Mã “%(slug)s” đã có; hãy chọn mã khác.", slug=slug)), "slug")
    order = db.session.scalar(select(func.coalesce(func.max(Unit.sort_order), 0))) + 1
    short_name = own_short_name(name, short_name)
    unit = Unit(slug=slug, name=name, short_name=short_name, kind=kind, parent_id=parent_id,
                sort_order=order)
    db.session.add(unit)
    db.session.flush()
    plan = open_commune_plan()
    if plan is not None:
        # its section of the open year exists at once, so its editors can start
        from app.plans.loader import ensure_unit_plan
        ensure_unit_plan(plan, unit)
    record("unit.create", "unit", unit.id, unit_id=unit.id, user=actor,
           after=snapshot(unit, UNIT_FIELDS))
    return unit


def following_short_name(unit: Unit, name: str, short_name: str) -> str:
    """A short name left as it was follows a rename when it only repeated the old name."""
    copy = short_name == unit.short_name and unit.short_name in ("", unit.name)
    return "" if copy and name != unit.name else own_short_name(name, short_name)


def update_unit(actor, unit: Unit, name, short_name, kind, parent_id) -> bool:
    """Rename, re-kind or move a unit; its accounts and records follow (they name it by id)."""
    problem = parent_problem(unit.id, parent_id, _parents())
    if problem:
        raise _refused(problem, "parent_id")
    before = snapshot(unit, UNIT_FIELDS)
    short_name = following_short_name(unit, name, short_name)
    unit.name, unit.short_name, unit.kind, unit.parent_id = name, short_name, kind, parent_id
    after = snapshot(unit, UNIT_FIELDS)
    if after == before:
        return False
    record("unit.edit", "unit", unit.id, unit_id=unit.id, user=actor,
           before={k: v for k, v in before.items() if after[k] != v},
           after={k: v for k, v in after.items() if before[k] != v})
    return True


def archive_unit(actor, unit: Unit, move_accounts_to: Optional[int] = None) -> int:
    """Archive (never delete: a unit has history). Its accounts may move to another unit;
    returns how many moved."""
    children = db.session.scalar(select(func.count(Unit.id)).where(
        Unit.parent_id == unit.id, Unit.archived_at.is_(None)))
    is_root = bool(db.session.scalar(select(func.count(Plan.id)).where(
        Plan.parent_id.is_(None), Plan.unit_id == unit.id)))
    problem = archive_problem(unit, children, is_root)
    if problem:
        raise _refused(problem)
    if move_accounts_to == unit.id:
        raise _refused(str(_l("Hãy chọn một đơn vị khác để chuyển tài khoản sang.")),
                      "move_accounts_to")
    unit.archived_at = utcnow()
    moved = 0
    if move_accounts_to is not None:
        moved = db.session.execute(update(User).where(User.unit_id == unit.id)
                                   .values(unit_id=move_accounts_to,
                                           version=User.version + 1)).rowcount
    record("unit.archive", "unit", unit.id, unit_id=unit.id, user=actor,
           before={"archived_at": None},
           after={"archived_at": unit.archived_at.isoformat(), "accounts_moved_to":
                  move_accounts_to, "accounts_moved": moved})
    return moved


def restore_unit(actor, unit: Unit) -> None:
    if unit.archived_at is None:
        return
    if unit.parent is not None and unit.parent.archived_at is not None:
        raise _refused(str(_l("Đơn vị cấp trên đang được lưu trữ: hãy khôi phục đơn vị đó trước.")))
    before = unit.archived_at.isoformat()
    unit.archived_at = None
    plan = open_commune_plan()
    if plan is not None:
        from app.plans.loader import ensure_unit_plan
        ensure_unit_plan(plan, unit)
    record("unit.restore", "unit", unit.id, unit_id=unit.id, user=actor,
           before={"archived_at": before}, after={"archived_at": None})
