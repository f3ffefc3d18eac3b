"""A unit's page: its plan sections and the comments on it, as plain functions."""
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple, Optional

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import aliased

from app.audit.service import record, snapshot
from app.comments import service as comments
from app.comments.models import Comment
from app.core.errors import Refused
from app.core.extensions import db
from app.plans.models import Plan, PlanSection
from app.milestones.models import Milestone
from app.plans.years import ensure_open
from app.core.policy import can
from app.core.locking import ensure_current, stale_guard
from app.units.models import Unit
from app.core.vietnamese import _l

# Aliases made once: building one per call copies every column and costs each request.
_COMMUNE, _UNIT_PLAN = aliased(Plan, name="commune"), aliased(Plan, name="unit_plan")
_PARENT_COMMENT, _MILESTONE = aliased(Comment, name="parent"), aliased(Milestone, name="ms")

SECTION_FIELDS = ("heading", "body")
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


class Section(NamedTuple):
    section: PlanSection
    plan: Plan
    unit: Unit


def load_section(slug: str, section_id: int, **_view_args) -> Optional[Section]:
    """The section, if it belongs to the implementation plan of the unit `slug` (with its
    plan and unit); a policy loader."""
    row = db.session.execute(
        select(PlanSection, Plan, Unit).select_from(PlanSection).join(Plan, Plan.id == PlanSection.plan_id)
        .join(Unit, Unit.id == Plan.unit_id)
        .where(PlanSection.id == section_id, Unit.slug == slug, Plan.parent_id.is_not(None))
        .execution_options(populate_existing=True)).first()
    return Section(*row) if row else None


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


def _refused(message):
    return Refused(message, 422, {"body": message})


def add_comment(target: CommentTarget, body: str, user, reply_to_id=None,
                milestone_id=None, token=None) -> tuple[Comment, bool]:
    """A new comment, or an answer to one: (comment, whether the same form came again).
    Those who follow units open threads; a unit's own editors answer them."""
    if reply_to_id is not None and target.parent is None:
        raise _refused(_l("Ý kiến được trả lời không còn trên trang của đơn vị này."))
    if milestone_id is not None and target.milestone is None:
        raise _refused(_l("Mốc được góp ý không có trong kế hoạch của đơn vị này."))
    if target.parent is not None:
        return comments.answer(target.parent, body=body, user=user, token=token)
    if not can(user, "comment.start", target.unit.id):
        raise _refused(_l("Cán bộ đơn vị trả lời các ý kiến đã có; ý kiến mới do Phòng "
                          "Văn hóa – Xã hội, Chủ tịch UBND xã và Ủy ban MTTQ xã đưa ra."))
    if target.milestone is not None:
        return comments.post("milestone", target.milestone.id, unit_id=target.unit.id,
                             body=body, user=user, token=token)
    return comments.post("unit", target.unit.id, unit_id=target.unit.id, body=body, user=user,
                         token=token)


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
