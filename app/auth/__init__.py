from flask import Blueprint

# Only the blueprint here: models can be imported without pulling in the routes
# (create_app imports app.auth.routes when it registers the blueprint).
bp = Blueprint("auth", __name__)



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
