"""A person's e-mail address and how they want it used (the person's own page, or the
administrator's account form). No row means no address and the daily digest."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from app.audit.service import record
from app.core.extensions import db
from app.core.locking import StaleEdit
from app.notifications.models import EMAIL_MODES, NotificationSetting
from app.core.vietnamese import _l

DEFAULT_MODE = "daily"


def setting_of(user_id: int) -> Optional[NotificationSetting]:
    return db.session.get(NotificationSetting, user_id)


def addresses(user_ids) -> dict[int, NotificationSetting]:
    return {s.user_id: s for s in db.session.scalars(
        select(NotificationSetting).where(NotificationSetting.user_id.in_(list(user_ids))))}


def save(user, email: str, mode: str, version: Optional[int] = None, actor=None) -> bool:
    """Store the choice; False when nothing changed. The version read is checked when the
    row exists (a choice made meanwhile elsewhere is not overwritten unseen)."""
    email = (email or "").strip()
    if mode not in EMAIL_MODES:
        mode = DEFAULT_MODE
    s = setting_of(user.id)
    if s is not None and (s.email, s.email_mode) == (email, mode):
        return False  # the same form sent again
    if s is not None and version is not None and version != s.version:
        raise StaleEdit(_l("Cách nhận thông báo vừa được thay đổi ở nơi khác. Vui lòng tải "
                           "lại trang."))
    before = {"email": s.email, "email_mode": s.email_mode} if s else None
    if s is None:
        s = NotificationSetting(user_id=user.id, email=email, email_mode=mode)
        db.session.add(s)
    else:
        s.email, s.email_mode = email, mode
    db.session.flush()
    record("user.notifications", "user", user.id, unit_id=user.unit_id, user=actor or user,
           before=before, after={"email": email, "email_mode": mode})
    return True
