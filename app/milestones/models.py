"""A unit's milestones (mốc / nhiệm vụ): what its implementation plan commits to, by when."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.core.tenancy import Tenant
from app.core.i18n import N_
from app.core.columns import UTCDateTime, utcnow
from app.plans.models import Area, Indicator, Plan


MILESTONE_STATUSES = {
    "not_started": N_("Chưa bắt đầu"),
    "in_progress": N_("Đang thực hiện"),
    "done": N_("Hoàn thành"),
    "paused": N_("Tạm dừng"),
    "cancelled": N_("Hủy"),
}


class Milestone(Tenant, db.Model):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(120), default="")
    area_id: Mapped[Optional[int]] = mapped_column(ForeignKey("area.id"))
    indicator_id: Mapped[Optional[int]] = mapped_column(ForeignKey("indicator.id"))
    start_on: Mapped[Optional[date]] = mapped_column(Date)
    due_on: Mapped[Optional[date]] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="not_started", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    evidence: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # the add-form's token: a replay of the same form fails on it instead of adding a twin
    submission_token: Mapped[Optional[str]] = mapped_column(String(64), unique=True)

    area: Mapped[Optional[Area]] = relationship()
    indicator: Mapped[Optional[Indicator]] = relationship()
    # loaded with the milestone wherever it may change (its service, evidence), so asking
    # whether it is open costs no statement
    plan: Mapped[Plan] = relationship()

    __mapper_args__ = {"version_id_col": version}
    # the overview pages count a plan's milestones, late ones by due date, from this index
    # alone (migration 0012)
    __table_args__ = (Index("ix_milestone_plan_due", "plan_id", "due_on", "status", "unit_id"),)

    @property
    def closed_reason(self):
        """A milestone is its plan's: open while its year is (app/core/policy.py)."""
        return self.plan.closed_reason

    @property
    def status_label(self) -> str:
        return MILESTONE_STATUSES.get(self.status, self.status)

    def is_overdue(self, today: date) -> bool:
        # computed from the date, never stored
        return (self.due_on is not None and self.due_on < today
                and self.status not in ("done", "cancelled"))
