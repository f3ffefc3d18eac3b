"""Saving one row the way every emulation form does: the version it was read at checked,
a save sent twice taken as one, its audit event written with the before and after."""
from __future__ import annotations

from typing import Mapping

from app.audit.service import record, snapshot
from app.core.extensions import db
from app.core.locking import StaleEdit
from app.core.vietnamese import _l


def check_version(obj, version, what) -> None:
    """`what` names the record in the message ("Tiêu chí", "Đề nghị"…)."""
    if version is None or version != obj.version:
        raise StaleEdit(_l("%(what)s vừa được người khác thay đổi. Nội dung bạn nhập vẫn còn "
                           "dưới đây; hãy xem bản đang lưu rồi lưu lại.", what=what))


def holds(obj, fields, values: Mapping) -> bool:
    """The row already holds what the form sent: most often the person's own save sent
    again after its answer was lost on a weak link (or someone else's same change) —
    answered as saved whatever the version, nothing written."""
    return all(getattr(obj, key) == values[key] for key in fields if key in values)


def user_id(user):
    return getattr(user, "id", None)


def save_row(obj, new_row, fields, values, version, what, entity, user=None, unit_of=None):
    """Create (obj None: `new_row()`) or update a row from `values`, the version checked,
    with its audit event: entity.create / entity.update, before and after."""
    new = obj is None
    if new:
        obj = new_row()
        db.session.add(obj)
        before = None
    else:
        if holds(obj, fields, values):
            return obj  # nothing changed, nothing to record (and no conflict to settle)
        check_version(obj, version, what)
        before = snapshot(obj, fields)
    for key in fields:
        if key in values:
            setattr(obj, key, values[key])
    after = snapshot(obj, fields)
    db.session.flush()
    record(f"{entity}.create" if new else f"{entity}.update", entity, obj.id, user=user,
           unit_id=unit_of(obj) if unit_of else None, before=before, after=after)
    return obj
