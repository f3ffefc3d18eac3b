"""A unit's page (its plan, milestones, comments, reports), its plan sections edited in
place, its comments, its history, and every unit's overview. Each view on one unit's record
names its loader: @requires(…, load=…) loads it once and hands it to the view."""
from functools import cache

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block, render_blocks
from sqlalchemy import bindparam, case, select
from sqlalchemy.orm import joinedload, load_only

from app.core import idempotency
from app.core.answers import answer, wants
from app.core.editing import save, version_of
from app.core.forms_flow import form_flow
from app.core.extensions import db
from app.milestones import service as milestones
from app.milestones.forms import form_id, unique_ids
from app.plans import queries
from app.plans.models import Area, Indicator
from app.milestones.models import MILESTONE_STATUSES, Milestone
from app.core.policy import can, closed_reason, ensure_open, requires
from app.reports.models import Report
from app.units import bp, history, overview as overview_rules, service
from app.units.forms import CommentForm, SectionForm
from app.core.locking import StaleEdit
from app.units.models import UNIT_KINDS, Unit
from app.units import queries as unit_queries
from app.core.params import query_int, query_year

# ---- the unit page ------------------------------------------------------------------------

# The page's statements, built once per process and executed with their parameters.
@cache
def _page_statements():
    overdue_first = case((milestones.overdue_clause(bindparam("today")), 0), else_=1)
    rows = (select(Milestone).where(Milestone.plan_id == bindparam("plan_id"))
            .options(joinedload(Milestone.area).load_only(Area.code),
                     joinedload(Milestone.indicator).load_only(Indicator.code))
            .order_by(overdue_first, Milestone.due_on.is_(None), Milestone.due_on, Milestone.id))
    reports = (select(Report).options(load_only(Report.id, Report.status, Report.period_id),
                                      joinedload(Report.period))
               .where(Report.unit_id == bindparam("unit_id")).order_by(Report.id.desc()))
    return rows, reports


def _page_context(unit: Unit) -> dict:
    """Everything the unit page shows — a fixed number of statements, whatever the rows."""
    found = service.page_plans(unit.id, query_year())
    if found is None:
        abort(404)
    commune, plan, sections = found
    milestones_stmt, reports_stmt = _page_statements()
    today = milestones.today()
    indicators = queries.indicators_of_unit(unit.id, plan_id=commune.id)
    rows = []
    if plan is not None:
        rows = list(db.session.scalars(milestones_stmt, {"plan_id": plan.id, "today": today}))
    threads, replies = service.threads_of(unit.id)
    reports = None
    if can(current_user, "report.view", unit.id):
        reports = list(db.session.scalars(reports_stmt, {"unit_id": unit.id}))
    return dict(unit=unit, commune=commune, plan=plan, sections=sections,
                indicators=indicators, milestones=rows,
                milestone_titles={m.id: m.title for m in rows}, threads=threads,
                replies=replies, reports=reports,
                threads_shown=service.THREADS_SHOWN,
                today=today,
                # a closed year: read only, and the page says why
                locked=closed_reason(plan) if plan is not None else None)


@bp.route("/units/<slug>")
@requires("unit.view", load=unit_queries.unit_by_slug)
def show(unit, slug):
    return render_template("units/show.html", **_page_context(unit),
                           comment_form=CommentForm(formdata=None))


def _plan_target(slug, **_):
    return milestones.load_unit_target(slug)


@bp.route("/units/<slug>/plan", methods=["POST"])
@requires("unit.edit", load=_plan_target, unit=lambda target: target.unit.id)
def create_plan(target, slug):
    """A unit added after the year's plan was loaded gets its implementation plan here."""
    save(lambda: milestones.ensure_plan(target, user=current_user))
    return redirect(url_for("units.show", slug=slug, _anchor="plan"), 303)


# ---- plan sections ------------------------------------------------------------------------

def _unit_of_section(found):
    return found.unit.id


@bp.route("/units/<slug>/sections/<int:section_id>")
@requires("unit.view", load=service.load_section, unit=_unit_of_section)
def show_section(found, slug, section_id):
    """The section as shown on the unit page: what "Hủy" in the inline editor brings back."""
    section, plan, unit = found
    if wants(f"sec-{section.id}"):
        return render_block("units/show.html", "plan_section", s=section, unit=unit,
                            locked=closed_reason(plan))
    return redirect(url_for("units.show", slug=slug, _anchor=f"sec-{section.id}"))


@bp.route("/units/<slug>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@requires("unit.edit", load=service.load_section, unit=_unit_of_section)
def edit_section(found, slug, section_id):
    section, plan, unit = found
    ensure_open(plan)  # a closed year offers no form either
    target = f"sec-{section.id}"
    wants(target)
    form = unique_ids(SectionForm(obj=section if request.method == "GET" else None),
                      f"sec{section.id}-")
    version = version_of(form) if request.method == "POST" else None
    return form_flow(form, store=lambda: _save_section(found, form, version), catch=StaleEdit,
                     done=lambda s: answer(target, lambda: render_block(
                         "units/show.html", "plan_section", s=s, unit=unit),
                         back=url_for("units.show", slug=slug, _anchor=target),
                         said=_("Đã lưu mục “%(heading)s”.", heading=s.heading)),
                     shown=lambda status, stale: _section_form(found, form, status, stale))


def _save_section(found, form, version):
    section, plan, unit = found
    return save(lambda: service.save_section(section, plan, unit, version, form.body.data,
                                             user=current_user),
                record=section, form=form, keep_loaded=wants(f"sec-{section.id}"),
                differs=lambda now: [] if now.body == form.body.data else [
                    (section.heading, form.body.data, now.body)]).record


def _section_form(found, form, status, stale=None):
    """The section's form; after a conflict, beside the section as stored now."""
    section, _plan, unit = found
    if stale is not None:
        section = stale.current
        form.body.label.text = _("Nội dung của bạn")
    target = f"sec-{section.id}"
    ctx = dict(s=section, unit=unit, form=form, conflict=stale is not None, inline=wants(target))
    return answer(target, lambda: render_block("units/section_edit.html", "section_form", **ctx),
                  lambda: render_template("units/section_edit.html", **ctx), status=status)


# ---- comments -----------------------------------------------------------------------------

def _comment_target(slug, **_):
    """The unit with the comment answered and the milestone commented on, as the form names
    them (each None unless it is this unit's)."""
    return service.load_comment_target(slug, form_id(request.form.get("reply_to_id")),
                                       form_id(request.form.get("milestone_id")))


@bp.route("/units/<slug>/comments", methods=["POST"])
@requires("comment.add", load=_comment_target, unit=lambda target: target.unit.id)
def add_comment(target, slug):
    form = CommentForm()
    parent_id = form.reply_to_id.data
    # htmx appends a thread to the list, or an answer to its thread
    place = f"c-{parent_id}-replies" if parent_id else "comment-list"
    inline = wants(place)
    return form_flow(form, store=lambda: save(lambda: service.add_comment(
        target, form.body.data, current_user._get_current_object(), reply_to_id=parent_id,
        milestone_id=form.milestone_id.data, token=idempotency.token_of(form)),
        keep_loaded=inline).result[0],
        done=lambda c: _comment_added(target, place, parent_id, c),
        shown=lambda _status, _refused: answer(
            place, lambda: _comment_refused_in_place(target.unit, form, parent_id),
            lambda: _comment_refused_page(target.unit, form, parent_id), status=422))


def _comment_added(target, place, parent_id, c):
    """In place: the new item, and the form emptied for the next one (out of band)."""
    blocks = ["reply_item", "reply_form"] if parent_id else ["comment_item", "comment_body"]
    titles = {target.milestone.id: target.milestone.title} if target.milestone else {}
    return answer(place, lambda: render_blocks(
        "units/show.html", blocks, c=c, r=c, unit=target.unit, oob=True,
        parent_id=c.reply_to_id, replies={}, milestones=[], milestone_titles=titles,
        reply_form=None, comment_form=CommentForm(formdata=None)),
        back=url_for("units.show", slug=request.view_args["slug"], _anchor=f"c-{c.id}"),
        said=_("Đã gửi ý kiến."))


def _comment_refused_in_place(unit, form, parent_id):
    """The form back in place, with what was typed and why it was refused."""
    slot = f"reply-{parent_id}" if parent_id else "comment-body"
    block = "reply_form" if parent_id else "comment_body"
    return (render_block("units/show.html", block, unit=unit, comment_form=form,
                         reply_form=form, parent_id=parent_id, milestones=[], oob=False),
            422, {"HX-Retarget": f"#{slot}", "HX-Reswap": "outerHTML"})


def _comment_refused_page(unit, form, parent_id):
    """Without JavaScript: the whole page again, the form open with what was typed, or the
    message above the list when that form is not on the page (a thread gone, no right)."""
    ctx = _page_context(unit)
    shown = (any(t.id == parent_id for t in ctx["threads"]) if parent_id
             else can(current_user, "comment.start", unit.id))
    return render_template("units/show.html", **ctx,
                           comment_form=CommentForm(formdata=None) if parent_id else form,
                           reply_form=form if parent_id else None, reply_open=parent_id,
                           unshown_form=None if shown else form), 422


# ---- history ------------------------------------------------------------------------------

@bp.route("/units/<slug>/history")
@requires("audit.view", load=unit_queries.unit_by_slug)
def history_view(unit, slug):
    number = query_int("page", 1, 1, 100000)  # a page that is not a number is said (400)
    entries, has_next = history.page(unit.id, number)
    return render_template("units/history.html", unit=unit, entries=entries, page=number,
                           has_next=has_next)


# ---- overview -----------------------------------------------------------------------------

@bp.route("/units/")
@requires("overview.view")
def overview():
    commune = queries.requested_plan()
    areas = queries.areas_of(commune)
    f = overview_rules.read_filters({a.id for a in areas})
    today = milestones.today()
    rows = overview_rules.unit_rows(commune.id, today, f)
    late = overview_rules.late_milestones(commune.id, today, f)
    ctx = dict(commune=commune, areas=areas, f=f, rows=rows, late=late, today=today,
               statuses=MILESTONE_STATUSES, kinds=UNIT_KINDS)
    return answer("overview-results", lambda: render_block("units/overview.html", "results",
                                                           **ctx),
                  lambda: render_template("units/overview.html", **ctx))
