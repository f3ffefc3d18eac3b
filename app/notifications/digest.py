"""The daily digest: one e-mail a day to each person who chose it, with the notifications
still unread that came since their last digest (those sent at once are left out). The
message's dedupe key (digest:<user>:<date>) makes a second run on the same day add none."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.core.extensions import db
from app.notifications import outbox
from app.notifications.models import URGENT, Notification, NotificationSetting
from app.core.vietnamese import VN_TZ
from app.core.vietnamese import today as vn_today


def queue_digests(today: Optional[date] = None) -> int:
    if not outbox.mail_on():
        return 0
    today = today or vn_today()
    # the day before, in Vietnam: from its midnight to today's
    end = datetime.combine(today, time(), VN_TZ)
    start = end - timedelta(days=1)
    people = db.session.execute(
        select(User, NotificationSetting).join(NotificationSetting,
                                               NotificationSetting.user_id == User.id)
        .where(NotificationSetting.email_mode == "daily", NotificationSetting.email != "",
               User.active.is_(True))).all()
    queued = 0
    for user, s in people:
        notes = list(db.session.scalars(select(Notification).where(
            Notification.recipient_id == user.id, Notification.read_at.is_(None),
            Notification.created_at >= start, Notification.created_at < end,
            Notification.kind.not_in(tuple(URGENT))).order_by(Notification.id)))
        if not notes:
            continue
        try:
            with db.session.begin_nested():
                outbox.enqueue_email(user, s.email, notes,
                                     dedupe_key=f"digest:{user.id}:{today.isoformat()}")
                db.session.flush()
            queued += 1
        except IntegrityError:
            pass  # today's digest is already in the outbox
    db.session.commit()
    return queued
