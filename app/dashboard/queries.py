"""Read side of the chair's dashboard: one statement per block, none growing with the rows.

Every function takes `today` (a Vietnamese date) so tests pin the calendar. Statements are
built once per process and variant (functools.cache) with bindparam()s: the dashboard is
read all day, and building them was a third of its CPU.
"""
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from typing import NamedTuple, Optional

from flask import abort
from sqlalchemy import and_, bindparam, case, exists, func, select
from sqlalchemy.orm import aliased, joinedload

from app.auth.models import User
from app.comments.models import Comment
from app.core.extensions import db
from app.milestones.service import overdue_clause
from app.plans.models import Area, Plan
from app.milestones.models import Milestone
from app.reports.completeness import MISSING, RETURNED, Cell, Rate, cell, rate
from app.reports.models import Report, ReportingPeriod, period_unit
from app.reports.obligations import DEADLINE, with_deadline
from app.units.models import Unit
from app.core.params import query_year

# Aliases made once: building one per call copies every column and costs each request.
_REPLY, _LATER = aliased(Comment, name="reply"), aliased(Comment, name="later")
_REPLIER = aliased(User, name="replier")

# Regular periods, coarsest first: when several close on the same day (14/03 ends month 03
# and quarter 1) the coarser report is the one the chair follows.
PERIOD_RANK = {"year": 0, "half": 1, "quarter": 2, "month": 3}


@cache
def _plan_and_areas_stmt(by: str):
    stmt = (select(Plan, Area).outerjoin(Area, Area.plan_id == Plan.id)
            .where(Plan.parent_id.is_(None)).order_by(Area.sort_order))
    if by == "plan":  # an area's page, which names each area's lead unit
        return stmt.where(Plan.id == bindparam("plan_id")).options(joinedload(Area.lead_unit))
    if by == "year":
        return stmt.where(Plan.year == bindparam("year"))
    newest = select(func.max(Plan.year)).where(Plan.parent_id.is_(None)).scalar_subquery()
    return stmt.where(Plan.year == newest)


def plan_and_areas(year: Optional[int] = None, plan_id: Optional[int] = None
                   ) -> tuple[Plan, list[Area]]:
    """The commune plan of `year` (default: the newest), or plan `plan_id`, with its areas,
    in one statement; 404 when there is none."""
    if plan_id is not None:
        rows = db.session.execute(_plan_and_areas_stmt("plan"), {"plan_id": plan_id}).all()
    elif year is not None:
        rows = db.session.execute(_plan_and_areas_stmt("year"), {"year": year}).all()
    else:
        rows = db.session.execute(_plan_and_areas_stmt("newest")).all()
    if not rows:
        abort(404)
    return rows[0][0], [a for _, a in rows if a is not None]


def requested_year() -> Optional[int]:
    return query_year()


# ---------------------------------------------------------------- reporting status

class PeriodRef(NamedTuple):
    """The period as the dashboard shows it, read as columns: the statement repeats it on
    each unit's row, and a record made from every row cost ~15 Python calls each (issue 33)."""
    id: int
    year: int
    kind: str
    number: int
    subject: str
    deadline: date

    @property
    def shown_label(self) -> str:
        return ReportingPeriod.shown_label.fget(self)


_PERIOD_COLUMNS = (ReportingPeriod.id, ReportingPeriod.year, ReportingPeriod.kind,
                   ReportingPeriod.number, ReportingPeriod.subject, ReportingPeriod.deadline)


@dataclass
class PeriodStatus:
    """Where every expected report of one period stands (states of app/reports/completeness)."""
    period: Optional[PeriodRef]
    rows: list[tuple["UnitRef", Cell]] = field(default_factory=list)

    @cached_property
    def rate(self) -> Rate:
        return rate(c for _, c in self.rows)

    def count(self, *states) -> int:
        return sum(1 for _, c in self.rows if c.state in states)

    def accepted(self) -> int:
        return sum(1 for _, c in self.rows if c.accepted)

    def waiting(self) -> list[tuple[Unit, Cell]]:
        """Units whose report is past its deadline and not received, or sent back."""
        return [(u, c) for u, c in self.rows if c.state in (MISSING, RETURNED)]


@cache
def _period_status_stmt(by_year: bool):
    rank = case(PERIOD_RANK, value=ReportingPeriod.kind, else_=9)
    current = (select(ReportingPeriod.id)
               .where(ReportingPeriod.kind.in_(PERIOD_RANK),
                      ReportingPeriod.ends_on < bindparam("today"))
               .order_by(ReportingPeriod.ends_on.desc(), rank).limit(1))
    if by_year:
        current = current.where(ReportingPeriod.year == bindparam("year"))
    current = current.scalar_subquery()
    return (with_deadline(
                select(*_PERIOD_COLUMNS, Unit.id, Unit.slug, Unit.name, Unit.short_name,
                       Report.id, Report.status, Report.submitted_at, DEADLINE)
                .select_from(ReportingPeriod)
                .outerjoin(period_unit, period_unit.c.period_id == ReportingPeriod.id)
                .outerjoin(Unit, Unit.id == period_unit.c.unit_id)
                .outerjoin(Report, and_(Report.period_id == ReportingPeriod.id,
                                        Report.unit_id == Unit.id)))
            .where(ReportingPeriod.id == current)
            .order_by(Unit.sort_order, Unit.name))


def current_period_status(today: date, year: Optional[int] = None) -> PeriodStatus:
    """The latest regular period whose data cut-off has passed (the one being reported
    now), with every unit that must report for it and where its report stands.
    One statement: the period, left-joined to its units, their reports and deadlines."""
    params = {"today": today} if year is None else {"today": today, "year": year}
    rows = db.session.execute(_period_status_stmt(year is not None), params).all()
    if not rows:
        return PeriodStatus(None)
    n = len(_PERIOD_COLUMNS)
    return PeriodStatus(PeriodRef(*rows[0][:n]), [
        (UnitRef(uid, slug, name, short), cell(status, submitted_at, deadline, today, report_id))
        for uid, slug, name, short, report_id, status, submitted_at, deadline
        in (row[n:] for row in rows) if uid is not None])


class UnitRef(NamedTuple):
    """A unit as a list of names and links shows it: a few columns, not the whole record
    (a page lists every unit of the commune, a province's ×40, issue 33)."""
    id: int
    slug: str
    name: str
    short_name: Optional[str]


# ---------------------------------------------------------------- overdue milestones

class OverdueByUnit(NamedTuple):
    unit: "UnitRef"
    count: int
    oldest_due: date


@cache
def _overdue_stmt():
    overdue = (select(Milestone.unit_id, func.count(Milestone.id).label("n"),
                      func.min(Milestone.due_on).label("oldest"))
               .join(Plan, Plan.id == Milestone.plan_id)
               .where(Plan.parent_id == bindparam("plan_id"),
                      overdue_clause(bindparam("today")))
               .group_by(Milestone.unit_id).subquery())
    return (select(Unit.id, Unit.slug, Unit.name, Unit.short_name, overdue.c.n, overdue.c.oldest)
            .join(overdue, overdue.c.unit_id == Unit.id)
            .order_by(overdue.c.n.desc(), overdue.c.oldest, Unit.sort_order))


def overdue_milestones_by_unit(plan: Plan, today: date) -> list[OverdueByUnit]:
    """Units with milestones past due and not done, most overdue first."""
    rows = db.session.execute(_overdue_stmt(), {"plan_id": plan.id, "today": today}).all()
    return [OverdueByUnit(UnitRef(uid, slug, name, short), n, oldest)
            for uid, slug, name, short, n, oldest in rows]


# ---------------------------------------------------------------- returned reports

@cache
def _returned_stmt(limited: bool):
    stmt = (select(Report, Unit, ReportingPeriod, func.count().over())
            .join(Unit, Unit.id == Report.unit_id)
            .join(ReportingPeriod, ReportingPeriod.id == Report.period_id)
            .where(Report.status == "returned", ReportingPeriod.year == bindparam("year"))
            .order_by(Report.reviewed_at, Report.id))
    return stmt.limit(bindparam("limit")) if limited else stmt


def returned_reports(plan: Plan, limit: Optional[int] = None):
    """Reports sent back to their unit and not yet sent again, oldest first:
    (how many in all, the first `limit` as (report, unit, period))."""
    params = {"year": plan.year} if limit is None else {"year": plan.year, "limit": limit}
    rows = db.session.execute(_returned_stmt(limit is not None), params).all()
    return (rows[0][3] if rows else 0), [(r, u, p) for r, u, p, _ in rows]


# ---------------------------------------------------------------- unanswered comments

@cache
def _unanswered_stmt(limited: bool):
    reply, later, replier = _REPLY, _LATER, _REPLIER
    answered_in_thread = exists().where(reply.reply_to_id == Comment.id)
    answered_on_report = exists(
        select(later.id).join(replier, replier.id == later.author_id)
        .where(later.subject_type == "report", later.subject_id == Comment.subject_id,
               later.created_at > Comment.created_at, replier.unit_id == Comment.unit_id))
    waiting = (select(Comment, Unit, Report.period_id, func.count().over())
               .join(Unit, Unit.id == Comment.unit_id)
               .join(User, User.id == Comment.author_id)
               .outerjoin(Report, and_(Comment.subject_type == "report",
                                       Report.id == Comment.subject_id))
               .where(Comment.kind == "comment", Comment.reply_to_id.is_(None),
                      User.unit_id.is_(None) | (User.unit_id != Comment.unit_id),
                      ~answered_in_thread,
                      (Comment.subject_type != "report") | ~answered_on_report)
               .order_by(Comment.created_at, Comment.id))
    return waiting.limit(bindparam("limit")) if limited else waiting


def unanswered_comments(limit: Optional[int] = None):
    """Supervision and review comments on a unit's work that no one of the unit has answered
    yet, oldest first: (how many in all, the first `limit` as (comment, unit, report's
    period id or None)). An answer is a reply in the comment's thread; on a report, whose
    comments are not threaded, a later comment on it by the unit's own people. A comment
    written by the unit's own people is itself an answer or a note, not a question."""
    params = {} if limit is None else {"limit": limit}
    rows = db.session.execute(_unanswered_stmt(limit is not None), params).all()
    return (rows[0][3] if rows else 0), [(c, u, period_id) for c, u, period_id, _ in rows]


# ---------------------------------------------------------------- an area's milestones

def milestones_of_area(area: Area, today: date, limit: int = 50) -> list[tuple[Milestone, Unit]]:
    """Milestones of the units' plans that serve this area, overdue ones first."""
    return [(m, u) for m, u in db.session.execute(
        select(Milestone, Unit).join(Unit, Unit.id == Milestone.unit_id)
        .where(Milestone.area_id == area.id)
        .order_by(case((overdue_clause(today), 0), else_=1), Milestone.due_on.is_(None), Milestone.due_on,
                  Milestone.id).limit(limit)).all()]
