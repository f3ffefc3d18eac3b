"""The administrator keeps the list of units (issue 9, item 2): create, rename, set kind
and parent, archive (never delete a unit with history); its accounts and its place in
reporting follow."""
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.core.extensions import db
from app.plans.models import Plan
from app.units.models import Unit
from tests.factories import unit_id, user_of


def unit_of(app, slug):
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == slug))
        db.session.expunge_all()
        return unit


def edit_form(unit, **changes):
    return {"name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
            "parent_id": str(unit.parent_id or ""), "version": str(unit.version), **changes}


def test_a_new_village_gets_its_page_and_its_plan_in_the_open_year(app, login):
    admin = login("admin")
    root = unit_id(app, "ubnd-xa")
    r = admin.post("/admin/units/new", {"slug": "ban-na-hi", "name": "Bản Nà Hì",
                                        "short_name": "Nà Hì", "kind": "village",
                                        "parent_id": str(root)})
    assert r.status_code == 302
    unit = unit_of(app, "ban-na-hi")
    assert unit.parent_id == root and unit.kind == "village"
    with app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.unit_id == unit.id))
        assert plan.year == 2026 and len(plan.sections) == 5
        assert "unit.create" in db.session.scalars(select(AuditEvent.action)).all()
    assert "Bản Nà Hì" in admin.get("/admin/units").get_data(as_text=True)
    # the new village is offered for accounts at once
    assert "Bản Nà Hì" in admin.get("/admin/accounts/new").get_data(as_text=True)


@pytest.mark.parametrize("field,value,message", [
    ("slug", "Bản Nà Hì", "chữ thường không dấu"),
    ("slug", "ban-mau-01", "đã có"),
    ("name", "", "Vui lòng nhập tên đơn vị"),
    ("kind", "hamlet", "Lựa chọn không hợp lệ"),
    ("parent_id", "x", "Lựa chọn không hợp lệ"),
])
def test_bad_unit_input_is_a_clear_422(app, login, field, value, message):
    admin = login("admin")
    data = {"slug": "ban-moi", "name": "Bản mới", "kind": "village", "parent_id": "",
            field: value}
    r = admin.post("/admin/units/new", data)
    assert r.status_code == 422 and message in r.get_data(as_text=True)


def test_renaming_and_moving_a_unit_keeps_its_accounts_and_records(app, login):
    admin = login("admin")
    unit = unit_of(app, "ban-mau-01")
    front = unit_id(app, "mttq")
    r = admin.post(f"/admin/units/{unit.id}", edit_form(
        unit, name="Bản Nà Hì", short_name="Nà Hì", parent_id=str(front)))
    assert r.status_code == 302
    moved = unit_of(app, "ban-mau-01")  # the address stays the same
    assert (moved.name, moved.parent_id) == ("Bản Nà Hì", front)
    # its village head still edits it and lands on it under its new name
    ban01 = login("ban01")
    page = ban01.get("/units/ban-mau-01").get_data(as_text=True)
    assert "<h1>Bản Nà Hì</h1>" in page
    assert user_of(app, "ban01").unit_id == unit.id


def test_a_unit_cannot_sit_under_its_own_subunit(app, login):
    admin = login("admin")
    root = unit_of(app, "ubnd-xa")
    village = unit_id(app, "ban-mau-01")
    r = admin.post(f"/admin/units/{root.id}", edit_form(root, parent_id=str(village)))
    assert r.status_code == 422 and "trực thuộc nó" in r.get_data(as_text=True)
    assert unit_of(app, "ubnd-xa").parent_id is None


def test_a_stale_unit_form_is_a_409_with_both_names(app, login):
    admin = login("admin")
    unit = unit_of(app, "ban-mau-02")
    assert admin.post(f"/admin/units/{unit.id}", edit_form(unit, name="Bản A")).status_code == 302
    r = admin.post(f"/admin/units/{unit.id}", edit_form(unit, name="Bản B"))
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "Bản A" in page and "Bản B" in page


def test_archiving_keeps_the_history_and_can_move_the_accounts(app, login):
    admin = login("admin")
    unit = unit_of(app, "ban-mau-02")
    target = unit_id(app, "ban-mau-03")
    r = admin.post(f"/admin/units/{unit.id}/archive", {"move_accounts_to": str(target),
                                                        "version": str(unit.version)})
    assert r.status_code == 302
    assert "Đã chuyển 1 tài khoản" in admin.get(r.headers["Location"]).get_data(as_text=True)
    archived = unit_of(app, "ban-mau-02")
    assert archived.archived_at is not None
    assert user_of(app, "ban02").unit_id == target
    with app.app_context():
        # nothing is deleted: its plan and milestones stay, readable
        assert db.session.scalar(select(func.count(Plan.id)).where(Plan.unit_id == unit.id)) == 1
    reader = login("chutich")
    page = reader.get("/units/ban-mau-02").get_data(as_text=True)
    assert "Đã lưu trữ" in page
    # an archived unit is no longer offered for new accounts, and can be restored
    assert "Bản mẫu 02" not in admin.get("/admin/accounts/new").get_data(as_text=True)
    assert admin.post(f"/admin/units/{unit.id}/restore", {}).status_code == 302
    assert unit_of(app, "ban-mau-02").archived_at is None
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "unit.archive" in actions and "unit.restore" in actions


def test_a_unit_with_active_subunits_or_the_communes_own_unit_is_not_archived(app, login):
    admin = login("admin")
    front = unit_of(app, "mttq")  # the mass organisations sit under the Front
    r = admin.post(f"/admin/units/{front.id}/archive", {"move_accounts_to": "",
                                                         "version": str(front.version)})
    assert r.status_code == 409 and "đơn vị trực thuộc" in r.get_data(as_text=True)
    root = unit_of(app, "ubnd-xa")
    r = admin.post(f"/admin/units/{root.id}/archive", {"move_accounts_to": "",
                                                        "version": str(root.version)})
    assert r.status_code == 409
    assert unit_of(app, "mttq").archived_at is None and unit_of(app, "ubnd-xa").archived_at is None


def test_there_is_no_way_to_delete_a_unit(app):
    deletes = [r for r in app.url_map.iter_rules()
               if r.endpoint.startswith("admin.") and ("DELETE" in r.methods
                                                       or "delete" in r.rule)]
    assert deletes == []


def test_the_unit_list_reads_in_few_statements(app_x10, login, count_queries):
    admin = login("admin", on=app_x10)
    with count_queries(app_x10) as n:
        r = admin.get("/admin/units")
    assert r.status_code == 200 and "Bản mẫu 60" in r.get_data(as_text=True)
    assert n() <= 10, n()
    with app_x10.app_context():
        unit = db.session.scalar(select(Unit.id).where(Unit.slug == "ban-mau-01"))
        user = db.session.scalar(select(User.id).where(User.username == "ban01"))
    for url in (f"/admin/units/{unit}", f"/admin/accounts/{user}", "/admin/accounts/new"):
        with count_queries(app_x10) as n:
            assert admin.get(url).status_code == 200
        assert n() <= 10, (url, n())


def test_a_renamed_village_is_called_by_its_new_name_everywhere(app, login):
    admin = login("admin")
    unit = unit_of(app, "ban-mau-01")
    assert unit.short_name == ""          # the plan file's short name only repeated the name
    r = admin.post(f"/admin/units/{unit.id}", edit_form(unit, name="Bản Nậm Ngà"))
    assert r.status_code == 302
    chair = login("chutich")
    for url in ("/dashboard", "/dashboard/people", "/units/", "/plan", "/reports/completeness?year=2026",
                "/admin/units"):
        response = (admin if url.startswith("/admin") else chair).get(url)
        assert response.status_code == 200, url
        assert "Bản mẫu 01" not in response.get_data(as_text=True), url
    assert "Bản Nậm Ngà" in chair.get("/dashboard/people").get_data(as_text=True)


def test_a_rename_that_keeps_a_distinct_short_name_says_where_it_shows(app, login):
    admin = login("admin")
    unit = unit_of(app, "phong-vhxh")
    r = admin.post(f"/admin/units/{unit.id}", edit_form(unit, name="Phòng Văn hóa – Thông tin"))
    assert r.status_code == 302
    assert unit_of(app, "phong-vhxh").short_name == "Phòng VH-XH"
    page = admin.get("/admin/units").get_data(as_text=True)
    assert "Tên viết tắt “Phòng VH-XH” vẫn hiện thay cho tên mới ở bảng điều hành" in page
    form = admin.get(f"/admin/units/{unit.id}").get_data(as_text=True)
    assert "Hiện thay cho tên đầy đủ ở bảng điều hành, các danh sách, chỉ tiêu và văn bản" in form
    # the same name typed twice is one name
    unit = unit_of(app, "phong-vhxh")
    admin.post(f"/admin/units/{unit.id}", edit_form(unit, short_name=unit.name))
    assert unit_of(app, "phong-vhxh").short_name == ""
