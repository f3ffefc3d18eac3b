"""One record per form, however many times it is sent.

A phone on a flaky link may send the same POST several times (a double tap, a retry after
a timeout). Each rendered create-form carries a random submission token; the first request
to claim it does the work, in the same transaction as the claim, and any replay is told
"already done" instead of making a second record.
"""
import re
import secrets
from datetime import datetime

from flask import g, has_request_context
from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from app.core.extensions import db
from app.core.columns import UTCDateTime, utcnow


TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class Submission(db.Model):
    __tablename__ = "submission"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def new_token() -> str:
    """A fresh token, noted for the request so the page's ETag can leave it out (a page
    that differs only by its unused tokens is the same page)."""
    token = secrets.token_urlsafe(24)
    if has_request_context():
        g.setdefault("submission_tokens", []).append(token)
    return token


class SubmissionField(HiddenField):
    """A hidden field holding a fresh token each time the form is rendered empty."""

    def process(self, formdata, data=None, **kwargs):
        super().process(formdata, data, **kwargs)
        if not self.data:
            self.data = new_token()


def claim(token: str | None) -> bool:
    """Claim the token inside the caller's transaction; False if it was already used.

    A form without a token (an old page, a script) is not deduplicated but still works.
    """
    token = clean(token)
    if not token:
        return True
    if db.session.scalar(select(Submission.token).where(Submission.token == token)):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Submission(token=token))
    except IntegrityError:
        # another request claimed it between our check and our insert
        return False
    return True


def clean(token) -> str | None:
    """A token as this app makes them (URL-safe base64, at most 64 characters), else None:
    a garbled or forged one is treated as absent — the form works, undeduplicated — and
    never reaches the database (PostgreSQL refuses a NUL byte in text, for one)."""
    token = str(token) if token else ""
    return token if TOKEN_RE.fullmatch(token) else None


def token_of(form) -> str | None:
    """The form's submission token as stored on a created row (None when absent)."""
    return clean(form.token.data) if "token" in form else None


def first_send(model, token: str | None, create):
    """Run `create()` (which flushes a new `model` row carrying `token` in its unique
    `submission_token` column) and return (row, False); when that token is already on a
    row — the same form sent again — roll back and return (that row, True).

    No extra statement on a first send: the replay is caught by the unique column itself.
    """
    try:
        return create(), False
    except IntegrityError:
        db.session.rollback()
        earlier = db.session.scalar(select(model).where(model.submission_token == token)) \
            if token else None
        if earlier is None:
            raise
        return earlier, True
