"""Comments become notifications here, in the worker, not in the request that posts them.

Posting a comment in place must stay within an htmx update's 5 SQL statements (docs/
design.md §5), and it already takes 5; the comment row itself is the event, saved in its
own transaction, so nothing is lost by telling people a minute later. `flask outbox send`
runs this first. A comment fanned out twice (two workers) fails on the unique
(recipient, comment) of the second insert, inside a savepoint.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from app.comments.models import Comment
from app.core.extensions import db
from app.core.columns import utcnow
from app.notifications import service
from app.notifications.models import Notification

LOOK_BACK = timedelta(days=7)  # a comment older than this when first seen is not news
# comments committed out of id order (PostgreSQL, two requests at once) are looked at again
SLACK = 200


def pending_comments(limit: int = 500) -> list[Comment]:
    last = db.session.scalar(select(func.max(Notification.comment_id))) or 0
    return list(db.session.scalars(
        select(Comment).where(Comment.id > last - SLACK, Comment.kind.in_(("comment", "reply")),
                              Comment.created_at >= utcnow() - LOOK_BACK,
                              ~exists().where(Notification.comment_id == Comment.id))
        .order_by(Comment.id).limit(limit)))


def fan_out_comments() -> int:
    """Notify about every comment posted since the last pass; returns how many were told."""
    told = 0
    for c in pending_comments():
        try:
            with db.session.begin_nested():
                told += len(service.comment_posted(c, c.author) or [])
        except IntegrityError:
            pass  # another worker told them already
        db.session.commit()
    return told
