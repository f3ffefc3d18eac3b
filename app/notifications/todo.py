""""Việc cần làm": what waits for one person, most urgent first, in ONE SQL statement.

Each kind of work is one SELECT of the same nine columns; they are joined by UNION ALL,
sorted, cut to LIMIT rows, and a window count gives the total. The first branch always
yields one row, the count of unread notifications, so the header's figures come from the
same statement as the home page's list (docs/design.md §5: ≤ 10 statements a page).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, cached_property
from types import SimpleNamespace
from typing import Optional

from flask import g, url_for
from sqlalchemy import (Date, Integer, String, and_, bindparam, case, cast, exists, func,
                        literal_column, null, or_, select, union_all)
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.comments.models import Comment
from app.emulation.models import Proposal, ProposalVote
from app.core.extensions import db
from app.core.templating import comment_url, url_pattern  # a page lists many: each link made once
from app.milestones.models import Milestone
from app.notifications.models import Notification
from app.plans.models import Plan
from app.reports.models import Report, ReportingPeriod, period_unit
from app.reports.obligations import DEADLINE, with_deadline
from app.units.models import Unit
from app.core.vietnamese import today as vn_today

SOON_DAYS = 7   # a milestone due within this many days is shown
# a report due within a reporting cycle is shown: the month's report is in the list from the
# day after last month's deadline, so its deadline never comes unannounced (issue 30)
REPORT_WINDOW_DAYS = 31
LIMIT = 40      # rows read at most; pages show fewer, the total is exact

# most urgent first: a report waiting for the office holds a whole unit up
RANK = {"returned": 1, "review": 2, "report_overdue": 3, "milestone_overdue": 4, "vote": 5,
        "decide": 5, "comment": 6, "report_due": 7, "milestone_due": 8}


def _k(kind: str):
    return literal_column(f"'{kind}'", String)


def _n(value: int):
    return literal_column(str(int(value)), Integer)


NO_INT, NO_TEXT, NO_DAY = cast(null(), Integer), cast(null(), String), cast(null(), Date)

# The statement is built once per process and set of branches (statement()), so the person,
# the unit and the day are parameters: building it was ~2 500 Python calls on every page.
USER_ID, UNIT_ID = bindparam("user_id", type_=Integer), bindparam("unit_id", type_=Integer)
UNIT_KIND = bindparam("unit_kind", type_=String)
TODAY, SOON = bindparam("today", type_=Date), bindparam("soon", type_=Date)
REPORT_SOON = bindparam("report_soon", type_=Date)


def _row(kind, rank, day=NO_DAY, n1=NO_INT, n2=NO_INT, n3=NO_INT, s1=NO_TEXT, s2=NO_TEXT,
         s3=NO_TEXT, s4=NO_TEXT):
    return (_k(kind).label("kind"), (rank if not isinstance(rank, int) else _n(rank)).label("rank"),
            day.label("day"), n1.label("n1"), n2.label("n2"), n3.label("n3"),
            s1.label("s1"), s2.label("s2"), s3.label("s3"), s4.label("s4"))


def _unread():
    return select(*_row("unread", 0, n1=func.count(Notification.id))).where(
        Notification.recipient_id == USER_ID, Notification.read_at.is_(None))


def _unit_reports():
    """Periods the unit must report in whose report is missing, a draft, or returned."""
    reason = (select(Comment.body).where(Comment.subject_type == "report",
                                         Comment.subject_id == Report.id,
                                         Comment.kind == "return")
              .order_by(Comment.id.desc()).limit(1).scalar_subquery())
    kind = func.coalesce(Report.status, "none")
    rank = case((Report.status == "returned", RANK["returned"]),
                (DEADLINE < TODAY, RANK["report_overdue"]), else_=RANK["report_due"])
    listed = (select(*_row(
        "report", rank, day=DEADLINE, n1=ReportingPeriod.id,
        n2=ReportingPeriod.year, n3=ReportingPeriod.number, s1=ReportingPeriod.kind,
        s2=ReportingPeriod.subject, s3=func.coalesce(reason, kind)))
        .select_from(period_unit)
        .join(ReportingPeriod, ReportingPeriod.id == period_unit.c.period_id))
    return (with_deadline(listed, unit_kind=UNIT_KIND)
            .outerjoin(Report, and_(Report.period_id == ReportingPeriod.id,
                                    Report.unit_id == UNIT_ID))
            .where(period_unit.c.unit_id == UNIT_ID,
                   or_(Report.status == "returned",
                       and_(or_(Report.id.is_(None), Report.status == "draft"),
                            DEADLINE <= REPORT_SOON))))


def _comments_waiting():
    """Threads opened on the unit by someone outside it that nobody of the unit answered."""
    author, replier = aliased(User), aliased(User)
    reply = aliased(Comment)
    answered = exists().where(reply.reply_to_id == Comment.id,
                              replier.id == reply.author_id, replier.unit_id == UNIT_ID)
    report = aliased(Report)
    return (select(*_row("comment", RANK["comment"], n1=Comment.id, n2=Comment.subject_id,
                         n3=report.period_id, s1=Comment.subject_type, s2=author.full_name,
                         s3=func.substr(Comment.body, 1, 160)))
            .join(author, author.id == Comment.author_id)
            .outerjoin(report, and_(Comment.subject_type == "report",
                                    report.id == Comment.subject_id))
            .where(Comment.unit_id == UNIT_ID, Comment.kind == "comment",
                   Comment.reply_to_id.is_(None),
                   or_(author.unit_id.is_(None), author.unit_id != UNIT_ID), ~answered))


def _milestones():
    rank = case((Milestone.due_on < TODAY, RANK["milestone_overdue"]),
                else_=RANK["milestone_due"])
    return (select(*_row("milestone", rank, day=Milestone.due_on, n1=Milestone.id,
                         s1=Milestone.title))
            .join(Plan, Plan.id == Milestone.plan_id)
            .where(Milestone.unit_id == UNIT_ID, Plan.locked.is_(False),
                   Milestone.status.not_in(("done", "cancelled")),
                   Milestone.due_on <= SOON))


def _waiting_review():
    return (select(*_row("review", RANK["review"], n1=Report.period_id, n2=ReportingPeriod.year,
                         n3=ReportingPeriod.number, s1=ReportingPeriod.kind,
                         s2=ReportingPeriod.subject, s3=Unit.slug, s4=Unit.name))
            .join(ReportingPeriod, ReportingPeriod.id == Report.period_id)
            .join(Unit, Unit.id == Report.unit_id)
            .where(Report.status == "submitted"))


def _proposals(status, kind, by_voter=False):
    stmt = (select(*_row(kind, RANK[kind], n1=Proposal.id,
                         s1=func.coalesce(func.nullif(Proposal.person_name, ""), Unit.name)))
            .join(Unit, Unit.id == Proposal.unit_id).where(Proposal.status == status))
    if by_voter:
        stmt = stmt.where(~exists().where(ProposalVote.proposal_id == Proposal.id,
                                          ProposalVote.user_id == USER_ID))
    return stmt


@cache
def _statement(unit: bool, review: bool, vote: bool, decide: bool):
    branches = [_unread()]
    if unit:
        branches += [_unit_reports(), _comments_waiting(), _milestones()]
    if review:
        branches.append(_waiting_review())
    if vote:
        branches.append(_proposals("council", "vote", by_voter=True))
    if decide:
        branches.append(_proposals("approved", "decide"))
    u = union_all(*branches).subquery()
    return (select(u, func.count().over().label("total"))
            .order_by(u.c.rank, u.c.day.asc().nulls_last(), u.c.n1).limit(LIMIT))


def statement(user, today: date):
    """(the statement, its parameters) for this person on `today`."""
    roles = user.roles
    unit = "editor" in roles and user.unit_id is not None and user.unit is not None
    params = {"user_id": user.id, "today": today, "soon": today + timedelta(days=SOON_DAYS),
              "report_soon": today + timedelta(days=REPORT_WINDOW_DAYS)}
    if unit:
        params.update(unit_id=user.unit_id, unit_kind=user.unit.kind)
    return _statement(unit, "secretariat" in roles, "council" in roles, "chair" in roles), params


@dataclass(frozen=True)
class Item:
    kind: str           # returned, report_overdue, report_due, comment, milestone_overdue …
    link: str
    title: str          # what, where
    note: str = ""      # a reason, a comment's start, who wrote it
    day: Optional[date] = None
    days_left: Optional[int] = None


class Work:
    """The person's work as one statement read it: the counts at once, the items when a
    page lists them. Every page's header shows only the counts; making the items (a link
    and a sentence each) cost ~500 Python calls on a village head's pages (issue 33)."""

    def __init__(self, rows, user, today: date):
        self._rows, self._user, self._today = rows, user, today
        self.total = (rows[0].total - 1) if rows else 0  # all of them; items holds ≤ LIMIT
        self.unread = next((r.n1 for r in rows if r.kind == "unread"), 0) or 0

    @property
    def count(self) -> int:
        return self.total

    @cached_property
    def items(self) -> tuple:
        user, today = self._user, self._today
        items = [i for i in (_item(r, user, today) for r in self._rows if r.kind != "unread")
                 if i]
        items.sort(key=lambda i: (RANK[i.kind], i.day or date.max))
        return tuple(items)


def _period(year, kind, number, subject):
    return ReportingPeriod.shown_label.fget(
        SimpleNamespace(year=year, kind=kind, number=number, subject=subject or ""))


def _item(row, user, today) -> Optional[Item]:
    from app.core.i18n import gettext as _
    kind = row.kind
    if kind == "report":
        label = _period(row.n2, row.s1, row.n3, row.s2)
        link = url_pattern("reports.report", "period_id", slug=user.unit.slug)(row.n1)
        left = (row.day - today).days
        if row.s3 not in ("none", "draft"):
            return Item("returned", link, _("Báo cáo %(p)s bị trả lại", p=label),
                        note="" if row.s3 == "returned" else row.s3, day=row.day)
        if left < 0:
            return Item("report_overdue", link, _("Báo cáo %(p)s quá hạn %(n)s ngày", p=label,
                                                  n=-left), day=row.day, days_left=left)
        return Item("report_due", link, _("Báo cáo %(p)s: hạn nộp còn %(n)s ngày", p=label,
                                          n=left), day=row.day, days_left=left)
    if kind == "comment":
        subject = SimpleNamespace(id=row.n1, subject_type=row.s1, subject_id=row.n2)
        return Item("comment", comment_url(subject, user.unit, row.n3),
                    _("Ý kiến của %(who)s chờ đơn vị trả lời", who=row.s2), note=row.s3)
    if kind == "milestone":
        left = (row.day - today).days
        link = url_pattern("milestones.show", "milestone_id")(row.n1)
        if left < 0:
            return Item("milestone_overdue", link, _("Nhiệm vụ quá hạn %(n)s ngày: %(t)s",
                                                     n=-left, t=row.s1), day=row.day,
                        days_left=left)
        return Item("milestone_due", link, _("Nhiệm vụ còn %(n)s ngày đến hạn: %(t)s", n=left,
                                             t=row.s1), day=row.day, days_left=left)
    if kind == "review":
        link = url_for("reports.report", slug=row.s3, period_id=row.n1)
        return Item("review", link, _("Báo cáo %(p)s chờ duyệt",
                                      p=_period(row.n2, row.s1, row.n3, row.s2)), note=row.s4)
    if kind in ("vote", "decide"):
        link = url_for("emulation.proposal", proposal_id=row.n1)
        text = _("Đề nghị khen thưởng chờ bạn biểu quyết: %(who)s", who=row.s1) if kind == "vote" \
            else _("Đề nghị khen thưởng chờ quyết định: %(who)s", who=row.s1)
        return Item(kind, link, text)
    return None


def work_of(user, today: Optional[date] = None, *, listed: bool = True) -> Work:
    """The person's work now: one statement. listed=False leaves the items to be made when
    first read (within the request: their links and words need it)."""
    today = today or vn_today()
    work = Work(db.session.execute(*statement(user, today)).all(), user, today)
    if listed:
        work.items  # noqa: B018 - made now, so the result stands outside the request too
    return work


def current_work() -> Optional[Work]:
    """For templates: the signed-in person's work, read once per request (the header's
    count and the home page's list share it)."""
    from flask_login import current_user
    if not getattr(current_user, "is_authenticated", False):
        return None
    if "work" not in g:
        g.work = work_of(current_user._get_current_object(), listed=False)
    return g.work
