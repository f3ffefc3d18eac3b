from flask import redirect, request, url_for
from flask_babel import gettext as _

from app.core.extensions import htmx


def login_required_response():
    """The login wall: htmx gets HX-Redirect (never a login form swapped into a cell)."""
    target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if htmx:
        return "", 401, {"HX-Redirect": target}
    from flask import flash
    flash(_("Vui lòng đăng nhập để tiếp tục."), "info")
    return redirect(target)
