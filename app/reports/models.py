from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.core.tenancy import Tenant, link_commune_column
from app.core.i18n import N_, gettext as _
from app.core.columns import Amount, UTCDateTime, utcnow
from app.core.vietnamese import _l

PERIOD_KINDS = {
    "month": N_("Tháng"),
    "quarter": N_("Quý"),
    "half": N_("6 tháng"),
    "year": N_("Năm"),
    "adhoc": N_("Đột xuất"),
}

# The sections of a unit report, in the order the commune's reports are written.
REPORT_SECTIONS = (
    ("results", N_("Kết quả đạt được")),
    ("good_models", N_("Mô hình hay, cách làm hiệu quả")),
    ("difficulties", N_("Khó khăn, vướng mắc")),
    ("proposals", N_("Đề xuất, kiến nghị")),
    ("next_tasks", N_("Nhiệm vụ kỳ tới")),
)

REPORT_STATUSES = {
    "draft": N_("Đang soạn"),
    "submitted": N_("Đã gửi"),
    "returned": N_("Trả lại"),
    "accepted": N_("Đã duyệt"),
}


class ReportingPeriod(Tenant, db.Model):
    """A reporting period (Decree 09/2019, Art. 12) or an ad-hoc request."""

    __tablename__ = "reporting_period"
    __table_args__ = (UniqueConstraint("commune_id", "year", "kind", "number",
                                       name="one_period_per_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[int] = mapped_column(Integer)  # month 1–12, quarter 1–4, 1 for half/year
    subject: Mapped[str] = mapped_column(String(300), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"Tháng {self.number:02d}/{self.year}"
        if self.kind == "quarter":
            return f"Quý {self.number}/{self.year}"
        if self.kind == "half":
            return f"6 tháng đầu năm {self.year}"
        if self.kind == "year":
            return f"Năm {self.year}"
        return self.subject or f"Đột xuất {self.number}/{self.year}"

    @property
    def short_label(self) -> str:
        """A matrix column's heading: T01, Q1, 6T, Năm, ĐX1."""
        return {"month": f"T{self.number:02d}", "quarter": f"Q{self.number}", "half": "6T",
                "year": "Năm"}.get(self.kind, f"ĐX{self.number}")

    # `label` stays Vietnamese: documents, exports and the audit log use it. Pages show these.
    @property
    def shown_label(self) -> str:
        n, year = f"{self.number:02d}" if self.kind == "month" else self.number, self.year
        if self.kind == "month":
            return _("Tháng %(n)s/%(year)s", n=n, year=year)
        if self.kind == "quarter":
            return _("Quý %(n)s/%(year)s", n=n, year=year)
        if self.kind == "half":
            return _("6 tháng đầu năm %(year)s", year=year)
        if self.kind == "year":
            return _("Năm %(year)s", year=year)
        return self.subject or _("Đột xuất %(n)s/%(year)s", n=n, year=year)

    @property
    def shown_short_label(self) -> str:
        if self.kind == "month":
            return _("T%(n)s", n=f"{self.number:02d}")
        if self.kind == "quarter":
            return _("Q%(n)s", n=self.number)
        if self.kind == "half":
            return _("6T")
        if self.kind == "year":
            return _("Năm")
        return _("ĐX%(n)s", n=self.number)


class PeriodDeadline(Tenant, db.Model):
    """Staggered deadlines: villages before departments before the office that compiles."""

    __tablename__ = "period_deadline"

    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"), primary_key=True)
    unit_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    deadline: Mapped[date] = mapped_column(Date)


period_unit = db.Table(
    "period_unit",
    db.Column("period_id", ForeignKey("reporting_period.id"), primary_key=True),
    db.Column("unit_id", ForeignKey("unit.id"), primary_key=True),
    link_commune_column(),
)


class Report(Tenant, db.Model):
    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("unit_id", "period_id", name="one_report_per_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    results: Mapped[str] = mapped_column(Text, default="")
    good_models: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    next_tasks: Mapped[str] = mapped_column(Text, default="")
    # What the person typed in the figure boxes while drafting, as JSON {indicator_id:
    # {"v": text, "e": explanation}}: kept raw, even half-typed, so nothing typed is lost.
    # Submitting parses it strictly into ReportValue rows.
    figures_draft: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The page instance that saved last: a retried autosave whose first answer was lost on a
    # bad link is recognised as the same writer, not as a conflicting one.
    draft_token: Mapped[str] = mapped_column(String(32), default="", server_default="")
    submitted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    period: Mapped[ReportingPeriod] = relationship()
    values: Mapped[list["ReportValue"]] = relationship(back_populates="report")

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return REPORT_STATUSES.get(self.status, self.status)

    # A unit changes its report until it is submitted, and again when it is returned; the
    # office's review is a step of a sent report, not a change to it.
    OPEN_STATUSES = ("draft", "returned")

    @property
    def editable(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def closed_reason(self):
        """Why the unit can no longer change it or its files (app/core/policy.py)."""
        if self.status in self.OPEN_STATUSES:
            return None
        if self.status == "accepted":
            return _l("Báo cáo đã được duyệt nên đã khóa: không sửa, không thêm hay gỡ minh "
                      "chứng được nữa.")
        return _l("Báo cáo đã gửi nên đã khóa: không sửa, không thêm hay gỡ minh chứng được "
                  "nữa. Nếu cần sửa, đề nghị Phòng Văn hóa – Xã hội trả lại báo cáo.")


class ReportValue(Tenant, db.Model):
    """A figure typed in a report; it becomes an IndicatorValue when the report is accepted."""

    __tablename__ = "report_value"
    __table_args__ = (UniqueConstraint("report_id", "indicator_id", name="one_figure_per_report"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    value: Mapped[Optional[Decimal]] = mapped_column(Amount)
    note: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    # what app/reports/checks.py found when it was sent (JSON list), and who at the office
    # confirmed it had been checked (issue 16)
    flags: Mapped[str] = mapped_column(Text, default="", server_default="")
    confirmed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    report: Mapped[Report] = relationship(back_populates="values")
    indicator: Mapped["Indicator"] = relationship()  # noqa: F821
    confirmed_by: Mapped[Optional["User"]] = relationship()  # noqa: F821


REPORT_ACTIONS = {
    "submit": N_("Gửi báo cáo"),
    "return": N_("Trả lại"),
    "accept": N_("Duyệt"),
}


class ReportEvent(Tenant, db.Model):
    """One step of a report's life (submitted, returned, accepted), kept for good: a
    submission holds a snapshot of what was sent, a return points to its comment."""

    __tablename__ = "report_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("comment.id"))
    snapshot: Mapped[str] = mapped_column(Text, default="")  # JSON

    user: Mapped[Optional["User"]] = relationship()  # noqa: F821

    @property
    def action_label(self) -> str:
        return REPORT_ACTIONS.get(self.action, self.action)


class CommuneReport(Tenant, db.Model):
    """The commune's report to the province for one period (Decree 30/2020 layout), compiled
    from the accepted unit reports and then edited by the secretariat."""

    __tablename__ = "commune_report"
    __table_args__ = (UniqueConstraint("period_id", name="one_commune_report_per_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"))
    number: Mapped[str] = mapped_column(String(40), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    issued_on: Mapped[Optional[date]] = mapped_column(Date)
    intro: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    good_models: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    next_tasks: Mapped[str] = mapped_column(Text, default="")
    signer_name: Mapped[str] = mapped_column(String(100), default="")
    recipients: Mapped[str] = mapped_column(Text, default="")  # one per line
    compiled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    period: Mapped[ReportingPeriod] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]
