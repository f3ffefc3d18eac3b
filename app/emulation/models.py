"""Thi đua – khen thưởng: settings, scoring tables, reviews and scores, good models, titles,
commendation proposals with their evidence and the council's votes (issue 6)."""
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import (Boolean, Date, ForeignKey, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.core.tenancy import Tenant
from app.core.i18n import N_
from app.core.columns import UTCDateTime, utcnow
from app.core.vietnamese import _l

# Points on the 100-point scale of Decree 335/2025: two decimals are what a council writes.
Points = Numeric(7, 2)

# How a criterion is scored. The first three are derived from the app's own numbers.
METHODS = {
    "indicators": N_("Theo kết quả thực hiện chỉ tiêu"),
    "milestones": N_("Theo mức hoàn thành nhiệm vụ, mốc trong kế hoạch"),
    "timeliness": N_("Theo báo cáo đúng hạn"),
    "manual": N_("Chấm trực tiếp"),
}
DERIVED = ("indicators", "milestones", "timeliness")

REVIEW_KINDS = {"half": N_("Sơ kết 6 tháng"), "year": N_("Tổng kết năm")}

TITLE_KINDS = {"title": N_("Danh hiệu thi đua"), "form": N_("Hình thức khen thưởng")}
NOMINEE_KINDS = {"collective": N_("Tập thể"), "individual": N_("Cá nhân")}
TITLE_NOMINEES = {"collective": N_("Tập thể"), "individual": N_("Cá nhân"),
                  "both": N_("Tập thể, cá nhân")}
# Who may award a title: the commune chair decides; anything higher is proposed upward.
AWARD_LEVELS = {"commune": N_("Chủ tịch UBND xã quyết định"),
                "higher": N_("Cấp trên quyết định (trình lên)")}

PROPOSAL_STATUSES = {
    "proposed": N_("Đã đề xuất"),
    "council": N_("Hội đồng đang xét"),
    "approved": N_("Hội đồng thông qua"),
    "rejected": N_("Không được thông qua"),
    "decided": N_("Đã quyết định khen thưởng"),
    "forwarded": N_("Đã trình cấp trên"),
    "declined": N_("Chủ tịch không khen thưởng"),
}
VOTES = {"yes": N_("Tán thành"), "no": N_("Không tán thành"), "abstain": N_("Không biểu quyết")}
EVIDENCE_KINDS = {"report": N_("Báo cáo"), "model": N_("Mô hình hay"),
                  "score": N_("Kết quả chấm điểm")}


class Criterion(Tenant, db.Model):
    """One line of a scoring table: for a kind of unit, its points and how it is scored."""

    __tablename__ = "criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    max_points: Mapped[Decimal] = mapped_column(Points)
    method: Mapped[str] = mapped_column(String(20))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def method_label(self) -> str:
        return METHODS.get(self.method, self.method)

    @property
    def derived(self) -> bool:
        return self.method in DERIVED


class Review(Tenant, db.Model):
    """A mid-year (sơ kết) or year-end (tổng kết) review, and its report's own text."""

    __tablename__ = "review"
    __table_args__ = (UniqueConstraint("commune_id", "year", "kind", name="one_review_per_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    title: Mapped[str] = mapped_column(String(300))
    number: Mapped[str] = mapped_column(String(40), default="")
    issued_on: Mapped[Optional[date]] = mapped_column(Date)
    assessment: Mapped[str] = mapped_column(Text, default="")
    shortcomings: Mapped[str] = mapped_column(Text, default="")
    directions: Mapped[str] = mapped_column(Text, default="")
    signer_name: Mapped[str] = mapped_column(String(100), default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    plan: Mapped["Plan"] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return REVIEW_KINDS.get(self.kind, self.kind)

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class ScoreSheet(Tenant, db.Model):
    """A unit's score in a review: the lines, bonus and penalty with their reasons, and the
    total they make. The level is read from the total with the thresholds in force."""

    __tablename__ = "score_sheet"
    __table_args__ = (UniqueConstraint("review_id", "unit_id", name="one_sheet_per_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    base: Mapped[Decimal] = mapped_column(Points, default=Decimal(0))
    bonus: Mapped[Decimal] = mapped_column(Points, default=Decimal(0))
    bonus_reason: Mapped[str] = mapped_column(Text, default="")
    penalty: Mapped[Decimal] = mapped_column(Points, default=Decimal(0))
    penalty_reason: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[Decimal] = mapped_column(Points, default=Decimal(0))
    unscored: Mapped[int] = mapped_column(Integer, default=0)  # hand-scored lines still empty
    computed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    review: Mapped[Review] = relationship()
    lines: Mapped[list["ScoreLine"]] = relationship(
        back_populates="sheet", order_by="ScoreLine.sort_order", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class ScoreLine(Tenant, db.Model):
    """One criterion's points on a sheet. The criterion's title and points are copied, so a
    sheet still reads as it was scored after the table is edited; `basis` and `details`
    say how the points were made."""

    __tablename__ = "score_line"
    __table_args__ = (UniqueConstraint("sheet_id", "criterion_id", name="one_line_per_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(20))
    max_points: Mapped[Decimal] = mapped_column(Points)
    points: Mapped[Optional[Decimal]] = mapped_column(Points)  # None: not scored yet
    applicable: Mapped[bool] = mapped_column(Boolean, default=True)
    basis: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="")  # JSON rows shown under the line
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    sheet: Mapped[ScoreSheet] = relationship(back_populates="lines")

    @property
    def method_label(self) -> str:
        return METHODS.get(self.method, self.method)


class GoodModel(Tenant, db.Model):
    """A good model, effective practice or advanced example (mô hình hay, cách làm hiệu quả,
    điển hình tiên tiến): gathered from a report's section or entered directly."""

    __tablename__ = "good_model"
    __table_args__ = (UniqueConstraint("source_report_id", name="one_model_per_report"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    area_id: Mapped[Optional[int]] = mapped_column(ForeignKey("area.id"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    source_report_id: Mapped[Optional[int]] = mapped_column(ForeignKey("report.id"))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    area: Mapped[Optional["Area"]] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    # The office keeps its list of good models whatever the year: they are gathered and
    # cited in proposals after the year's plan has closed, so a good model never closes.
    closed_reason = None


class AwardTitle(Tenant, db.Model):
    """A title or form of commendation and who may award it (an editable list)."""

    __tablename__ = "award_title"
    __table_args__ = (UniqueConstraint("commune_id", "name", name="one_title_per_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    nominee_kind: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(10))
    authority: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return TITLE_KINDS.get(self.kind, self.kind)

    @property
    def nominee_label(self) -> str:
        return TITLE_NOMINEES.get(self.nominee_kind, self.nominee_kind)

    @property
    def level_label(self) -> str:
        return AWARD_LEVELS.get(self.level, self.level)

    @property
    def commune_level(self) -> bool:
        return self.level == "commune"

    def fits(self, nominee_kind: str) -> bool:
        return self.nominee_kind in ("both", nominee_kind)


class Proposal(Tenant, db.Model):
    """A commendation proposal: proposed → council → approved | rejected → decided (or
    forwarded upward when a higher level awards the title), or declined by the chair."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    nominee_kind: Mapped[str] = mapped_column(String(12))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(120), default="")
    person_position: Mapped[str] = mapped_column(String(120), default="")
    title_id: Mapped[int] = mapped_column(ForeignKey("award_title.id"), index=True)
    achievements: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="proposed", index=True)
    # the tally when the vote closed, kept as it was
    votes_yes: Mapped[int] = mapped_column(Integer, default=0)
    votes_no: Mapped[int] = mapped_column(Integer, default=0)
    votes_abstain: Mapped[int] = mapped_column(Integer, default=0)
    members: Mapped[int] = mapped_column(Integer, default=0)
    decision_number: Mapped[str] = mapped_column(String(40), default="")
    decision_date: Mapped[Optional[date]] = mapped_column(Date)
    # why the chair did not award it ("declined"), as the chair wrote it
    decision_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    title: Mapped[AwardTitle] = relationship()
    votes: Mapped[list["ProposalVote"]] = relationship(
        back_populates="proposal", order_by="ProposalVote.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return PROPOSAL_STATUSES.get(self.status, self.status)

    @property
    def nominee_label(self) -> str:
        return NOMINEE_KINDS.get(self.nominee_kind, self.nominee_kind)

    @property
    def nominee(self) -> str:
        """The name a decision lists: the person, or the collective (the unit)."""
        if self.nominee_kind == "individual":
            return self.person_name
        return self.unit.name

    # decided, sent upward, not passed or refused by the chair: the proposal's life is over
    CLOSED_STATUSES = ("decided", "forwarded", "rejected", "declined")

    @property
    def editable(self) -> bool:
        """Its fields change only before it goes to the council (a step, not its closing)."""
        return self.status == "proposed"

    @property
    def closed_reason(self):
        """Why nothing about it changes any more: steps, fields, links, files
        (app/core/policy.py)."""
        if self.status in self.CLOSED_STATUSES:
            return _l("Đề nghị đã kết thúc (%(status)s) nên không thay đổi được nữa.",
                      status=_l(self.status_label))
        return None


class ProposalEvidence(Tenant, db.Model):
    """A report, good model or score sheet a proposal cites."""

    __tablename__ = "proposal_evidence"
    __table_args__ = (UniqueConstraint("proposal_id", "kind", "ref_id", name="one_link"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref_id: Mapped[int] = mapped_column(Integer)


class ProposalVote(Tenant, db.Model):
    """A council member's vote; a member may change it until the vote is closed."""

    __tablename__ = "proposal_vote"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id", name="one_vote_per_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    vote: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="votes")
    user: Mapped["User"] = relationship()  # noqa: F821

    @property
    def vote_label(self) -> str:
        return VOTES.get(self.vote, self.vote)
