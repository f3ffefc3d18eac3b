from flask import redirect, request, url_for

from app.core.policy import can


def landing_url(user) -> str:
    """Where a person starts: the chair from the dashboard; the office and the Front from the
    whole plan; a unit from its page; a province account from the list of communes."""
    if user.commune_id is None:
        return url_for("province.index")
    if user.has_role("chair"):
        return url_for("dashboard.index")
    if can(user, "overview.view") or user.unit is None:
        return url_for("plans.overview")
    return url_for("units.show", slug=user.unit.slug)


def force_password_change():
    """Before every request: a temporary password must be replaced before anything else."""
    from flask_login import current_user

    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in ("auth.change_password", "auth.logout", "static",
                                         "main.healthz")):
        return redirect(url_for("auth.change_password"))
    return None
