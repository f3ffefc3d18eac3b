"""What the phone may keep for the signed-in person (docs/design.md §8): who its kept pages
belong to, which pages they are, and the X-Keep mark after each request (registered by
create_app) on a page that may be kept."""
import hashlib
import hmac

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from app.core.extensions import db
from app.core.vietnamese import today as vn_today
from app.milestones.models import Milestone
from app.offline import bp
from app.plans.models import Plan
from app.reports.models import Report, ReportingPeriod, period_unit

# pages anyone signed in may keep; a unit's own pages are added by _own_page
KEPT_ENDPOINTS = {"plans.overview", "notifications.index", "offline.fallback"}
OPEN_REPORTS_KEPT = 3
OPEN_MILESTONES_KEPT = 6  # their evidence pages: a photo of the work, taken where there is no signal


@bp.app_template_global()
def offline_who() -> str:
    """Who the phone's kept pages and outbox belong to: an opaque key per person (the
    worker names its cache with it; an id would tell a reader of the phone who else used it)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"offline:{current_user.id}".encode(), hashlib.sha256).hexdigest()[:16]


def kept_pages() -> list[tuple[str, str]]:
    """The person's own pages, (address, name): the to-do list, the plan, their unit's page,
    the report forms of its open periods (started, not sent or returned to it) and the
    evidence pages of its milestones still to do, the soonest due first — only records still
    open to change (their closed_reason, app/core/policy.py), in SQL."""
    pages = [(url_for("offline.fallback"), _("Trang đã lưu trên máy")),
             (url_for("notifications.index"), _("Việc cần làm")),
             (url_for("plans.overview"), _("Kế hoạch"))]
    unit = current_user.unit
    if unit is None:
        return pages
    pages.append((url_for("units.show", slug=unit.slug), unit.name))
    periods = db.session.scalars(
        select(ReportingPeriod)
        .join(period_unit, period_unit.c.period_id == ReportingPeriod.id)
        .outerjoin(Report, (Report.period_id == ReportingPeriod.id) & (Report.unit_id == unit.id))
        .where(period_unit.c.unit_id == unit.id, ReportingPeriod.starts_on <= vn_today(),
               or_(Report.id.is_(None), Report.status.in_(Report.OPEN_STATUSES)))
        .order_by(ReportingPeriod.deadline.desc()).limit(OPEN_REPORTS_KEPT))
    pages += [(url_for("reports.report", slug=unit.slug, period_id=p.id),
               _("Báo cáo %(period)s", period=p.shown_label)) for p in periods]
    milestones = db.session.execute(
        select(Milestone.id, Milestone.title).join(Plan, Plan.id == Milestone.plan_id)
        .where(Milestone.unit_id == unit.id, Plan.locked.is_(False),
               Milestone.status.not_in(("done", "cancelled")))
        .order_by(Milestone.due_on, Milestone.id).limit(OPEN_MILESTONES_KEPT))
    pages += [(url_for("evidence.milestone_files", milestone_id=m.id),
               _("Minh chứng: %(title)s", title=m.title)) for m in milestones]
    return pages


def mark_keepable(response):
    """X-Keep names whose cache may hold this page: only the person's own pages (never
    another unit's), only whole pages that rendered well."""
    if response.status_code != 200 or response.mimetype != "text/html":
        return response
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return response  # a fragment of a page, not a page
    if _own_page():
        response.headers["X-Keep"] = offline_who()
    return response


def _own_page() -> bool:
    if (request.method != "GET" or not current_user.is_authenticated
            or request.endpoint is None):
        return False
    if request.endpoint in KEPT_ENDPOINTS:
        return True
    args, unit_id = request.view_args or {}, current_user.unit_id
    if request.endpoint in ("units.show", "reports.report"):
        unit = current_user.unit
        return unit is not None and args.get("slug") == unit.slug
    if request.endpoint == "evidence.milestone_files":
        # the view loaded it: found in the session, no second statement
        m = db.session.get(Milestone, args.get("milestone_id"))
        return m is not None and unit_id is not None and m.unit_id == unit_id
    return False
