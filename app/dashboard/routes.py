"""The chair's dashboard: the whole movement on one page, light enough for weak 3G.

/dashboard                 every target against its figure to date, people and deadlines
/dashboard?status=&area=   the same, filtered; htmx swaps only the indicator list
/dashboard/people          every late unit, overdue milestone, returned report and comment
/dashboard/print           an A4 black-and-white copy for the chair's meetings
/areas/<id>                one content area: its indicators and the milestones serving it
"""
from flask import abort, render_template, request
from flask_babel import gettext as _
from jinja2_fragments.flask import render_block

from app.core.answers import answer, wants
from app.core.errors import Refused
from app.dashboard import bp, queries
from app.dashboard.board import build, read_status
from app.core.extensions import db
from app.plans import queries as plan_queries
from app.plans.models import Area
from app.plans.progress import STATUS_LABELS, STATUSES
from app.core.policy import requires
from app.core.vietnamese import today as vn_today
from app.reports.completeness import STATE_LABELS
from app.core.params import query_int

# How many items of each people-and-deadlines list the dashboard shows before "see all".
SHORT_LIST = 6



def _board(year=None, plan_id=None):
    plan, areas = queries.plan_and_areas(year, plan_id)
    indicators = plan_queries.indicator_rows(plan)
    figures, doubtful = plan_queries.figures_and_doubt(plan)
    return build(plan, areas, indicators, figures, doubtful)


def _filters(board, fixed_area=None):
    """?status= and ?area= from the query string; a value we do not know is a 400."""
    try:
        status = read_status(request.args.get("status"))
    except ValueError:
        raise Refused(_("Bộ lọc tình trạng không hợp lệ."), 400) from None
    if fixed_area is not None:
        return status, fixed_area
    try:
        area_id = query_int("area")
    except Refused:
        area_id = 0  # not an area: said below as the filter's own message
    if area_id is not None and board.area(area_id) is None:
        raise Refused(_("Bộ lọc nội dung thi đua không hợp lệ."), 400)
    return status, area_id


def _people(plan, today, limit):
    returned_total, returned = queries.returned_reports(plan, limit)
    comments_total, comments = queries.unanswered_comments(limit)
    return dict(period_status=queries.current_period_status(today, plan.year),
                overdue=queries.overdue_milestones_by_unit(plan, today),
                returned=returned, returned_total=returned_total,
                comments=comments, comments_total=comments_total,
                limit=limit, state_labels=STATE_LABELS)


def _indicator_context(board, status, area_id):
    return dict(board=board, plan=board.plan, status=status, area_id=area_id,
                shown=board.filtered(status, area_id), statuses=STATUSES,
                status_labels=STATUS_LABELS)


@bp.route("/dashboard")
@requires("overview.view")
def index():
    board = _board(queries.requested_year())
    context = _indicator_context(board, *_filters(board))
    return answer("indicators", lambda: render_block("dashboard/index.html", "indicators",
                                                     **context),
                  lambda: _whole(board, context))


def _whole(board, context):
    today = vn_today()
    return render_template("dashboard/index.html", today=today, **context,
                           **_people(board.plan, today, SHORT_LIST))


@bp.route("/dashboard/people")
@requires("overview.view")
def people():
    plan, _areas = queries.plan_and_areas(queries.requested_year())
    today = vn_today()
    return render_template("dashboard/people.html", plan=plan, today=today,
                           **_people(plan, today, None))


@bp.route("/dashboard/print")
@requires("overview.view")
def print_view():
    board = _board(queries.requested_year())
    today = vn_today()
    return render_template("dashboard/print.html", board=board, plan=board.plan, today=today,
                           statuses=STATUSES, status_labels=STATUS_LABELS,
                           **_people(board.plan, today, None))


@bp.route("/areas/<int:area_id>")
@requires("plan.view")
def area(area_id):
    wants("indicators")  # a missing area's 404 varies too
    found = db.session.get(Area, area_id)
    if found is None:
        abort(404)
    board = _board(plan_id=found.plan_id)
    context = _indicator_context(board, *_filters(board, fixed_area=area_id))
    context["area_board"] = board.area(area_id)
    return answer("indicators", lambda: render_block("dashboard/area.html", "indicators",
                                                     **context),
                  lambda: _whole_area(found, context))


def _whole_area(found, context):
    today = vn_today()
    return render_template("dashboard/area.html", today=today,
                           milestones=queries.milestones_of_area(found, today), **context)
