"""The province (issue 31 item 3): its administrator adds communes from their plan files and
their administrators; its emulation board (and its administrator) open one commune at a time
and read its pages, writing nothing there; a commune's administrator stays inside the commune.

On both databases where the database matters: on PostgreSQL the test app connects as the
role row-level security binds, so the province's reading is checked by both walls."""
import io
import re

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.communes.models import Commune
from app.core import tenancy
from app.core.extensions import db
from app.milestones.models import Milestone
from app.plans.loader import DEFAULT_PLAN_FILE
from app.units.models import Unit
from tests.authz.routes import _fingerprint, _resolve
from tests.communes import OTHER_ADMIN, OTHER_PASSWORD, add_other_commune
from tests.conftest import Client, PAGE_SQL_BUDGET, REPEAT_VISIT_BYTES, wire_bytes

BOARD, BOARD_PASSWORD = "tinh_tdkt", "Ban thi đua tỉnh 2026"
PADMIN, PADMIN_PASSWORD = "tinh_quantri", "Quản trị tỉnh Lai Châu 2026"
READ_ONLY = "Tài khoản cấp tỉnh chỉ xem các trang của xã"


def make_province_account(app, username, password, role="province_admin"):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--province", "--role", role, "--username", username,
              "--full-name", f"Người của tỉnh {username}"], input=password + "\n")
    assert result.exit_code == 0, (result.output, result.exception)


def province_client(app, username=BOARD, password=BOARD_PASSWORD, role="province_board"):
    make_province_account(app, username, password, role)
    c = Client(app)
    assert c.login(username, password).status_code == 302
    return c


def open_commune(c, slug):
    response = c.post(f"/province/communes/{slug}/view")
    assert response.status_code == 303 and response.headers["Location"].endswith("/dashboard")
    return response


def plan_bytes(name="Khổng Lào", text=None):
    text = text or DEFAULT_PLAN_FILE.read_text(encoding="utf-8").replace("Bình Lư", name)
    return text.encode("utf-8")


def upload(c, raw, username="qt_xa_moi", password="Mật khẩu xã mới 2026", confirm=None):
    return c.post("/province/communes/new", data={
        "plan_file": (io.BytesIO(raw), "ke-hoach.toml"), "username": username,
        "full_name": "Quản trị viên xã", "password": password,
        "confirm": password if confirm is None else confirm},
        content_type="multipart/form-data")


def count(app, model, scope=tenancy.PROVINCE):
    with app.app_context(), tenancy.using(scope):
        return db.session.scalar(select(func.count()).select_from(model))


# ---------- province accounts ----------

def test_create_admin_province_makes_an_account_of_no_commune_that_lands_on_the_communes(app):
    c = province_client(app, PADMIN, PADMIN_PASSWORD, "province_admin")
    with app.app_context(), tenancy.across_communes():
        user = db.session.scalar(select(User).where(User.username == PADMIN))
        assert user.commune_id is None and user.roles == {"province_admin"}
        # the province's own audit chain says who was made
        made = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create")
                                 .order_by(AuditEvent.id.desc()).limit(1))
        assert made.commune_id is None and PADMIN in made.after
    page = c.get("/province/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Bình Lư" in html and "Thêm xã" in html
    # a commune's page without a commune chosen: back to the list, never every commune mixed
    plan = c.get("/plan")
    assert plan.status_code == 302 and plan.headers["Location"].endswith("/province/")


def test_create_admin_refuses_a_province_role_without_province(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--role", "province_board", "--username", "ai_do",
              "--full-name", "Ai đó"], input="Mật khẩu dài đủ 2026\n")
    assert result.exit_code != 0 and "--province" in result.output


# ---------- the province administrator adds communes and their administrators ----------

def test_the_province_admin_adds_a_commune_by_uploading_its_plan(any_app):
    app = any_app
    c = province_client(app, PADMIN, PADMIN_PASSWORD, "province_admin")
    form = c.get("/province/communes/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'name="plan_file"' in form
    response = upload(c, plan_bytes())
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith("/province/communes/khong-lao")
    with app.app_context(), tenancy.across_communes():
        commune = db.session.scalar(select(Commune).where(Commune.slug == "khong-lao"))
        admin = db.session.scalar(select(User).where(User.username == "qt_xa_moi"))
        units = db.session.scalar(select(func.count(Unit.id)).where(
            Unit.commune_id == commune.id))
        assert admin.commune_id == commune.id and admin.roles == {"admin"} and units > 10
        # the province's chain says who made the commune; the commune's, who made its admin
        events = {(e.action, e.commune_id) for e in db.session.scalars(select(AuditEvent))}
        assert ("commune.create", None) in events and ("user.create", commune.id) in events
    listed = c.get("/province/").get_data(as_text=True)
    assert "Khổng Lào" in listed and "2026" in listed
    card = c.get("/province/communes/khong-lao").get_data(as_text=True)
    assert "qt_xa_moi" in card
    # the new administrator signs in to the new commune, and sees its units
    admin_c = Client(app)
    assert admin_c.login("qt_xa_moi", "Mật khẩu xã mới 2026").status_code == 302
    assert "Khổng Lào" in admin_c.get("/plan").get_data(as_text=True)


def test_a_bad_plan_file_is_refused_naming_its_line_and_nothing_is_made(any_app):
    app = any_app
    c = province_client(app, PADMIN, PADMIN_PASSWORD, "province_admin")
    before = (count(app, Commune), count(app, Unit), count(app, User))
    lines = plan_bytes().decode().splitlines()
    # a unit's kind the app does not know, on a line the error must name
    at = next(i for i, line in enumerate(lines) if line.startswith("kind = "))
    lines[at] = 'kind = "khong-co"'
    response = upload(c, "\n".join(lines).encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"dòng {at + 1}" in html, re.findall(r"dòng \d+[^<]*", html)
    broken = upload(c, b'[commune]\nname = "X\n')  # not TOML at all
    assert broken.status_code == 422 and "dòng 2" in broken.get_data(as_text=True)
    nothing = upload(c, b"")
    assert nothing.status_code == 422 and "Hãy chọn tệp kế hoạch" in nothing.get_data(as_text=True)
    # a good file with a weak password: refused before anything is made
    weak = upload(c, plan_bytes(), password="123456789")
    assert weak.status_code == 422 and "ít nhất 10 ký tự" in weak.get_data(as_text=True)
    mismatch = upload(c, plan_bytes(), confirm="khác hẳn mật khẩu")
    assert mismatch.status_code == 422
    # the administrator's name taken (in another commune): the commune is not half-made
    taken = upload(c, plan_bytes(), username="vhxh")
    assert taken.status_code == 409 and "đã có" in taken.get_data(as_text=True)
    assert (count(app, Commune), count(app, Unit), count(app, User)) == before


def test_a_commune_uploaded_twice_is_refused(app):
    c = province_client(app, PADMIN, PADMIN_PASSWORD, "province_admin")
    again = upload(c, plan_bytes("Bình Lư"), username="qt_binh_lu_2")
    assert again.status_code == 409 and "Xã Bình Lư đã có" in again.get_data(as_text=True)
    assert count(app, Commune) == 1


def test_the_province_admin_adds_another_administrator_to_a_commune(any_app):
    app = any_app
    c = province_client(app, PADMIN, PADMIN_PASSWORD, "province_admin")
    assert upload(c, plan_bytes()).status_code == 303
    weak = c.post("/province/communes/khong-lao/admins/new", data={
        "username": "qt_khong_lao_2", "full_name": "Lò Văn A", "password": "ngắn",
        "confirm": "ngắn"})
    assert weak.status_code == 422
    made = c.post("/province/communes/khong-lao/admins/new", data={
        "username": "qt_khong_lao_2", "full_name": "Lò Văn A",
        "password": "Quản trị thứ hai 2026", "confirm": "Quản trị thứ hai 2026"})
    assert made.status_code == 303
    taken = c.post("/province/communes/binh-lu/admins/new", data={
        "username": "QT_Khong_Lao_2", "full_name": "Trùng tên", "password": "Quản trị thứ hai 2026",
        "confirm": "Quản trị thứ hai 2026"})
    assert taken.status_code == 409
    second = Client(app)
    assert second.login("qt_khong_lao_2", "Quản trị thứ hai 2026").status_code == 302
    accounts = second.get("/admin/accounts").get_data(as_text=True)
    assert "qt_xa_moi" in accounts and "vhxh" not in accounts  # its own commune's only
    assert c.get("/province/communes/khong-co/admins/new").status_code == 404


def test_the_board_may_not_add_communes_or_administrators(app):
    c = province_client(app)
    assert c.get("/province/").status_code == 200
    assert "Thêm xã" not in c.get("/province/").get_data(as_text=True)
    assert upload(c, plan_bytes()).status_code == 403
    assert c.get("/province/communes/binh-lu/admins/new").status_code == 403
    assert count(app, Commune) == 1


# ---------- a commune's administrator stays in the commune ----------

def test_a_commune_admin_can_neither_grant_a_province_role_nor_see_a_province_account(login,
                                                                                      app):
    make_province_account(app, BOARD, BOARD_PASSWORD, "province_board")
    with app.app_context(), tenancy.across_communes():
        board_id = db.session.scalar(select(User.id).where(User.username == BOARD))
    c = login("admin")
    form = c.get("/admin/accounts/new").get_data(as_text=True)
    assert "province_board" not in form and "province_admin" not in form
    assert "tỉnh" not in " ".join(re.findall(r"<label[^>]*>([^<]*)</label>", form))
    for role in ("province_board", "province_admin"):
        made = c.post("/admin/accounts/new", data={
            "username": f"gia_{role}", "full_name": "Giả danh tỉnh", "roles": role})
        assert made.status_code == 422, made.status_code
    with app.app_context(), tenancy.across_communes():
        holders = [u.username for u in db.session.scalars(select(User))
                   if u.roles & {"province_board", "province_admin"}]
    assert holders == [BOARD]
    assert BOARD not in c.get("/admin/accounts").get_data(as_text=True)
    assert c.get(f"/admin/accounts/{board_id}").status_code == 404
    assert c.post(f"/admin/accounts/{board_id}/reset-password").status_code == 404
    # nor may a commune's administrator reach the province's pages
    assert c.get("/province/").status_code == 403


# ---------- the board reads a commune, one at a time ----------

COMMUNE_PAGES = ("/dashboard", "/plan", "/units/", "/units/ban-mau-01", "/reports",
                 "/reports/completeness", "/emulation/", "/emulation/proposals", "/units/ubnd-xa")


def test_the_board_reads_each_commune_and_only_that_communes_data(any_app, tmp_path):
    app = any_app
    ids = add_other_commune(app, tmp_path)
    with app.app_context(), tenancy.using(ids["binh-lu"]):
        work = db.session.scalar(select(Milestone.title).join(Unit, Unit.id == Milestone.unit_id)
                                 .where(Unit.slug == "ban-mau-01").limit(1))
    c = province_client(app)
    listed = c.get("/province/").get_data(as_text=True)
    assert "Bình Lư" in listed and "Khổng Lào" in listed
    for slug, own, other in (("binh-lu", "Bình Lư", "Khổng Lào"),
                             ("khong-lao", "Khổng Lào", "Bình Lư")):
        open_commune(c, slug)
        for url in COMMUNE_PAGES:
            page = c.get(url)
            html = page.get_data(as_text=True)
            assert page.status_code == 200, (slug, url, page.status_code)
            assert f"Đang xem xã {own} — chỉ xem" in html, (slug, url)
            assert 'href="/province/"' in html and "Chọn xã khác" in html
            assert other not in html, (slug, url)
        unit_page = c.get("/units/ban-mau-01").get_data(as_text=True)
        assert (work in unit_page) == (slug == "binh-lu")
    # the province's pages keep the province's scope while a commune is open
    assert "Bình Lư" in c.get("/province/").get_data(as_text=True)


def test_the_province_admin_reads_the_same_way_and_keeps_its_own_account(any_app):
    app = any_app
    c = province_client(app, PADMIN, PADMIN_PASSWORD, "province_admin")
    open_commune(c, "binh-lu")
    assert "Đang xem xã Bình Lư — chỉ xem" in c.get("/plan").get_data(as_text=True)
    assert c.get("/admin/accounts").status_code == 403  # not the commune's administrator
    assert c.post("/units/ban-mau-01/comments", data={"comment": "x"}).status_code == 403
    # its own password is the province's business, not the commune's: changed while viewing
    new = "Mật khẩu mới của tỉnh 2026"
    changed = c.post("/account/password", data={"current": PADMIN_PASSWORD, "new": new,
                                                  "confirm": new})
    assert changed.status_code == 302, changed.get_data(as_text=True)[:1000]
    assert Client(app).login(PADMIN, new).status_code == 302


def test_a_refused_or_missing_page_is_a_plain_4xx_for_the_board(any_app):
    """An error page rolls the transaction back; the account, read in the province's scope,
    must not be reloaded in the commune's (PostgreSQL's policies hide it there)."""
    c = province_client(any_app)
    open_commune(c, "binh-lu")
    refused = c.get("/units/ban-mau-01/milestones/new")
    assert refused.status_code == 403 and "Đang xem xã Bình Lư" in refused.get_data(as_text=True)
    assert c.get("/milestones/999999").status_code == 404
    assert c.get("/dashboard").status_code == 200


def test_every_write_by_the_board_is_refused_in_vietnamese_and_changes_nothing(any_app):
    app = any_app
    c = province_client(app)
    open_commune(c, "binh-lu")
    before = _fingerprint(app)
    tried = 0
    for rule in app.url_map.iter_rules():
        if (rule.endpoint == "static" or "POST" not in rule.methods
                or rule.endpoint.startswith(("province.", "auth.")) or rule.endpoint == "main.set_language"):
            continue
        args = {name: _resolve(app, name, "ban-mau-01") for name in rule.arguments}
        if any(v is None for v in args.values()):
            continue
        with app.test_request_context():
            from flask import url_for
            url = url_for(rule.endpoint, **args)
        payload = {"title": "tỉnh sửa", "body": "tỉnh sửa", "status": "done", "version": "1",
                   "comment": "x", "value": "1"}
        for htmx in (False, True):
            response = c.post(url, data=payload, htmx=htmx)
            assert response.status_code == 403, (url, response.status_code)
            assert READ_ONLY in response.get_data(as_text=True), url
            tried += 1
    assert tried > 60
    assert _fingerprint(app) == before


def test_no_page_the_board_reads_offers_a_write(december_app):
    """No form that writes, no button that posts: only signing out. On the demo as in
    December (a year of reports, reviews and proposals), on a village's records and the
    office's."""
    from tests.conftest import _urls
    app = december_app
    c = province_client(app)
    open_commune(c, "binh-lu")
    offered, read = [], 0
    urls = dict.fromkeys([*_urls(app, "ban-mau-02"), *_urls(app, "phong-kinh-te")])
    for url in urls:
        if url.startswith(("/province/", "/account/")):
            continue  # the province's own pages, the account's own password
        page = c.get(url)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        read += 1
        html = page.get_data(as_text=True)
        for form in re.findall(r"<form\b[^>]*>", html):
            if 'method="post"' in form and "/logout" not in form:
                offered.append((url, form))
        offered += [(url, m) for m in re.findall(r"hx-(?:post|put|patch|delete)=\"[^\"]*\"", html)]
    assert read > 25 and offered == [], (read, offered)


def test_a_viewing_cookie_naming_no_commune_or_tampered_is_a_clear_4xx(app):
    c = province_client(app)
    with c.http.session_transaction() as sess:
        sess["viewing"] = "khong-co"
    gone = c.get("/dashboard")
    assert gone.status_code == 404 and "Không có xã “khong-co”" in gone.get_data(as_text=True)
    # forgotten after: the next commune page sends the person back to the list
    assert c.get("/plan").headers["Location"].endswith("/province/")
    for tampered in (7, ["binh-lu"], "binh-lu'; --", "../binh-lu"):
        with c.http.session_transaction() as sess:
            sess["viewing"] = tampered
        refused = c.get("/dashboard")
        assert refused.status_code == 400, (tampered, refused.status_code)
        assert "hãy chọn lại xã" in refused.get_data(as_text=True)
    # a cookie not signed by the app is no session at all: signed out
    name = app.config["SESSION_COOKIE_NAME"]
    value = c.http.get_cookie(name).value
    c.http.set_cookie(name, value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB"))
    assert c.get("/dashboard").status_code == 302


def test_a_commune_person_with_a_viewing_cookie_stays_in_their_commune(app, tmp_path):
    ids = add_other_commune(app, tmp_path)
    c = Client(app)
    assert c.login(OTHER_ADMIN, OTHER_PASSWORD).status_code == 302
    with c.http.session_transaction() as sess:
        sess["viewing"] = "binh-lu"
    plan = c.get("/plan").get_data(as_text=True)
    assert "Khổng Lào" in plan and "Bình Lư" not in plan and "Đang xem" not in plan
    assert ids


# ---------- budgets: the board's pages ----------

def test_the_boards_pages_keep_the_budgets_and_cost_one_statement_more(app_x10, count_queries):
    """docs/design.md §5 for the board reading a commune; its scope costs it one statement
    (tenancy.view), a commune person none (their budgets: tests/test_budgets.py)."""
    from tests.conftest import _urls
    board = province_client(app_x10)
    open_commune(board, "binh-lu")
    chair = Client(app_x10)
    assert chair.login("chutich").status_code == 302
    over, compared = [], 0
    # listed first: _urls holds a request context open while it yields, and requests
    # made inside it would share its `g` (the signed-in user) between the two clients
    for url in list(_urls(app_x10, "ubnd-xa")):
        with count_queries(app_x10) as n:
            response = board.get(url, headers={"Accept-Encoding": "br, gzip"})
        if response.status_code in (403, 302):
            continue
        assert response.status_code == 200, (url, response.status_code)
        if n() > PAGE_SQL_BUDGET:
            over.append(f"{url}: {n()} SQL statements > {PAGE_SQL_BUDGET}")
        if wire_bytes(response) > REPEAT_VISIT_BYTES:
            over.append(f"{url}: {wire_bytes(response)} bytes > {REPEAT_VISIT_BYTES}")
        if url in ("/dashboard", "/plan", "/units/"):
            board_n = n()
            with count_queries(app_x10) as chair_n:
                again = chair.get(url)
            assert again.status_code == 200, (url, again.status_code, again.headers.get("Location"))
            # the chair's header counts its to-do list; the board has none
            assert board_n <= chair_n() + 1, (url, board_n, chair_n())
            compared += 1
    assert over == [] and compared == 3
