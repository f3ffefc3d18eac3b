from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.core.tenancy import Tenant
from app.core.columns import UTCDateTime, utcnow

# What a comment can be about; unit_id is always set so scoping is one column.
COMMENT_SUBJECTS = ("unit", "milestone", "report", "indicator", "proposal")


class Comment(Tenant, db.Model):
    """A supervision or review comment: by the secretariat, the chair or the Front."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(index=True)
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(20), default="comment")  # comment, return, reply
    body: Mapped[str] = mapped_column(Text)
    reply_to_id: Mapped[Optional[int]] = mapped_column(ForeignKey("comment.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # the form's token: a replay of the same form fails on it instead of adding a twin
    submission_token: Mapped[Optional[str]] = mapped_column(String(64), unique=True)

    author: Mapped["User"] = relationship(lazy="joined")  # noqa: F821
