"""Who may do what: the one place that decides.

A rule maps an action to the roles that may take it and how far: "any" unit, or only the
person's "own" unit. Every view declares its action with @requires (or @public); a view
that declares nothing is refused by the guard in create_app, so a forgotten check fails
closed. Templates ask can() the same question to decide whether to show a control.
"""
from functools import wraps

from flask import abort, g, request
from flask_login import current_user

ANY, OWN = "any", "own"
ALL_ROLES = ("admin", "chair", "secretariat", "supervisor", "editor", "council")

RULES = {
    # reading
    "plan.view": {r: ANY for r in ALL_ROLES},
    "unit.view": {r: ANY for r in ALL_ROLES},
    "indicator.export": {r: ANY for r in ALL_ROLES},
    "audit.view": {"admin": ANY, "chair": ANY, "secretariat": ANY, "supervisor": ANY,
                   "editor": OWN},
    "overview.view": {"admin": ANY, "chair": ANY, "secretariat": ANY, "supervisor": ANY,
                      "council": ANY},
    # a unit's own plan, milestones and reports
    "unit.edit": {"chair": ANY, "secretariat": ANY, "editor": OWN},
    "report.edit": {"editor": OWN},
    "report.review": {"secretariat": ANY},
    "report.view": {"admin": ANY, "chair": ANY, "secretariat": ANY, "supervisor": ANY,
                    "council": ANY, "editor": OWN},
    "period.manage": {"secretariat": ANY},
    "commune_report.edit": {"secretariat": ANY},
    # comments: supervision by the Front, review by the office and the chair; a unit answers
    "comment.add": {"chair": ANY, "secretariat": ANY, "supervisor": ANY, "editor": OWN},
    # opening a thread on a unit's page is for those who follow units; editors answer
    "comment.start": {"chair": ANY, "secretariat": ANY, "supervisor": ANY},
    # the commune plan itself, and administration
    "plan.edit": {"secretariat": ANY},
    "admin.accounts": {"admin": ANY},
    "admin.units": {"admin": ANY},
    "account.self": {r: ANY for r in ALL_ROLES},
    # thi đua – khen thưởng (issue 6): the office prepares, the council votes, the chair
    # decides, the Front reads and comments, a unit sees its own scores and proposals
    "emulation.view": {"admin": ANY, "chair": ANY, "secretariat": ANY, "supervisor": ANY,
                       "council": ANY, "editor": OWN},
    "emulation.manage": {"secretariat": ANY},
    "emulation.vote": {"council": ANY},
    "emulation.decide": {"chair": ANY},
    "emulation.comment": {"chair": ANY, "secretariat": ANY, "supervisor": ANY, "council": ANY},
}


def can(user, action: str, unit_id=None) -> bool:
    """May `user` take `action` on the unit `unit_id` (None: on no unit in particular)?"""
    rule = RULES[action]  # an unknown action is a programming error, not a "no"
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    for role in user.roles:
        scope = rule.get(role)
        if scope == ANY:
            return True
        if scope == OWN and unit_id is not None and unit_id == user.unit_id:
            return True
    return False


def asker(user):
    """can() for one person, each (action, unit) worked out once: what templates call."""
    answers = {}

    def ask(action: str, unit_id=None) -> bool:
        key = (action, unit_id)
        if key not in answers:
            answers[key] = can(user, action, unit_id)
        return answers[key]

    return ask


def can_at_all(user, action: str) -> bool:
    """Whether some unit exists on which the user may take the action."""
    rule = RULES[action]
    return bool(getattr(user, "is_authenticated", False)) and any(
        role in rule for role in user.roles)


def authorize(action: str, unit_id=None) -> None:
    g.policy_checked = True
    if not can(current_user, action, unit_id):
        abort(403)


def requires(action: str, unit=None, scoped_in_view=False):
    """Declare a view's action. `unit(**view_args)` returns the unit id the action is on.
    An action that some role holds only on its own unit needs that resolver, or
    scoped_in_view=True for a view that calls authorize() or filters to the person's unit
    itself (a list page)."""
    if action not in RULES:
        raise ValueError(f"unknown action {action!r}")
    if unit is None and not scoped_in_view and OWN in RULES[action].values():
        raise ValueError(f"{action!r} is unit-scoped: give unit= or scoped_in_view=True")

    def decorator(view):
        @wraps(view)
        def wrapped(**kwargs):
            if not current_user.is_authenticated:
                from app.auth.views_support import login_required_response
                return login_required_response()
            if unit is not None:
                authorize(action, unit(**kwargs))
            elif not can_at_all(current_user, action):
                abort(403)
            return view(**kwargs)

        wrapped.policy_action = action
        wrapped.policy_scoped = unit is not None
        return wrapped

    return decorator


def public(view):
    """Open to anyone, signed in or not (login page, health check)."""
    view.policy_action = "public"
    view.policy_scoped = False
    return view


def guard_unchecked_views(app):
    """Refuse any request whose view declared no policy: fail closed."""

    @app.before_request
    def _fail_closed():
        if request.endpoint is None or request.endpoint == "static":
            return None
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "policy_action", None) is None:
            abort(403)
        return None
