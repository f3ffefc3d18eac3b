"""Posting a comment, or an answer to one: the one way, whatever it is about (a unit, a
milestone, a report, a proposal). Each domain checks who may say what where; this checks the
text, writes the audit record in the caller's transaction and makes a form sent twice one
comment. The caller commits."""
from typing import Optional

from app.core import idempotency
from app.audit.service import record, snapshot
from app.comments.models import Comment
from app.core.errors import Refused
from app.core.extensions import db
from app.core.vietnamese import _l

# what the audit record keeps of a comment (the unit's history shows it)
FIELDS = ("subject_type", "subject_id", "kind", "reply_to_id", "body")
EMPTY = _l("Vui lòng nhập ý kiến.")


def post(subject_type: str, subject_id: int, *, unit_id: int, body: str, user,
         token: Optional[str] = None, field: str = "body") -> tuple[Comment, bool]:
    """A new comment on the subject. Returns (comment, False), or (the comment that token
    already made, True) when the same form comes again. Refused (422, {field: …}) when the
    text is empty; `field` names the form's text box."""
    return _post(Comment(subject_type=subject_type, subject_id=subject_id, unit_id=unit_id,
                         kind="comment"), body, user, token, field)


def answer(parent: Comment, *, body: str, user, token: Optional[str] = None,
           field: str = "body") -> tuple[Comment, bool]:
    """An answer to `parent`, on the same subject and unit. One level: an answer to an answer
    joins the thread of the comment that opened it."""
    return _post(Comment(subject_type=parent.subject_type, subject_id=parent.subject_id,
                         unit_id=parent.unit_id, kind="reply",
                         reply_to_id=parent.reply_to_id or parent.id),
                 body, user, token, field)


def _post(c: Comment, body: str, user, token, field) -> tuple[Comment, bool]:
    text = (body or "").strip()
    if not text:
        raise Refused(EMPTY, 422, {field: EMPTY})
    token = idempotency.clean(token)

    def add():
        c.body, c.author_id, c.author = text, user.id, user
        c.submission_token = token  # a replay of the same form fails on insert
        db.session.add(c)
        db.session.flush()
        record("comment.add", "comment", c.id, unit_id=c.unit_id, user=user,
               after=snapshot(c, FIELDS))
        return c

    return idempotency.first_send(Comment, token, add)
