"""Password rules (docs/design.md §6, issue 9): at least 10 characters, not a common password."""
from pathlib import Path

from flask_babel import gettext as _

from app.audit.service import record
from app.auth import sessions
from app.core.errors import Refused

MIN_LENGTH = 10
_COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"
_common: set[str] | None = None


def _common_passwords() -> set[str]:
    global _common
    if _common is None:
        _common = {line.strip().lower() for line in
                   _COMMON_FILE.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")}
    return _common


def password_problem(password: str) -> str | None:
    """A Vietnamese sentence saying what is wrong with the password, or None."""
    if len(password) < MIN_LENGTH:
        return _("Mật khẩu phải có ít nhất %(n)d ký tự.", n=MIN_LENGTH)
    if password.lower() in _common_passwords():
        return _("Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác.")
    return None


def check_change(user, current: str, new: str) -> None:
    """A person changing their own password: the current one must be theirs, the new one
    good and different. Refused (400) with the field the problem is on."""
    problem = password_problem(new)
    if not user.check_password(current):
        raise Refused(status=400, fields={"current": _("Mật khẩu hiện tại không đúng.")})
    if problem:
        raise Refused(status=400, fields={"new": problem})
    if new == current:
        raise Refused(status=400, fields={"new": _("Mật khẩu mới phải khác mật khẩu hiện tại.")})


def change(user, new: str) -> None:
    """Set the new password; every other browser signed in as this person is signed out."""
    user.set_password(new)
    user.must_change_password = False
    sessions.revoke_all(user.id, keep=user.session_id)
    record("user.password", "user", user.id, unit_id=user.unit_id)
