"""Offline (docs/design.md §8): the service worker at the site's root, the web app
manifest, what the outbox asks before it sends, and the page it shows when a page was never
kept (which pages are: app/offline/keeping.py). The worker and the page script are one
file, static/offline.js."""
import json
from pathlib import Path

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.communes.templating import movement_title
from app.offline import bp
from app.core.policy import public, requires
from app.core.templating import static_version
from app.offline.keeping import kept_pages, offline_who

SCRIPT = "offline.js"
YEAR = 365 * 24 * 3600


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
    body = {"name": movement_title(visitor=True), "short_name": _("Thi đua 2026"),
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
