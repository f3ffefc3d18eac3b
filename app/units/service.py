"""A unit's page: its plan sections and the comments on it, as plain functions."""
from dataclasses import dataclass
from functools import cache
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import aliased

from app.audit.service import record, snapshot
from app.comments.models import Comment
from app.extensions import db
from app.plans.models import Plan, PlanSection
from app.milestones.models import Milestone
from app.plans.years import ensure_open
from app.policy import can
from app.locking import ensure_current, stale_guard
from app.units.models import Unit

# Aliases made once: building one per call copies every column and costs each request.
_COMMUNE, _UNIT_PLAN = aliased(Plan, name="commune"), aliased(Plan, name="unit_plan")
_PARENT_COMMENT, _MILESTONE = aliased(Comment, name="parent"), aliased(Milestone, name="ms")

SECTION_FIELDS = ("heading", "body")
COMMENT_FIELDS = ("subject_type", "subject_id", "kind", "reply_to_id", "body")
THREADS_SHOWN = 20


# ---- plan sections ----------------------------------------------------------------------

@cache  # built once per process (and per variant), executed with its parameters
def _page_plans_stmt(by_year: bool):
    commune, unit_plan = _COMMUNE, _UNIT_PLAN
    wanted = (Plan.commune_plan_stmt(bindparam("year") if by_year else None)
              .with_only_columns(Plan.id).scalar_subquery())
    return (select(commune, unit_plan, PlanSection).select_from(commune)
            .outerjoin(unit_plan, and_(unit_plan.parent_id == commune.id,
                                       unit_plan.unit_id == bindparam("unit_id")))
            .outerjoin(PlanSection, PlanSection.plan_id == unit_plan.id)
            .where(commune.id == wanted)
            .order_by(PlanSection.sort_order, PlanSection.id))


def page_plans(unit_id: int, year: Optional[int]):
    """The commune plan of `year` (the newest if None), the unit's plan under it and that
    plan's sections — one statement. None when there is no such year."""
    params = {"unit_id": unit_id} if year is None else {"unit_id": unit_id, "year": year}
    rows = db.session.execute(_page_plans_stmt(year is not None), params).all()
    if not rows:
        return None
    return rows[0][0], rows[0][1], [section for _c, _p, section in rows if section is not None]


def load_section(slug: str, section_id: int) -> Optional[tuple[PlanSection, Plan, Unit]]:
    """The section, if it belongs to the implementation plan of the unit `slug`."""
    row = db.session.execute(
        select(PlanSection, Plan, Unit).select_from(PlanSection).join(Plan, Plan.id == PlanSection.plan_id)
        .join(Unit, Unit.id == Plan.unit_id)
        .where(PlanSection.id == section_id, Unit.slug == slug, Plan.parent_id.is_not(None))
        .execution_options(populate_existing=True)).first()
    return tuple(row) if row else None


def save_section(section: PlanSection, plan: Plan, unit: Unit, version: int, body: str,
                 user=None) -> bool:
    """Save a section's text over the version it was read at; False when unchanged.
    Raises StaleEdit when someone saved in between, PlanLocked in a closed year."""
    ensure_open(plan)
    ensure_current(section, version)
    if body == section.body:
        return False
    before = snapshot(section, SECTION_FIELDS)
    section.body = body
    with stale_guard():
        record("plan_section.update", "plan_section", section.id, unit_id=unit.id, user=user,
               before=before, after=snapshot(section, SECTION_FIELDS))
    return True


# ---- comments ---------------------------------------------------------------------------

class CommentRefused(ValueError):
    pass


@dataclass
class CommentTarget:
    unit: Unit
    parent: Optional[Comment]      # the comment answered, if the form names one of this unit
    milestone: Optional[Milestone]  # the milestone commented on, if one of this unit


def load_comment_target(slug: str, reply_to_id=None, milestone_id=None):
    """The unit with the comment and the milestone a form names — one statement."""
    parent, ms = _PARENT_COMMENT, _MILESTONE
    row = db.session.execute(
        select(Unit, parent, ms).select_from(Unit)
        .outerjoin(parent, and_(parent.id == reply_to_id, parent.unit_id == Unit.id))
        .outerjoin(ms, and_(ms.id == milestone_id, ms.unit_id == Unit.id))
        .where(Unit.slug == slug)).first()
    return CommentTarget(*row) if row else None


def add_comment(target: CommentTarget, body: str, user, reply_to_id=None,
                milestone_id=None, token=None) -> Comment:
    """A new comment, or an answer to one. Those who follow units open threads; a unit's
    own editors answer them."""
    if reply_to_id is not None and target.parent is None:
        raise CommentRefused(_("Ý kiến được trả lời không còn trên trang của đơn vị này."))
    if milestone_id is not None and target.milestone is None:
        raise CommentRefused(_("Mốc được góp ý không có trong kế hoạch của đơn vị này."))
    parent = target.parent
    if parent is None and not can(user, "comment.start", target.unit.id):
        raise CommentRefused(_("Cán bộ đơn vị trả lời các ý kiến đã có; ý kiến mới do Phòng "
                               "Văn hóa – Xã hội, Chủ tịch UBND xã và Ủy ban MTTQ xã đưa ra."))
    if parent is not None:
        thread = parent.reply_to_id or parent.id  # one level: an answer joins the thread
        c = Comment(subject_type=parent.subject_type, subject_id=parent.subject_id,
                    kind="reply", reply_to_id=thread)
    elif target.milestone is not None:
        c = Comment(subject_type="milestone", subject_id=target.milestone.id, kind="comment")
    else:
        c = Comment(subject_type="unit", subject_id=target.unit.id, kind="comment")
    c.unit_id, c.author_id, c.author, c.body = target.unit.id, user.id, user, body
    c.submission_token = token  # a replay of the same form fails on insert
    db.session.add(c)
    db.session.flush()
    record("comment.add", "comment", c.id, unit_id=target.unit.id, user=user,
           after=snapshot(c, COMMENT_FIELDS))
    return c


@cache
def _threads_stmt():
    newest = (select(Comment.id)
              .where(Comment.unit_id == bindparam("unit_id"), Comment.reply_to_id.is_(None))
              .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(THREADS_SHOWN))
    return (select(Comment).where(or_(Comment.id.in_(newest), Comment.reply_to_id.in_(newest)))
            .order_by(Comment.created_at, Comment.id))


def threads_of(unit_id: int) -> tuple[list[Comment], dict[int, list[Comment]]]:
    """The newest threads on the unit's page, each with its answers — one statement."""
    rows = db.session.scalars(_threads_stmt(), {"unit_id": unit_id}).unique()
    threads, replies = [], {}
    for c in rows:
        if c.reply_to_id is None:
            threads.append(c)
        else:
            replies.setdefault(c.reply_to_id, []).append(c)
    threads.reverse()  # newest thread first, answers oldest first
    return threads, replies
