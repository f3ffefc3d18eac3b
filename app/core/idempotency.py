"""One record per form, however many times it is sent.

A phone on a flaky link may send the same POST several times (a double tap, a retry after
a timeout). Each rendered create-form carries a random submission token; the first request
to claim it does the work, in the same transaction as the claim, and any replay is told
"already done" instead of making a second record.
"""
import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField
from wtforms.validators import StopValidation

from app.core.columns import UTCDateTime, utcnow
from app.core.extensions import db
from app.core.tenancy import Tenant
from app.core.vietnamese import _l

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class Submission(Tenant, db.Model):
    __tablename__ = "submission"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# A token is bound to the person and the form it was given for: 24 random characters and
# a 22-character MAC of (person, form, random) under the app's secret. Another person's
# token, or one made for another form, is refused in words (and the form comes back with a
# fresh one and what was typed); it can never name another's record as "already done".
RANDOM_CHARS, MAC_CHARS = 24, 22
NOT_YOURS = _l("Biểu mẫu này được mở cho người khác hoặc cho việc khác, nên chưa được lưu. "
               "Nội dung bạn nhập vẫn còn dưới đây; hãy bấm gửi lại.")


def _mac(purpose: str, random_part: str) -> str:
    from flask_login import current_user
    who = getattr(current_user, "id", "") if has_request_context() else ""
    key = (current_app.secret_key or "") if has_app_context() else ""  # a script's token
    digest = hmac.new(str(key).encode(), f"{who}|{purpose}|{random_part}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def new_token(purpose: str = "") -> str:
    """A fresh token for the signed-in person and the form `purpose` names, noted for the
    request so the page's ETag can leave it out (a page that differs only by its unused
    tokens is the same page)."""
    random_part = secrets.token_urlsafe(18)
    token = random_part + _mac(purpose, random_part)
    if has_request_context():
        g.setdefault("submission_tokens", []).append(token)
    return token


def is_own(token: str | None, purpose: str) -> bool:
    """Whether a well-formed token was made for this person and this form (a token of
    another shape is no claim at all: the form then works undeduplicated)."""
    token = clean(token)
    if not token or len(token) != RANDOM_CHARS + MAC_CHARS:
        return True
    return hmac.compare_digest(token[RANDOM_CHARS:], _mac(purpose, token[:RANDOM_CHARS]))


class SubmissionField(HiddenField):
    """A hidden field holding a fresh token, bound to the person and its form, each time
    the form is rendered empty; a posted token of someone else's is a field error."""

    def __init__(self, *args, _form=None, **kwargs):
        super().__init__(*args, _form=_form, **kwargs)
        self.purpose = type(_form).__name__ if _form is not None else ""

    def process(self, formdata, data=None, **kwargs):
        super().process(formdata, data, **kwargs)
        if not self.data:
            self.data = new_token(self.purpose)

    def pre_validate(self, form):
        if not is_own(self.data, self.purpose):
            self.data = new_token(self.purpose)  # the form comes back ready to send again
            raise StopValidation(str(NOT_YOURS))


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
