"""Read side of thi đua – khen thưởng: few statements each, none growing with the rows.

The *_by_id functions and proposal_context / review_and_unit are plain loaders for
@requires(load=…): the record, or None when there is none; a view that needs it again
(after a rollback, or under a lock) calls the loader again."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple, Optional

from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.comments.models import Comment
from app.emulation.models import (AwardTitle, Criterion, GoodModel, Proposal, ProposalEvidence,
                                  ProposalVote, Review, ScoreSheet)
from app.core.settings import Setting
from app.emulation.settings import pass_percent_of
from app.core.extensions import db
from app.plans.models import Area, Indicator, Plan
from app.milestones.models import Milestone
from app.plans.queries import commune_plan  # noqa: F401  the emulation's callers ask it here
from app.plans.years import plan_years
from app.reports import calendar
from app.core.vietnamese import today as vn_today
from app.reports.completeness import Cell, cell
from app.reports.models import Report, ReportingPeriod
from app.reports.obligations import DEADLINE, owed
from app.units.models import Unit
from app.units.queries import unit_by_slug
from app.core.params import query_year


def requested_year() -> int:
    """?year=, else this year, else (a year without a plan yet) the newest plan's year."""
    year = query_year()
    if year is None:
        year = vn_today().year
        planned = years()
        return year if year in planned or not planned else planned[0]
    return year


def cutoff(review: Review) -> date:
    """The last day of the review's data: 14/06 for the six months, 14/12 for the year
    (Decree 09/2019 Art. 12)."""
    if review.kind == "half":
        return calendar.half_range(review.year)[1]
    return calendar.year_range(review.year)[1]


# ---------------------------------------------------------------- reviews

def review_by_id(review_id: int, **_view_args) -> Optional[Review]:
    """The review with its commune plan, one statement."""
    return db.session.scalar(select(Review).options(joinedload(Review.plan))
                             .where(Review.id == review_id))


class ScoreTarget(NamedTuple):
    """What a score page is about: a review and one unit."""
    review: Review
    unit: Unit


def review_and_unit(review_id: int, slug: str, **_view_args) -> Optional[ScoreTarget]:
    review = review_by_id(review_id)
    unit = unit_by_slug(slug) if review is not None else None
    return None if unit is None else ScoreTarget(review, unit)


def criterion_by_id(criterion_id: int, **_view_args) -> Optional[Criterion]:
    return db.session.get(Criterion, criterion_id)


def title_by_id(title_id: int, **_view_args) -> Optional[AwardTitle]:
    return db.session.get(AwardTitle, title_id)


def reviews_of(year: int) -> list[Review]:
    return list(db.session.scalars(select(Review).where(Review.year == year)
                                   .order_by(Review.kind)))


years = plan_years  # the years with a commune plan, newest first, read once per request


@dataclass
class Reporting:
    cells: dict[int, list[tuple[str, Cell]]]   # unit id → [(period label, cell)]
    units: dict[int, Unit]


def reporting_cells(year: int, until: date, today: date, unit_ids=None) -> Reporting:
    """Every report a unit was expected to send for the year's periods ending by `until`,
    as app/reports/completeness states it. One statement (the units × periods matrix of
    app/reports/queries takes four), so a review page keeps within its budget."""
    stmt = (owed(ReportingPeriod, Unit, Report.id, Report.status, Report.submitted_at,
                 DEADLINE)
            .outerjoin(Report, and_(Report.unit_id == Unit.id,
                                    Report.period_id == ReportingPeriod.id))
            .where(ReportingPeriod.year == year, ReportingPeriod.ends_on <= until)
            .order_by(ReportingPeriod.ends_on, ReportingPeriod.id))
    if unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(list(unit_ids)))
    out = Reporting({}, {})
    for period, unit, rid, status, at, deadline in db.session.execute(stmt):
        out.units[unit.id] = unit
        out.cells.setdefault(unit.id, []).append(
            (period.label, cell(status, at, deadline, today, rid)))
    return out


def indicators_of_plan(plan_id: int) -> list[Indicator]:
    # the reporters joined: the commune's figure of an indicator summed over units needs them
    return list(db.session.scalars(select(Indicator).where(Indicator.plan_id == plan_id)
                                   .options(joinedload(Indicator.reporters),
                                            joinedload(Indicator.settlements))
                                   .order_by(Indicator.sort_order)).unique())


def milestones_by_unit(plan_id: int, unit_ids=None) -> dict[int, list[Milestone]]:
    """The milestones of every unit plan under the commune plan, by unit."""
    stmt = (select(Milestone).join(Plan, Plan.id == Milestone.plan_id)
            .where(Plan.parent_id == plan_id))
    if unit_ids is not None:
        stmt = stmt.where(Milestone.unit_id.in_(list(unit_ids)))
    out: dict[int, list[Milestone]] = {}
    for m in db.session.scalars(stmt):
        out.setdefault(m.unit_id, []).append(m)
    return out


def scored_units(unit_ids=None) -> list[Unit]:
    """Active units whose kind has a scoring table."""
    kinds = select(Criterion.unit_kind).where(Criterion.active.is_(True))
    stmt = (select(Unit).where(Unit.archived_at.is_(None), Unit.kind.in_(kinds))
            .order_by(Unit.sort_order, Unit.id))
    if unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(list(unit_ids)))
    return list(db.session.scalars(stmt))


def criteria_by_kind(active_only=True) -> dict[str, list[Criterion]]:
    stmt = select(Criterion).order_by(Criterion.unit_kind, Criterion.sort_order, Criterion.id)
    if active_only:
        stmt = stmt.where(Criterion.active.is_(True))
    out: dict[str, list[Criterion]] = {}
    for c in db.session.scalars(stmt):
        out.setdefault(c.unit_kind, []).append(c)
    return out


def sheets_of(review_id: int, unit_id: Optional[int] = None) -> list[ScoreSheet]:
    """The review's sheets with their units (not their lines): one statement."""
    stmt = (select(ScoreSheet).options(joinedload(ScoreSheet.unit))
            .where(ScoreSheet.review_id == review_id))
    if unit_id is not None:
        stmt = stmt.where(ScoreSheet.unit_id == unit_id)
    return list(db.session.scalars(stmt))


def sheet_with_lines(review_id: int, unit_id: int) -> Optional[ScoreSheet]:
    """A unit's sheet with its lines, one statement."""
    return db.session.scalars(
        select(ScoreSheet).options(joinedload(ScoreSheet.lines))
        .where(ScoreSheet.review_id == review_id, ScoreSheet.unit_id == unit_id)
    ).unique().first()


def sheets_of_unit(unit_id: int, year: Optional[int] = None) -> list[tuple[ScoreSheet, Review]]:
    stmt = (select(ScoreSheet, Review).join(Review, Review.id == ScoreSheet.review_id)
            .where(ScoreSheet.unit_id == unit_id).order_by(Review.year.desc(), Review.kind))
    if year is not None:
        stmt = stmt.where(Review.year == year)
    return list(db.session.execute(stmt))


# ---------------------------------------------------------------- good models

def good_models(year: int, unit_id: Optional[int] = None, area_id: Optional[int] = None
                ) -> list[GoodModel]:
    stmt = (select(GoodModel).options(joinedload(GoodModel.unit), joinedload(GoodModel.area))
            .where(GoodModel.year == year))
    if unit_id is not None:
        stmt = stmt.where(GoodModel.unit_id == unit_id)
    if area_id is not None:
        stmt = stmt.where(GoodModel.area_id == area_id)
    return list(db.session.scalars(stmt.order_by(GoodModel.created_at, GoodModel.id)))


def model_by_id(model_id: int, **_view_args) -> Optional[GoodModel]:
    """The good model with its unit, one statement."""
    return db.session.scalar(select(GoodModel).options(joinedload(GoodModel.unit))
                             .where(GoodModel.id == model_id))


def reports_with_models(year: int) -> list[tuple[Report, Unit, ReportingPeriod]]:
    """Accepted reports of the year whose good-models section says something and that no
    good model was gathered from yet."""
    gathered = select(GoodModel.source_report_id).where(GoodModel.source_report_id.is_not(None))
    return list(db.session.execute(
        select(Report, Unit, ReportingPeriod).join(Unit, Unit.id == Report.unit_id)
        .join(ReportingPeriod, ReportingPeriod.id == Report.period_id)
        .where(ReportingPeriod.year == year, Report.status == "accepted",
               func.length(func.trim(Report.good_models)) > 0, Report.id.not_in(gathered))
        .order_by(ReportingPeriod.ends_on, Unit.sort_order, Unit.id)))


def areas_of_plan(plan_id: int) -> list[Area]:
    return list(db.session.scalars(select(Area).where(Area.plan_id == plan_id)
                                   .order_by(Area.sort_order)))


# ---------------------------------------------------------------- titles, proposals

def titles(active_only=False) -> list[AwardTitle]:
    stmt = select(AwardTitle).order_by(AwardTitle.sort_order, AwardTitle.id)
    if active_only:
        stmt = stmt.where(AwardTitle.active.is_(True))
    return list(db.session.scalars(stmt))


def council_size():
    """Active council members, as a scalar subquery (a role is a word of user.roles)."""
    padded = literal(" ").concat(User.roles_text).concat(" ")
    return (select(func.count(User.id))
            .where(User.active.is_(True), padded.like("% council %")).scalar_subquery())


class ProposalContext(NamedTuple):
    """A proposal with what its vote is counted against."""
    proposal: Proposal
    members: int            # active council members
    pass_percent: Decimal   # the share of them the votes for it must exceed


def proposal_context(proposal_id: int, lock=None, **_view_args) -> Optional[ProposalContext]:
    """The proposal with its unit, title and votes (and their voters), the council's size
    and passing share: one statement. lock="share" while voting, "update" while closing
    the vote: on PostgreSQL a vote and the count that closes it never interleave (SQLite
    writers are serialised already)."""
    pass_raw = (select(Setting.value).where(Setting.key == "council_pass_percent")
                .scalar_subquery())
    stmt = (select(Proposal, council_size(), pass_raw)
            .options(joinedload(Proposal.unit), joinedload(Proposal.title),
                     joinedload(Proposal.votes).joinedload(ProposalVote.user))
            .where(Proposal.id == proposal_id))
    if lock == "share":
        stmt = stmt.with_for_update(read=True, of=Proposal)
    elif lock == "update":
        stmt = stmt.with_for_update(of=Proposal)
    row = db.session.execute(stmt.execution_options(populate_existing=True)).unique().first()
    return None if row is None else ProposalContext(row[0], row[1], pass_percent_of(row[2]))


def proposals(year: int, unit_id: Optional[int] = None, status: Optional[str] = None
              ) -> list[Proposal]:
    stmt = (select(Proposal).options(joinedload(Proposal.unit), joinedload(Proposal.title))
            .where(Proposal.year == year))
    if unit_id is not None:
        stmt = stmt.where(Proposal.unit_id == unit_id)
    if status:
        stmt = stmt.where(Proposal.status == status)
    return list(db.session.scalars(stmt.order_by(Proposal.created_at, Proposal.id)))


def proposal_counts(year: int) -> dict[str, int]:
    return dict(db.session.execute(select(Proposal.status, func.count(Proposal.id))
                                   .where(Proposal.year == year).group_by(Proposal.status)).all())


def decision_siblings(p: Proposal) -> list[Proposal]:
    """The proposals one decision lists: those decided under the same number and date and
    title, or, before the decision, those of the same title and year approved and waiting."""
    stmt = (select(Proposal).options(joinedload(Proposal.unit), joinedload(Proposal.title))
            .where(Proposal.title_id == p.title_id, Proposal.year == p.year))
    if p.status in ("decided", "forwarded"):
        stmt = stmt.where(Proposal.status == p.status,
                          Proposal.decision_number == p.decision_number,
                          Proposal.decision_date == p.decision_date)
    else:
        stmt = stmt.where(Proposal.status == "approved")
    rows = list(db.session.scalars(stmt.order_by(Proposal.created_at, Proposal.id)))
    return rows if any(r.id == p.id for r in rows) else [p, *rows]


def comments_of(proposal_id: int) -> list[Comment]:
    return list(db.session.scalars(
        select(Comment).where(Comment.subject_type == "proposal", Comment.subject_id == proposal_id)
        .order_by(Comment.created_at, Comment.id)))


def evidence_of(proposal: Proposal, year: int):
    """The proposal's links, and what its unit has that it could cite: accepted reports,
    good models and score sheets of the year. Three statements."""
    links = {(e.kind, e.ref_id) for e in db.session.scalars(
        select(ProposalEvidence).where(ProposalEvidence.proposal_id == proposal.id))}
    reports = list(db.session.execute(
        select(Report.id, ReportingPeriod).join(ReportingPeriod, ReportingPeriod.id == Report.period_id)
        .where(Report.unit_id == proposal.unit_id, Report.status == "accepted",
               ReportingPeriod.year == year).order_by(ReportingPeriod.ends_on)))
    models = list(db.session.execute(
        select(GoodModel.id, GoodModel.title).where(GoodModel.unit_id == proposal.unit_id,
                                                    GoodModel.year == year)
        .order_by(GoodModel.id)))
    return links, reports, models
