"""Offline (docs/design.md §8): the service worker at the site's root, the web app
manifest, what the phone may keep for the signed-in person, and the page it shows when a
page was never kept. The worker and the page script are one file, static/offline.js."""
import hashlib
import hmac
import json
from pathlib import Path

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import or_, select

from app.core.extensions import db
from app.milestones.models import Milestone
from app.plans.models import Plan
from app.offline import bp
from app.core.policy import public, requires
from app.reports.models import Report, ReportingPeriod, period_unit
from app.core.templating import static_version
from app.core.vietnamese import today as vn_today

SCRIPT = "offline.js"
YEAR = 365 * 24 * 3600
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


@bp.app_template_global()
def offline_script_url() -> str:
    return url_for("offline.worker", v=static_version(SCRIPT))


@bp.route("/sw.js")
@public
def worker():
    """static/offline.js at the root, so the worker may serve every page of the site. The
    fingerprinted URL the page loads is cached for a year (a repeat visit fetches nothing);
    any other answer is revalidated."""
    path = Path(current_app.static_folder) / SCRIPT
    response = current_app.response_class(path.read_bytes(), mimetype="text/javascript")
    if request.args.get("v") == static_version(SCRIPT):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
@public
def manifest():
    icons = [{"src": url_for("static", filename=f"icon-{n}.png"), "sizes": f"{n}x{n}",
              "type": "image/png"} for n in (192, 512)]
    body = {"name": _("Thi đua xã Bình Lư"), "short_name": _("Thi đua 2026"),
            "start_url": "/", "scope": "/", "display": "standalone", "lang": "vi",
            "background_color": "#ffffff", "theme_color": "#8b1a1a", "icons": icons}
    response = current_app.response_class(json.dumps(body, ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/offline/state")
@public
def state():
    """What the outbox needs before it sends: who is signed in (a change kept for someone
    else is never sent), a CSRF token of this session, and the pages to keep."""
    if not current_user.is_authenticated:
        return {"signin": url_for("auth.login")}, 401
    return {"who": offline_who(), "csrf": generate_csrf(), "keep": [url for url, _name in kept_pages()]}


@bp.route("/offline")
@requires("plan.view")
def fallback():
    """What the worker shows for a page never kept on this phone: the pages that are."""
    return render_template("offline.html", pages=kept_pages())


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
