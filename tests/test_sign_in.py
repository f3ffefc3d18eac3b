"""Sign-in, sessions that end for real, throttling, CSRF and the headers on every answer."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.auth import sessions
from app.auth.models import User, UserSession
from app.core.extensions import db
from tests.conftest import Client


def _cookie(c: Client):
    return c.http.get_cookie("thidua_session").value


def _replay(app, cookie_value, url="/plan"):
    """A browser that stole the cookie earlier comes back with it."""
    thief = app.test_client()
    thief.set_cookie("thidua_session", cookie_value)
    return thief.get(url)


def test_login_with_wrong_password_says_so_in_vietnamese_and_keeps_the_username(client):
    response = client.login("ban01", "sai-mat-khau-roi")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in html
    assert 'value="ban01"' in html


def test_empty_login_form_is_a_400_with_messages(client):
    response = client.login("", "")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Vui lòng nhập tên đăng nhập." in html and "Vui lòng nhập mật khẩu." in html


def test_username_ignores_case_and_accents(client):
    assert client.login("BAN01").status_code == 302


def test_cookie_captured_before_logout_is_rejected_after(app, login):
    c = login("ban01")
    stolen = _cookie(c)
    assert _replay(app, stolen).status_code == 200
    assert c.post("/logout").status_code == 302
    response = _replay(app, stolen)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deactivation_ends_sessions_at_once(app, login):
    c = login("kinhte")
    stolen = _cookie(c)
    with app.app_context():
        db.session.execute(update(User).where(User.username == "kinhte").values(active=False))
        db.session.commit()
    assert _replay(app, stolen).status_code == 302


def test_password_change_ends_the_other_sessions(app, login):
    phone, desk = login("ban02"), login("ban02")
    stolen = _cookie(desk)
    response = phone.post("/account/password", data={
        "current": "binhlu2026", "new": "Suoi-Nam-Ban-2026", "confirm": "Suoi-Nam-Ban-2026"})
    assert response.status_code == 302
    assert _replay(app, stolen).status_code == 302
    assert phone.get("/plan").status_code == 200  # the one that changed it stays in


def test_short_or_common_new_password_is_refused(login):
    c = login("ban02")
    for weak, message in (("ngan", "ít nhất 10 ký tự"), ("password123", "quá phổ biến")):
        response = c.post("/account/password", data={"current": "binhlu2026", "new": weak,
                                                     "confirm": weak})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)


def test_idle_and_absolute_timeouts(app, login):
    c = login("ban01")
    sid = _cookie_session_id(app, "ban01")
    with app.app_context():
        row = db.session.get(UserSession, sid)
        row.last_seen_at = row.last_seen_at - app.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1)
        db.session.commit()
    assert c.get("/plan").status_code == 302
    c2 = login("ban01")
    sid = _cookie_session_id(app, "ban01")
    with app.app_context():
        row = db.session.get(UserSession, sid)
        row.created_at = row.created_at - app.config["SESSION_ABSOLUTE_TIMEOUT"] - timedelta(minutes=1)
        db.session.commit()
    assert c2.get("/plan").status_code == 302


def _cookie_session_id(app, username):
    with app.app_context():
        return db.session.scalar(
            select(UserSession.id).join(User, User.id == UserSession.user_id)
            .where(User.username == username, UserSession.revoked_at.is_(None))
            .order_by(UserSession.created_at.desc()).limit(1))


def test_sign_in_gives_a_new_session_id(app, client):
    client.get("/login")
    before = client.http.get_cookie("thidua_session")
    client.login("ban01")
    after = client.http.get_cookie("thidua_session")
    assert after is not None and (before is None or before.value != after.value)


def test_login_is_throttled_after_repeated_failures(client):
    for _ in range(5):
        assert client.login("vhxh", "sai-mat-khau-roi").status_code == 401
    response = client.login("vhxh", "binhlu2026")
    assert response.status_code == 429
    assert "quá nhiều lần" in response.get_data(as_text=True)


def test_throttle_is_shared_across_app_instances(app, sqlite_template):
    # a second app on the same database stands for another worker
    from app import create_app
    from tests.conftest import make_config
    other = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    first, second = Client(app), Client(other)
    for _ in range(5):
        first.login("vhxh", "sai-mat-khau-roi")
    assert second.login("vhxh", "binhlu2026").status_code == 429


def test_post_without_csrf_token_is_refused_with_a_message(login):
    c = login("ban01")
    response = c.http.post("/logout", data={})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)


def test_htmx_sends_the_csrf_token_in_a_header(login):
    c = login("ban01")
    assert c.post("/logout", htmx=True).status_code == 302


def test_htmx_request_to_the_login_wall_gets_hx_redirect(client):
    response = client.get("/plan", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_security_headers_and_cookie_flags(login):
    c = login("ban01")
    for url in ("/login", "/plan", "/units/ban-mau-01", "/healthz", "/nope"):
        headers = c.get(url).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"], url
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "same-origin", url
    cookie = c.http.get_cookie("thidua_session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_open_redirect_after_login_is_refused(client):
    client.get("/login")
    page = client.get("/login").get_data(as_text=True)
    from tests.conftest import csrf_from
    response = client.http.post("/login?next=//evil.example/x", data={
        "csrf_token": csrf_from(page), "username": "ban01", "password": "binhlu2026"})
    # the foreign target is dropped: the person goes to their own page, in one redirect
    assert response.headers["Location"] == "/units/ban-mau-01"


def test_session_loader_refuses_unknown_ids(app):
    with app.test_request_context():
        assert sessions.load_user("not-a-session") is None


def test_the_session_cookie_is_not_resent_with_every_answer(login):
    """Every byte counts on 3G: the cookie goes out when the session changes, not on each
    page (the server-side row keeps the idle timeout)."""
    c = login("ban01")
    first = c.get("/units/ban-mau-01")
    again = c.get("/units/ban-mau-01")
    assert first.status_code == again.status_code == 200
    assert "thidua_session" not in again.headers.get("Set-Cookie", "")


def test_an_unknown_username_costs_a_password_check_too(client, monkeypatch):
    """Timing must not tell which usernames exist: an unknown one is checked against a
    stand-in hash, as slow as a real one."""
    import app.auth.routes as routes
    checked = []
    real = routes.check_password_hash
    monkeypatch.setattr(routes, "check_password_hash",
                        lambda h, p: checked.append(h) or real(h, p))
    from tests.conftest import csrf_from
    page = client.get("/login").get_data(as_text=True)
    response = client.http.post("/login", data={"csrf_token": csrf_from(page),
                                                "username": "nobody-here", "password": "x" * 10})
    assert response.status_code == 401
    assert checked == [routes.UNKNOWN_USER_HASH]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_activity_after_a_pause_is_recorded_without_waiting_on_the_request_itself(
        any_app, login, method):
    """Someone who types a report for more than five minutes and then saves: the session's
    'last seen' is recorded at once. (On SQLite a POST holds the write lock from its first
    statement; recording it on a second connection waited for that very lock, 15 s, and
    then gave up, on every POST, and the record was lost: the last assertion fails.)"""
    c = login("ban01", on=any_app)
    sid = _cookie_session_id(any_app, "ban01")
    with any_app.app_context():
        row = db.session.get(UserSession, sid)
        row.last_seen_at = row.last_seen_at - timedelta(minutes=30)
        db.session.commit()
        old = row.last_seen_at
        from app.milestones.models import Milestone
        from app.units.models import Unit
        m = db.session.scalar(select(Milestone).join(Unit, Unit.id == Milestone.unit_id)
                              .where(Unit.slug == "ban-mau-01", Milestone.status != "done"))
        tap = {"status": "done", "version": str(m.version)}
    response = (c.get("/units/ban-mau-01") if method == "GET" else
                c.post(f"/milestones/{m.id}/status", data=tap))  # a one-tap save
    assert response.status_code in (200, 303)
    with any_app.app_context():
        assert db.session.get(UserSession, sid).last_seen_at > old
