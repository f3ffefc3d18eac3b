from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import (Boolean, Date, ForeignKey, Integer, String, Text,
                        UniqueConstraint, select)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.core.tenancy import Tenant, link_commune_column
from app.core.i18n import N_
from app.core.columns import Amount, UTCDateTime, utcnow
from app.core.vietnamese import _l

# How a target is read (docs/design.md §2). Labels are what the reader sees.
SEMANTICS = {
    "at_least": N_("Đạt tối thiểu"),
    "at_most": N_("Không vượt quá"),
    "reduce_by": N_("Giảm so với gốc"),
    "increase_by": N_("Tăng so với gốc"),
    "sum_flow": N_("Cộng dồn cả năm"),
    "latest_level": N_("Đạt mức (số mới nhất)"),
    "count_of_total": N_("Số đạt trên tổng số"),
    "yes_no": N_("Đạt / không đạt"),
}

# How the commune's figure is made from the units' figures (issues 16, 28): the lead's own,
# the sum of every reporting unit's part, the lead's checked against the sum of the parts, or
# the newest level any of them reported. Who reports in which role follows from it:
# app/plans/assignments.py is the one reader of these columns.
COMBINE = {
    "lead": N_("Số của đơn vị chủ trì"),
    "sum": N_("Tổng số của các đơn vị báo cáo"),
    "checked": N_("Số của đơn vị chủ trì, đối chiếu với tổng các phần"),
    "latest": N_("Số mới nhất của các đơn vị báo cáo"),
}
# A flow adds amounts up: the newest of them is never the commune's year.
COMBINE_FOR = {"sum_flow": ("lead", "sum", "checked")}
# Rates and yes/no are not added up across units: 60 % + 70 % is no commune's rate.
PERCENT_UNITS = frozenset({"%", "điểm %"})


def combine_choices(semantics: str, unit_of_measure: str = "") -> tuple[str, ...]:
    allowed = COMBINE_FOR.get(semantics, tuple(COMBINE))
    if semantics == "yes_no" or unit_of_measure.strip() in PERCENT_UNITS:
        allowed = tuple(c for c in allowed if c not in ("sum", "checked"))
    return allowed

# The sections of a unit's implementation plan that section IV.1 of the plan asks for.
UNIT_PLAN_SECTIONS = (
    ("muc_tieu", N_("Mục tiêu")),
    ("noi_dung", N_("Nội dung thi đua")),
    ("giai_phap", N_("Giải pháp")),
    ("tien_do", N_("Tiến độ thực hiện")),
    ("phan_cong", N_("Phân công trách nhiệm")),
)

class Plan(Tenant, db.Model):
    """The commune plan (parent_id empty) or one unit's implementation plan under it."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("parent_id", "unit_id", name="one_plan_per_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("plan.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    number: Mapped[str] = mapped_column(String(60), default="")
    date_text: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[Optional[date]] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[str] = mapped_column(Text, default="")
    signer_title: Mapped[str] = mapped_column(String(100), default="")
    signer_name: Mapped[str] = mapped_column(String(100), default="")
    recipients: Mapped[str] = mapped_column(Text, default="")  # one per line
    locked: Mapped[bool] = mapped_column(Boolean, default=False)  # a closed year
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    sections: Mapped[list["PlanSection"]] = relationship(
        order_by="PlanSection.sort_order", back_populates="plan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def closed_reason(self):
        """A plan closes with its year (start_next_year): nothing under it changes after."""
        if self.locked:
            # _l: the message must also build outside a request (CLI, plain-function tests)
            return _l("Kế hoạch năm %(year)s đã khóa sổ: chỉ xem, không sửa được nữa.",
                      year=self.year)
        return None

    @property
    def recipient_list(self) -> list[str]:
        return [line for line in self.recipients.splitlines() if line.strip()]

    @staticmethod
    def commune_plan_stmt(year: Optional[int] = None):
        stmt = select(Plan).where(Plan.parent_id.is_(None))
        if year is not None:
            return stmt.where(Plan.year == year)
        return stmt.order_by(Plan.year.desc()).limit(1)


class PlanSection(Tenant, db.Model):
    __tablename__ = "plan_section"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="one_section_per_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    plan: Mapped[Plan] = relationship(back_populates="sections")

    __mapper_args__ = {"version_id_col": version}


class Area(Tenant, db.Model):
    """A content area of the commune plan (III.1 … III.6)."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="one_area_per_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    lead_unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    lead_unit: Mapped[Optional["Unit"]] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}


indicator_contributor = db.Table(
    "indicator_contributor",
    db.Column("indicator_id", ForeignKey("indicator.id"), primary_key=True),
    db.Column("unit_id", ForeignKey("unit.id"), primary_key=True),
    link_commune_column(),
)

# The contributors whose own figure means something for the commune's (issue 16): they are
# asked for it on their report form. The lead always is, and is not listed here.
indicator_reporter = db.Table(
    "indicator_reporter",
    db.Column("indicator_id", ForeignKey("indicator.id"), primary_key=True),
    db.Column("unit_id", ForeignKey("unit.id"), primary_key=True),
    link_commune_column(),
)


class Indicator(Tenant, db.Model):
    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="one_indicator_per_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    unit_of_measure: Mapped[str] = mapped_column(String(60), default="")
    semantics: Mapped[str] = mapped_column(String(20))
    target: Mapped[Optional[Decimal]] = mapped_column(Amount)
    # decimal places the target is written with ("16,90" → 2), kept for display
    target_places: Mapped[Optional[int]] = mapped_column(Integer)
    total: Mapped[Optional[Decimal]] = mapped_column(Amount)
    baseline: Mapped[Optional[Decimal]] = mapped_column(Amount)
    lead_unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"), index=True)
    source_text: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    combine: Mapped[str] = mapped_column(String(10), default="lead", server_default="lead")
    # plausible bounds of a figure, the office's to set; None is the semantics' default
    # (app/reports/checks.py), and a year-to-date this far (%) above the target is flagged
    low: Mapped[Optional[Decimal]] = mapped_column(Amount)
    high: Mapped[Optional[Decimal]] = mapped_column(Amount)
    over_target_pct: Mapped[Optional[int]] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)

    area: Mapped[Area] = relationship()
    lead_unit: Mapped[Optional["Unit"]] = relationship()  # noqa: F821
    contributors: Mapped[list["Unit"]] = relationship(secondary=indicator_contributor)  # noqa: F821
    reporters: Mapped[list["Unit"]] = relationship(secondary=indicator_reporter)  # noqa: F821
    # the office's word on a lead's figure that its parts contradict (issue 28): read by
    # app/plans/assignments.target_of for a "checked" target only
    settlements: Mapped[list["FigureSettlement"]] = relationship(
        back_populates="indicator", order_by="FigureSettlement.period_end")

    __mapper_args__ = {"version_id_col": version}

    @property
    def semantics_label(self) -> str:
        return SEMANTICS.get(self.semantics, self.semantics)

    def set_target(self, value: Optional[Decimal]) -> None:
        """Set the target, remembering how many decimal places it was written with."""
        self.target = value
        self.target_places = None if value is None else max(0, -value.as_tuple().exponent)


class IndicatorTargetChange(Tenant, db.Model):
    """A target the People's Council changed: the old value stays, with the reason (issue 9).
    Rows are never edited or deleted, so the history is what people read at the time."""

    __tablename__ = "indicator_target_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), index=True)
    old_target: Mapped[Optional[Decimal]] = mapped_column(Amount)
    new_target: Mapped[Optional[Decimal]] = mapped_column(Amount)
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[Optional["User"]] = relationship()  # noqa: F821


class IndicatorValue(Tenant, db.Model):
    """An accepted figure: one indicator, one reporting period, one reporting unit."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period_id", "unit_id", name="one_value_per_cell"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    value: Mapped[Decimal] = mapped_column(Amount)
    note: Mapped[str] = mapped_column(Text, default="")
    report_id: Mapped[Optional[int]] = mapped_column(ForeignKey("report.id"))
    accepted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# What the office decided when a lead's commune figure and the sum of the parts disagreed
# (issue 28): the lead's figure is right, or the parts' sum is.
SETTLE_LEAD, SETTLE_PARTS = "lead", "parts"
SETTLE_CHOICES = {
    SETTLE_LEAD: N_("Lấy số của đơn vị chủ trì"),
    SETTLE_PARTS: N_("Lấy tổng các đơn vị"),
}


class FigureSettlement(Tenant, db.Model):
    """The office's choice for one "checked" target at one period's end, with the two
    numbers it chose between: it holds while the figures are still those numbers, so a
    figure changed afterwards is in doubt again until the office looks at it again."""

    __tablename__ = "figure_settlement"
    __table_args__ = (UniqueConstraint("indicator_id", "period_end",
                                       name="one_settlement_per_figure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), index=True)
    period_end: Mapped[date] = mapped_column(Date)
    choice: Mapped[str] = mapped_column(String(10))
    lead_value: Mapped[Decimal] = mapped_column(Amount)
    parts_value: Mapped[Decimal] = mapped_column(Amount)
    settled_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    settled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="settlements")
    settled_by: Mapped[Optional["User"]] = relationship()  # noqa: F821
