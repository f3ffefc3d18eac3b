from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.admin import guards, routes  # noqa: E402,F401

bp.before_app_request(guards.require_password_change)
