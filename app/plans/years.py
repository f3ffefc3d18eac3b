"""Plan years: a closed year is read-only, and the next year starts from the last (issue 9).

Every route that changes anything under a plan calls ensure_open(plan) first, so a closed
year stays whole: the one check for every kind of record (app/core/policy.py), asking the
plan's own rule, Plan.closed_reason. start_next_year() copies the commune plan's structure — areas,
indicators without targets, one implementation plan per unit — and closes the old year.
Domains that own more per-year data (scoring criteria, reporting periods) append their own
copy step to YEAR_COPIERS; it runs in the same transaction.
"""
from functools import cache
from typing import Callable

from flask import g
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.audit.service import record
from app.core.policy import Closed, ensure_open  # noqa: F401  the plan routes' check
from app.core.extensions import db
from app.plans.models import Area, Indicator, Plan, PlanSection
from app.units.models import Unit
from app.core.vietnamese import today as vn_today


# a change under a closed year is refused as any closed record is, saying which year
PlanLocked = Closed


@cache
def _years():
    return select(Plan.year).where(Plan.parent_id.is_(None)).order_by(Plan.year.desc())


def plan_years() -> list[int]:
    """Years that have a commune plan, newest first; read once per request."""
    if "plan_years" not in g:
        g.plan_years = list(db.session.scalars(_years()))
    return g.plan_years


def working_year() -> int:
    """The year the pages open on: this year (Vietnam's) once it has a plan, else the newest
    year before it that has one — in January, before the new year is started, the office
    still chases December's reports and compiles the old year."""
    this_year = vn_today().year
    return next((y for y in plan_years() if y <= this_year), this_year)  # newest first


class YearExists(ValueError):
    pass


# Steps other domains add: fn(old_plan, new_plan, user) -> None, run before the commit.
YEAR_COPIERS: list[Callable] = []


def _next_year_text(text: str, old: int, new: int) -> str:
    # "… năm 2026" in a title or section is the plan's own year; other dates (a directive
    # "ngày 13/01/2026") are left for the secretariat to rewrite.
    return text.replace(f"năm {old}", f"năm {new}")


def start_next_year(old: Plan, user=None) -> Plan:
    """Create the commune plan for old.year + 1 from `old`, and close `old`'s year.

    Raises YearExists when that year already has a plan. The caller commits; two people
    clicking at once collide on the old plan's version (StaleDataError) or, on SQLite,
    queue behind BEGIN IMMEDIATE and then see YearExists."""
    year = old.year + 1
    if db.session.scalar(Plan.commune_plan_stmt(year)) is not None:
        raise YearExists(year)
    new = Plan(year=year, unit_id=old.unit_id, number="", date_text="",
               title=_next_year_text(old.title, old.year, year), basis=old.basis,
               theme=_next_year_text(old.theme, old.year, year),
               signer_title=old.signer_title, signer_name=old.signer_name,
               recipients=old.recipients)
    db.session.add(new)
    db.session.flush()
    sections = db.session.scalars(select(PlanSection).where(PlanSection.plan_id == old.id)
                                  .order_by(PlanSection.sort_order))
    for s in sections:
        db.session.add(PlanSection(plan_id=new.id, key=s.key, heading=s.heading,
                                   body=_next_year_text(s.body, old.year, year),
                                   sort_order=s.sort_order))
    area_ids = {}
    for a in db.session.scalars(select(Area).where(Area.plan_id == old.id)):
        copy = Area(plan_id=new.id, code=a.code, title=a.title, body=a.body,
                    lead_unit_id=a.lead_unit_id, sort_order=a.sort_order)
        db.session.add(copy)
        area_ids[a.id] = copy
    db.session.flush()
    indicators = db.session.scalars(select(Indicator).where(Indicator.plan_id == old.id)
                                    .options(selectinload(Indicator.contributors),
                                             selectinload(Indicator.reporters)))
    count = 0
    for ind in indicators:
        # the target and baseline of a new year are the People's Council's to set;
        # the total (8 schools) is the structure being counted and carries over
        db.session.add(Indicator(
            plan_id=new.id, area_id=area_ids[ind.area_id].id, code=ind.code, name=ind.name,
            unit_of_measure=ind.unit_of_measure, semantics=ind.semantics, target=None,
            total=ind.total, baseline=None, lead_unit_id=ind.lead_unit_id, source_text="",
            sort_order=ind.sort_order, contributors=list(ind.contributors),
            combine=ind.combine, reporters=list(ind.reporters), low=ind.low, high=ind.high,
            over_target_pct=ind.over_target_pct))
        count += 1
    from app.plans.loader import ensure_unit_plan

    units = list(db.session.scalars(select(Unit).where(Unit.archived_at.is_(None))))
    for unit in units:
        ensure_unit_plan(new, unit)
    # the old year, commune plan first (its version guards against a double start)
    old.locked = True
    db.session.flush()
    db.session.execute(update(Plan).where(Plan.year == old.year, Plan.parent_id.is_not(None))
                       .values(locked=True, version=Plan.version + 1))
    for copier in YEAR_COPIERS:
        copier(old, new, user)
    record("plan.new_year", "plan", new.id, unit_id=new.unit_id, user=user,
           before={"year": old.year, "plan_id": old.id},
           after={"year": year, "areas": len(area_ids), "indicators": count,
                  "unit_plans": len(units)})
    return new
