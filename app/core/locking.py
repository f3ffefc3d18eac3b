"""Optimistic locking: a form carries the version of the record it was read at.

A save is refused with StaleEdit (a 409 Refused) when the row
has moved on since: either the loaded row already has another version, or another
transaction commits first and the ORM's versioned UPDATE matches no row (StaleDataError).
"""
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from app.core.errors import Refused
from app.core.extensions import db
from app.core.vietnamese import _l

# What a form without a readable version gets (a forged post, or a page from before this rule).
NO_VERSION = _l("Biểu mẫu thiếu thông tin phiên bản; vui lòng tải lại trang rồi nhập lại.")


STALE = _l("Dữ liệu vừa được người khác thay đổi. Nội dung bạn nhập vẫn còn dưới đây; hãy "
           "xem bản đang lưu rồi lưu lại.")


class StaleEdit(Refused):
    """Someone saved the record after this person read it: the 409 kind of Refused,
    `current` the record as they left it, `rows` (label, typed, stored) for each field that
    differs (templates/_conflict.html shows them)."""

    def __init__(self, message=None, current=None, rows=()):
        super().__init__(message or STALE, 409, current=current)
        self.rows = list(rows)


def read_version(text) -> int | None:
    """The version a form was read at; None when missing or not a positive integer."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    value = int(text)
    return value if value >= 1 else None


def ensure_current(obj, version: int) -> None:
    if obj.version != version:
        raise StaleEdit


@contextmanager
def stale_guard():
    """Turn a lost race at flush time into StaleEdit, with the session rolled back."""
    try:
        yield
    except StaleDataError as exc:
        db.session.rollback()
        raise StaleEdit from exc


def commit_keeping_loaded() -> None:
    """Commit without expiring loaded rows, so the response renders what was just saved
    with no SELECT to reload it (the session ends with the request anyway)."""
    session = db.session()
    session.expire_on_commit = False
    session.commit()
