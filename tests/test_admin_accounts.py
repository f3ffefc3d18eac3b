"""The administrator manages accounts (issue 9, item 1): create with a temporary password
that must be changed, edit, deactivate (sessions end at once), reset; usernames unique
regardless of case and accents; only the administrator gets here."""
import gzip
import re

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import User, UserSession
from app.core.extensions import db
from tests.conftest import Client, csrf_from
from tests.factories import unit_id, user_of

TEMP = re.compile(r'<code id="temp-password">([^<]+)</code>')


def create(c, app, username="Bản03", unit="ban-mau-03", roles=("editor",), **extra):
    data = {"username": username, "full_name": "Lò Văn Pọm", "position": "Trưởng bản",
            "unit_id": str(unit_id(app, unit)) if unit else "", "roles": list(roles), **extra}
    return c.post("/admin/accounts/new", data)


def sign_in_with_temporary(app, username, password):
    """Sign in as someone who must change the password: every page leads there."""
    c = Client(app)
    c.token = csrf_from(c.get("/login").get_data(as_text=True))
    r = c.post("/login", {"username": username, "password": password})
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/password")
    c.token = csrf_from(c.get("/account/password").get_data(as_text=True))
    return c


def test_a_new_village_head_signs_in_and_must_change_the_temporary_password(app, login):
    admin = login("admin")
    r = create(admin, app)
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    password = TEMP.search(r.get_data(as_text=True)).group(1)
    user = user_of(app, "Bản03")
    assert user.must_change_password and user.active and user.roles == {"editor"}
    assert user.username_key == "ban03" and user.position == "Trưởng bản"
    with app.app_context():
        ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
        assert '"Bản03"' in ev.after and password not in ev.after

    head = sign_in_with_temporary(app, "ban03", password)  # case and accents do not matter
    # every other page leads back to the password page
    assert head.get("/plan").headers["Location"].endswith("/account/password")
    assert head.get("/units/ban-mau-03").headers["Location"].endswith("/account/password")
    assert "mật khẩu tạm" in head.get("/account/password").get_data(as_text=True)
    weak = head.post("/account/password", {"current": password, "new": "ngắn", "confirm": "ngắn"})
    assert weak.status_code == 400 and "ít nhất 10 ký tự" in weak.get_data(as_text=True)
    common = head.post("/account/password", {"current": password, "new": "1234567890",
                                              "confirm": "1234567890"})
    assert common.status_code == 400 and "quá phổ biến" in common.get_data(as_text=True)
    done = head.post("/account/password", {"current": password, "new": "núi Pu Ta Leng 3049",
                                            "confirm": "núi Pu Ta Leng 3049"})
    assert done.status_code == 302
    landed = head.get(done.headers["Location"])
    assert landed.headers["Location"].endswith("/units/ban-mau-03")
    assert head.get("/units/ban-mau-03").status_code == 200
    assert not user_of(app, "Bản03").must_change_password


@pytest.mark.parametrize("taken", ["BAN01", "bàn01", "Bản01", "ban01"])
def test_usernames_are_unique_regardless_of_case_and_accents(app, login, taken):
    admin = login("admin")
    r = create(admin, app, username=taken)
    assert r.status_code == 422
    assert "đã có (không phân biệt chữ hoa" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 7


@pytest.mark.parametrize("field,value,message", [
    ("username", "có dấu cách", "không có dấu cách"),
    ("username", "", "Vui lòng nhập tên đăng nhập"),
    ("full_name", "", "Vui lòng nhập họ và tên"),
    ("unit_id", "abc", "Lựa chọn không hợp lệ"),
    ("unit_id", "99999", "Lựa chọn không hợp lệ"),
    ("roles", ["god"], "Lựa chọn không hợp lệ"),
    ("roles", [], "ít nhất một vai trò"),
])
def test_bad_account_input_is_a_clear_422(app, login, field, value, message):
    admin = login("admin")
    r = create(admin, app, **{field: value})
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)


def test_an_editor_without_a_unit_is_refused(app, login):
    r = create(login("admin"), app, unit=None)
    assert r.status_code == 422 and "phải thuộc một đơn vị" in r.get_data(as_text=True)


def _action(c, app, username, action, **data):
    user = user_of(app, username)
    return c.post(f"/admin/accounts/{user.id}/{action}", {"version": str(user.version), **data})


def test_deactivating_an_account_ends_its_sessions_at_once(any_app, login):
    app = any_app
    ban01 = login("ban01", on=app)
    assert ban01.get("/units/ban-mau-01").status_code == 200
    admin = login("admin", on=app)
    r = _action(admin, app, "ban01", "active", active="0")
    assert r.status_code == 302
    assert "mọi phiên đăng nhập" in admin.get(r.headers["Location"]).get_data(as_text=True)
    # the open session is gone on its very next request, and signing in fails
    assert "/login" in ban01.get("/units/ban-mau-01").headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(UserSession.id)).join(User).where(
            User.username == "ban01", UserSession.revoked_at.is_(None))) == 0
        actions = list(db.session.scalars(select(AuditEvent.action)))
    assert "user.deactivate" in actions
    assert Client(app).login("ban01").status_code == 401
    # unlocked, the person signs in again
    assert _action(admin, app, "ban01", "active", active="1").status_code == 302
    assert Client(app).login("ban01").status_code == 302


def test_a_password_reset_ends_sessions_and_asks_for_a_new_password(app, login):
    ban02 = login("ban02")
    admin = login("admin")
    r = _action(admin, app, "ban02", "reset-password")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    password = TEMP.search(r.get_data(as_text=True)).group(1)
    assert "/login" in ban02.get("/units/ban-mau-02").headers["Location"]
    assert Client(app).login("ban02").status_code == 401  # the old password is gone
    sign_in_with_temporary(app, "ban02", password)
    with app.app_context():
        ev = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "user.reset_password"))
        assert password not in ev.after


def test_the_administrator_cannot_lock_themselves_out(app, login):
    admin = login("admin")
    me = user_of(app, "admin")
    r = admin.post(f"/admin/accounts/{me.id}", {"full_name": me.full_name, "position": "",
                                                "unit_id": "", "roles": ["chair"],
                                                "version": str(me.version)})
    assert r.status_code == 422 and "tự bỏ vai trò quản trị" in r.get_data(as_text=True)
    r = _action(admin, app, "admin", "active", active="0")
    assert r.status_code == 409 and "tự khóa" in r.get_data(as_text=True)
    r = _action(admin, app, "admin", "reset-password")
    assert r.status_code == 409 and "Đổi mật khẩu" in r.get_data(as_text=True)
    assert user_of(app, "admin").active and user_of(app, "admin").roles == {"admin"}


def test_editing_an_account_changes_roles_and_unit_and_detects_conflicts(app, login):
    admin = login("admin")
    kt = user_of(app, "kinhte")
    form = {"full_name": kt.full_name, "position": "Trưởng phòng",
            "unit_id": str(unit_id(app, "phong-vhxh")), "roles": ["editor", "council"],
            "version": str(kt.version)}
    r = admin.post(f"/admin/accounts/{kt.id}", form)
    assert r.status_code == 302
    changed = user_of(app, "kinhte")
    assert changed.roles == {"editor", "council"} and changed.position == "Trưởng phòng"
    assert changed.unit_id == unit_id(app, "phong-vhxh")
    # the same form again is stale: 409, both values side by side
    r = admin.post(f"/admin/accounts/{kt.id}", {**form, "position": "Phó phòng"})
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "Phó phòng" in page and "Trưởng phòng" in page
    # the rights follow at once: kinhte now edits phong-vhxh's page, not phong-kinh-te's
    kinhte = login("kinhte")
    from app.core.policy import can
    vhxh_id, kinh_te_id = unit_id(app, "phong-vhxh"), unit_id(app, "phong-kinh-te")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "kinhte"))
        assert can(user, "unit.edit", vhxh_id) and not can(user, "unit.edit", kinh_te_id)
    assert kinhte.get("/admin/accounts").status_code == 403


def test_the_account_list_searches_without_accents_and_sorts_the_vietnamese_way(app, login):
    admin = login("admin")
    for username, name in (("dang", "Đặng Thị Hoa"), ("duong", "Dương Văn An"),
                           ("bui", "Bùi Thị Lan")):
        r = admin.post("/admin/accounts/new", {"username": username, "full_name": name,
                                               "roles": ["council"]})
        assert r.status_code == 200
    page = admin.get("/admin/accounts").get_data(as_text=True)
    names = re.findall(r'/admin/accounts/\d+">([^<]+)</a>', page)
    assert names.index("Bùi Thị Lan") < names.index("Dương Văn An") < names.index("Đặng Thị Hoa")
    found = admin.get("/admin/accounts?q=dang thi").get_data(as_text=True)
    assert "Đặng Thị Hoa" in found and "Dương Văn An" not in found
    found = admin.get("/admin/accounts?q=TRUONG BAN").get_data(as_text=True)
    assert "Trưởng Bản mẫu 01" in found and "Trưởng Bản mẫu 02" in found
    assert "Bùi Thị Lan" not in found


def test_the_live_search_answers_only_the_rows_within_budget(app_x10, login, count_queries):
    admin = login("admin", on=app_x10)
    with count_queries(app_x10) as n:
        r = admin.get("/admin/accounts?q=ban", headers={
            "HX-Request": "true", "HX-Target": "account-rows", "Accept-Encoding": "gzip"})
    assert r.status_code == 200 and "HX-Request" in r.headers["Vary"]
    assert n() <= 5, n()
    body = r.get_data()
    html = gzip.decompress(body).decode() if r.headers.get("Content-Encoding") == "gzip" \
        else body.decode()
    assert html.lstrip().startswith("<tr>") and "<html" not in html
    assert len(body) <= 3000
    with count_queries(app_x10) as n:
        assert admin.get("/admin/accounts").status_code == 200
    assert n() <= 10, n()


ADMIN_URLS = ("/admin/accounts", "/admin/accounts/new", "/admin/accounts/{id}",
              "/admin/accounts/{id}/active", "/admin/accounts/{id}/reset-password",
              "/admin/units", "/admin/units/new", "/admin/units/{unit}",
              "/admin/units/{unit}/archive", "/admin/units/{unit}/restore")


@pytest.mark.parametrize("username", ["chutich", "vhxh", "mttq", "kinhte", "ban01"])
def test_nobody_but_the_administrator_reaches_administration(app, login, username):
    c = login(username)
    target = user_of(app, "ban02")
    with app.app_context():
        before = db.session.scalar(select(func.count(AuditEvent.id)))
    for url in ADMIN_URLS:
        url = url.format(id=target.id, unit=unit_id(app, "ban-mau-02"))
        assert c.get(url).status_code in (403, 405), url
        for htmx in (False, True):
            r = c.post(url, {"username": "x", "full_name": "x", "roles": ["admin"],
                             "active": "0", "version": str(target.version)}, htmx=htmx)
            assert r.status_code in (403, 405), url
    assert "Quản trị" not in c.get("/plan").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))) == before
    assert user_of(app, "ban02").active and user_of(app, "ban02").version == target.version
