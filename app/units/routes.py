from datetime import date

from flask import abort, g, render_template
from sqlalchemy import or_, select

from app.comments.models import Comment
from app.extensions import db
from app.plans import queries
from app.plans.models import Indicator, Milestone, Plan, indicator_contributor
from app.policy import requires
from app.units import bp
from app.units.models import Unit


def unit_by_slug(slug: str) -> Unit:
    """Load once per request: the policy resolver and the view share it."""
    unit = g.get("unit")
    if unit is None or unit.slug != slug:
        unit = db.session.scalar(select(Unit).where(Unit.slug == slug))
        if unit is None:
            abort(404)
        g.unit = unit
    return unit


def unit_id_of(slug, **_):
    return unit_by_slug(slug).id


@bp.route("/units/<slug>")
@requires("unit.view")
def show(slug):
    unit = unit_by_slug(slug)
    commune = queries.requested_plan()
    plan = db.session.scalar(select(Plan).where(Plan.parent_id == commune.id,
                                                Plan.unit_id == unit.id))
    contributing = select(indicator_contributor.c.indicator_id).where(
        indicator_contributor.c.unit_id == unit.id)
    indicators = list(db.session.scalars(
        select(Indicator).where(Indicator.plan_id == commune.id,
                                or_(Indicator.lead_unit_id == unit.id,
                                    Indicator.id.in_(contributing)))
        .order_by(Indicator.sort_order)))
    milestones = []
    if plan is not None:
        milestones = list(db.session.scalars(
            select(Milestone).where(Milestone.plan_id == plan.id)
            .order_by(Milestone.due_on.is_(None), Milestone.due_on, Milestone.id)))
    comments = list(db.session.scalars(
        select(Comment).where(Comment.unit_id == unit.id)
        .order_by(Comment.created_at.desc()).limit(20)))
    return render_template("units/show.html", unit=unit, commune=commune, plan=plan,
                           indicators=indicators, milestones=milestones, comments=comments,
                           today=date.today())
