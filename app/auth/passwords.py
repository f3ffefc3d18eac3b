"""Password rules (docs/design.md §6, issue 9): at least 10 characters, not a common password."""
from pathlib import Path

from flask_babel import gettext as _

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
