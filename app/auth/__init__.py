from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import routes  # noqa: E402,F401


@bp.before_app_request
def _force_password_change():
    """A temporary password must be replaced before anything else."""
    from flask import redirect, request, url_for
    from flask_login import current_user

    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in ("auth.change_password", "auth.logout", "static",
                                         "main.healthz")):
        return redirect(url_for("auth.change_password"))
    return None
