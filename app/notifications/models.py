"""What reaches people (issue 19): notifications kept in the database, each person's
e-mail choice, the outbox a worker sends from, and the reminders already sent."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.extensions import db
from app.core.tenancy import Tenant
from app.core.i18n import N_
from app.core.columns import UTCDateTime, utcnow

# what happened, shown in the reader's language (the rest of a row is data)
KINDS = {
    "report_returned": N_("Báo cáo bị trả lại"),
    "report_accepted": N_("Báo cáo đã được duyệt"),
    "comment": N_("Ý kiến mới về đơn vị"),
    "answer": N_("Có trả lời ý kiến của bạn"),
    "deadline_soon": N_("Sắp đến hạn nộp báo cáo"),
    "deadline_today": N_("Hôm nay là hạn nộp báo cáo"),
    "deadline_passed": N_("Đã quá hạn nộp báo cáo"),
    "proposal_decided": N_("Đề nghị khen thưởng đã có kết quả"),
    "account_changed": N_("Tài khoản của bạn được thay đổi"),
    "delivery_failed": N_("Thư báo không gửi được"),
}
# these go at once, whatever the person chose, unless they chose no e-mail at all
URGENT = frozenset({"report_returned"})

EMAIL_MODES = {
    "now": N_("Gửi ngay khi có việc"),
    "daily": N_("Gửi một thư tổng hợp mỗi ngày"),
    "none": N_("Không gửi thư"),
}


class Notification(Tenant, db.Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_recipient_read", "recipient_id", "read_at"),
                      UniqueConstraint("recipient_id", "comment_id", name="one_per_comment"))

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(30))
    where_text: Mapped[str] = mapped_column(String(300), default="")  # the report, unit …
    who_text: Mapped[str] = mapped_column(String(120), default="")    # who did it
    detail: Mapped[str] = mapped_column(Text, default="")             # a reason, a comment
    link: Mapped[str] = mapped_column(String(300), default="")        # path inside the app
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # the comment it tells of: comments are fanned out by the worker (app/notifications/
    # fanout.py), and this makes a second fan-out of the same comment fail on insert
    comment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("comment.id"), index=True)

    @property
    def what(self) -> str:
        return KINDS.get(self.kind, self.kind)


class NotificationSetting(Tenant, db.Model):
    """A person's e-mail address and how they want it used; no row: no address, digest."""

    __tablename__ = "notification_setting"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    email_mode: Mapped[str] = mapped_column(String(10), default="daily")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class OutboxMessage(Tenant, db.Model):
    """A message to send (e-mail or webhook), written in the transaction of its event and
    sent later by `flask outbox send`: a worker claims a row before sending it, a failure
    waits longer each time, so a server that is down loses nothing."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # email, webhook
    # a message that must exist once only (a day's digest): a second insert fails on it
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(120), unique=True)
    recipient_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    to_address: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str] = mapped_column(Text, default="")  # the webhook's JSON
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[Optional[str]] = mapped_column(String(40))
    claimed_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    failed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)  # gave up
    last_error: Mapped[str] = mapped_column(Text, default="")


class Reminder(Tenant, db.Model):
    """A reminder sent to a unit for a period: the unique key makes a second sending of
    the same reminder (the command run twice at once, two servers) fail on insert."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("period_id", "unit_id", "key", name="one_reminder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    key: Mapped[str] = mapped_column(String(40))  # before-3, due, overdue-1, manual-2026-12-02
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
