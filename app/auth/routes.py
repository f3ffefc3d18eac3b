from urllib.parse import urlsplit

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth import passwords
from app.audit.service import record
from app.auth import bp, known_browser, sessions, throttle
from app.auth.forms import ChangePasswordForm, LoginForm
from app.auth.models import User, username_key
from app.core import tenancy
from app.core.answers import moved
from app.core.editing import save
from app.core.forms_flow import form_flow
from app.core.extensions import db
from app.auth.views_support import landing_url
from app.core.policy import public, requires

UNKNOWN_USER_HASH = generate_password_hash("not a password anyone has")


def _safe_next(target):
    # only a path on this site: never an open redirect
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            return _sign_in(form)
    return render_template("auth/login.html", form=form), status


def _sign_in(form):
    key = username_key(form.username.data)
    ip = request.remote_addr or ""
    browser = known_browser.current()
    with tenancy.across_communes():  # a username is unique in the whole deployment
        wait = throttle.check(key, ip, browser)
        user = db.session.scalar(select(User).where(User.username_key == key))
        last = throttle.last_sign_in(key)
    if wait is not None:
        form.password.errors.append(wait.message)
        response = make_response(render_template("auth/login.html", form=form), 429)
        response.headers["Retry-After"] = str(wait.seconds)
        return response
    if user is None:
        # as slow as a wrong password, so timing does not tell which usernames exist
        check_password_hash(UNKNOWN_USER_HASH, form.password.data)
    if user is None or not user.active or not user.check_password(form.password.data):
        def failed():
            failures = throttle.record_failure(key, ip, browser.id)
            if user is not None and failures == current_app.config[
                    "LOGIN_ACCOUNT_FREE_FAILURES"]:
                # from now on each try waits: the log says so the day someone asks why
                with tenancy.using(tenancy.scope_of(user.commune_id)):
                    record("auth.guessed", "user", user.id, unit_id=user.unit_id,
                           after={"failures": failures, "address": ip})
        save(failed)
        form.password.errors.append(_("Tên đăng nhập hoặc mật khẩu không đúng."))
        response = make_response(render_template("auth/login.html", form=form), 401)
        browser.save(response)
        return response
    told, latest = throttle.failures_to_tell(user, browser.id, last)

    def signed_in():
        sessions.start_session(user)
        record("auth.login", "user", user.id, unit_id=user.unit_id, user=user)
    save(signed_in)
    if told:
        # no notification list yet: the holder hears of the guessing on their next sign-in
        flash(_("Có %(n)s lần đăng nhập sai vào tài khoản của bạn kể từ lần đăng nhập trước "
                "(lần gần nhất lúc %(time)s).", n=told, time=throttle.clock(latest)), "error")
    if user.must_change_password:
        response = redirect(url_for("auth.change_password"))
    else:
        # straight to the person's own page: on 3G a redirect chain costs a round trip each
        response = redirect(_safe_next(request.args.get("next")) or landing_url(user))
    browser.signed_in(key)
    browser.save(response)
    return response


@bp.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        def ended():
            record("auth.logout", "user", current_user.id, unit_id=current_user.unit_id)
            sessions.end_session(current_user.session_id)
        save(ended)
    flash(_("Bạn đã đăng xuất."), "info")
    response = redirect(url_for("auth.login"))
    # a shared phone keeps nothing of this person: the worker's pages, the outbox, the
    # HTTP cache (docs/design.md §8); cookies stay (the language, the known browser)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@requires("account.self")
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    return form_flow(form, invalid=400,
                     values=lambda: passwords.check_change(user, form.current.data, form.new.data),
                     store=lambda _values: save(lambda: passwords.change(user, form.new.data)),
                     done=lambda _saved: moved(url_for("main.home"), _("Đã đổi mật khẩu."), 302),
                     shown=lambda status, _refused: (
                         render_template("auth/password.html", form=form), status))
