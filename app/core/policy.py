"""Who may do what: the one place that decides.

A rule maps an action to the roles that may take it and how far: "any" unit, or only the
person's "own" unit. Every view declares its action with @requires (or @public); a view
that declares nothing is refused by the guard in create_app, so a forgotten check fails
closed. Templates ask can() the same question to decide whether to show a control.

A view on one record names its loader: @requires("report.view", load=load_report) loads
the record once (404 when there is none), asks about the record's own unit and hands the
record to the view as its first argument. A list page that narrows itself to the person's
unit says so (scoped_in_view=True) and must ask unit_scope() or authorize() before it
answers: one that never asked is refused (g.policy_checked), so a forgotten filter fails
closed too.
"""
from functools import wraps

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_login import current_user

from app.core.errors import Refused
from app.core.extensions import db, htmx
from app.core.i18n import gettext as _

ANY, OWN = "any", "own"
# a commune's roles; the province's accounts (no commune) hold the province's own
ALL_ROLES = ("admin", "chair", "secretariat", "supervisor", "editor", "council")
PROVINCE_ROLES = ("province_admin", "province_board")

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
    # issue 21: evidence files on a good model or a proposal, which the office keeps — the
    # office, and the record's own unit, which holds the photos and minutes
    "emulation.evidence": {"secretariat": ANY, "editor": OWN},
    # issue 29: a removed file is kept; the office, which keeps the records, may put it back
    "evidence.restore": {"secretariat": ANY},
    # issue 19: each person's own notifications and e-mail choice; the office reminds units
    "notification.own": {r: ANY for r in ALL_ROLES},
    "report.remind": {"secretariat": ANY},
    # issue 16: the figures the checks flagged, for those who judge the commune's figures
    "figures.check": {"chair": ANY, "secretariat": ANY, "supervisor": ANY},
    # issue 31: the province lists its communes and picks one to read; its administrator
    # adds communes and their administrators
    "province.communes": {r: ANY for r in PROVINCE_ROLES},
    "province.manage": {"province_admin": ANY},
}

# The province reads a commune as its chair does and writes nothing there (issue 31): every
# read the chair holds, on any unit, and no other action of a commune. (A province account
# reads only the commune it chose; app/province/viewing.py refuses its every write there.)
PROVINCE_READS = ("plan.view", "unit.view", "indicator.export", "audit.view", "overview.view",
                  "report.view", "emulation.view", "figures.check")
for _action in (*PROVINCE_READS, "account.self"):
    RULES[_action].update({r: ANY for r in PROVINCE_ROLES})


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


def unit_scope(action: str):
    """For a page that lists many units' records: None when the person may take the
    action on any unit, else the one unit id they are limited to; 403 when neither."""
    g.policy_checked = True
    if can(current_user, action):
        return None
    unit_id = getattr(current_user, "unit_id", None)
    if unit_id is None or not can(current_user, action, unit_id):
        abort(403)
    return unit_id


def login_required_response():
    """The login wall: htmx gets HX-Redirect (never a login form swapped into a cell)."""
    target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if htmx:
        return "", 401, {"HX-Redirect": target}
    flash(_("Vui lòng đăng nhập để tiếp tục."), "info")
    return redirect(target)


def unit_of(record) -> int | None:
    """The unit a loaded record belongs to: a unit itself, its unit_id, or its unit's id."""
    if getattr(type(record), "__tablename__", None) == "unit":  # a unit (core imports no domain)
        return record.id
    unit_id = getattr(record, "unit_id", None)
    if unit_id is None and getattr(record, "unit", None) is not None:
        unit_id = record.unit.id
    return unit_id


def requires(action: str, load=None, unit=unit_of, scoped_in_view=False):
    """Declare a view's action.

    load(**view_args) returns the record the view works on, or None (404); the action is
    asked about unit(record) — the record's own unit unless told otherwise — and the view
    is called as view(record, **view_args). Without load, an action that some role holds
    only on its own unit needs scoped_in_view=True: the view asks unit_scope() or
    authorize() itself, and answers 403 if it never does."""
    if action not in RULES:
        raise ValueError(f"unknown action {action!r}")
    if load is None and unit is not unit_of:
        raise ValueError(f"{action!r}: unit= resolves the unit of a loaded record; give load=")
    if load is None and not scoped_in_view and OWN in RULES[action].values():
        raise ValueError(f"{action!r} is unit-scoped: give load= or scoped_in_view=True")

    def decorator(view):
        @wraps(view)
        def wrapped(**kwargs):
            if not current_user.is_authenticated:
                return login_required_response()
            if load is not None:
                record = load(**kwargs)
                if record is None:
                    abort(404)
                authorize(action, unit(record))
                return view(record, **kwargs)
            if not can_at_all(current_user, action):
                abort(403)
            if not scoped_in_view:
                g.policy_checked = True
                return view(**kwargs)
            answer = view(**kwargs)
            if not g.get("policy_checked"):
                # the view said it narrows to the person's unit, but never asked: fail closed
                db.session.rollback()
                abort(403)
            return answer

        wrapped.policy_action = action
        wrapped.policy_scoped = load is not None
        return wrapped

    return decorator


# ---- whether a record may still change ----------------------------------------------------

class Closed(Refused):
    """A change to a record that no longer changes: a 409 that says why."""

    def __init__(self, message):
        super().__init__(message, 409)


def closed_reason(record) -> str | None:
    """Why a record may no longer change — a closed year, a sent report, a decided proposal
    — or None while it is open. Each kind states its rule once, as its `closed_reason`
    property; its service, evidence files, the offline pages and the templates that offer a
    form all ask it here, so a record is never open to one way of changing and closed to
    another."""
    return record.closed_reason


def ensure_open(record) -> None:
    """Refuse any change to a closed record, with the record's own reason."""
    reason = record.closed_reason
    if reason is not None:
        raise Closed(reason)


def public(view):
    """Open to anyone, signed in or not (login page, health check)."""
    view.policy_action = "public"
    view.policy_scoped = False
    return view


def fail_closed():
    """Before every request: refuse one whose view declared no policy."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "policy_action", None) is None:
        abort(403)
    return None
