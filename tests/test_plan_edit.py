"""The secretariat keeps the commune plan itself up to date (issue 9, item 3): text, areas
and indicators, with version conflicts, a reason for every target change and the history
of old values; nobody else can, and a closed year refuses every change."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.core.extensions import db
from app.plans.models import Area, Indicator, IndicatorTargetChange
from tests.factories import FOREST, indicator_id, indicator_post


def history(app, ind_id):
    with app.app_context():
        return [(h.old_target, h.new_target, h.reason) for h in db.session.scalars(
            select(IndicatorTargetChange).where(IndicatorTargetChange.indicator_id == ind_id)
            .order_by(IndicatorTargetChange.id))]


def audit_actions(app):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_target_change_needs_a_reason_and_keeps_the_old_value(any_app, login):
    app = any_app
    c = login("vhxh", on=app)
    ind_id = indicator_id(app)
    url = f"/indicators/{ind_id}/edit"

    refused = c.post(url, indicator_post(app, ind_id, target="60,5"))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "vui lòng ghi lý do" in page
    assert 'value="60,5"' in page  # what was typed is shown back
    assert history(app, ind_id) == []

    reason = "Nghị quyết số 12/NQ-HĐND ngày 20/3/2026 của HĐND xã điều chỉnh chỉ tiêu"
    saved = c.post(url, indicator_post(app, ind_id, target="60,5", reason=reason))
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/indicators/{ind_id}")
    assert history(app, ind_id) == [(Decimal("58.39"), Decimal("60.5"), reason)]
    assert "indicator.edit" in audit_actions(app)

    # the indicator page: the target in force, and its history with both values
    page = c.get(f"/indicators/{ind_id}").get_data(as_text=True)
    now = page[page.index("Mục tiêu đang áp dụng"):page.index("Cách tính")]
    assert "60,5 %" in now and "58,39" not in now
    history_html = page[page.index('id="history"'):]
    assert "58,39" in history_html and "60,5" in history_html and reason in history_html
    assert "Cán bộ Phòng Văn hóa – Xã hội" in history_html

    # the overview shows the target in force and what it was before
    overview = c.get("/plan?year=2026").get_data(as_text=True)
    row = overview[overview.index(FOREST):]
    row = row[:row.index("</tr>")]
    assert "60,5 %" in row and "trước điều chỉnh: 58,39" in row


def test_editing_other_fields_needs_no_reason_and_writes_no_history(app, login):
    c = login("vhxh")
    ind_id = indicator_id(app)
    r = c.post(f"/indicators/{ind_id}/edit",
               indicator_post(app, ind_id, name="Tỷ lệ che phủ rừng toàn xã"))
    assert r.status_code == 302
    assert history(app, ind_id) == []
    with app.app_context():
        ind = db.session.get(Indicator, ind_id)
        assert ind.name == "Tỷ lệ che phủ rừng toàn xã" and ind.target == Decimal("58.39")


def test_the_same_target_written_differently_is_no_change(app, login):
    c = login("vhxh")
    ind_id = indicator_id(app, "III.3-06")  # stunting, "16,90"
    r = c.post(f"/indicators/{ind_id}/edit", indicator_post(app, ind_id, target="16,9"))
    assert r.status_code == 302
    assert history(app, ind_id) == []


def test_a_stale_indicator_save_answers_409_with_both_versions(app, login):
    c = login("vhxh")
    ind_id = indicator_id(app)
    mine = indicator_post(app, ind_id, name="Tên tôi gõ", target="59", reason="NQ 1")
    other = c.post(f"/indicators/{ind_id}/edit",
                   indicator_post(app, ind_id, name="Tên người khác lưu"))
    assert other.status_code == 302
    r = c.post(f"/indicators/{ind_id}/edit", mine)
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "Người khác vừa lưu" in page
    assert "Tên tôi gõ" in page and "Tên người khác lưu" in page
    assert 'value="59"' in page  # nothing typed is lost
    with app.app_context():
        current = db.session.get(Indicator, ind_id)
        assert current.name == "Tên người khác lưu"
        version = current.version
    # the form now carries the current version: saving again is a deliberate overwrite
    assert f'name="version" type="hidden" value="{version}"' in page
    again = c.post(f"/indicators/{ind_id}/edit", {**mine, "version": str(version)})
    assert again.status_code == 302
    assert history(app, ind_id) == [(Decimal("58.39"), Decimal("59"), "NQ 1")]


@pytest.mark.parametrize("field,value,message", [
    ("target", "58.39", "dấu chấm chỉ dùng để phân cách hàng nghìn"),
    ("target", "9,950.3", "kiểu tiếng Anh"),
    ("target", "1e5", "lũy thừa"),
    ("area_id", "abc", "Lựa chọn không hợp lệ"),
    ("area_id", "999999", "Lựa chọn không hợp lệ"),
    ("lead_unit_id", "-1", "Lựa chọn không hợp lệ"),
    ("contributors", ["x"], "Lựa chọn không hợp lệ"),
    ("semantics", "guess", "Lựa chọn không hợp lệ"),
    ("version", "abc", "Biểu mẫu không hợp lệ"),
    ("name", "", "Vui lòng nhập tên chỉ tiêu"),
    ("name", "a\x00b", "ký tự điều khiển"),
    ("code", "x" * 21, "Tối đa 20 ký tự"),
])
def test_bad_indicator_input_is_a_clear_422(app, login, field, value, message):
    c = login("vhxh")
    ind_id = indicator_id(app)
    r = c.post(f"/indicators/{ind_id}/edit",
               indicator_post(app, ind_id, **{field: value, "reason": "x"}))
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)


def test_a_count_of_total_needs_its_total_and_yes_no_is_one(app, login):
    c = login("vhxh")
    schools = indicator_id(app, "III.3-01")
    r = c.post(f"/indicators/{schools}/edit", indicator_post(app, schools, total=""))
    assert r.status_code == 422 and "cần tổng số" in r.get_data(as_text=True)
    health = indicator_id(app, "III.3-05")
    r = c.post(f"/indicators/{health}/edit", indicator_post(app, health, target="2", reason="x"))
    assert r.status_code == 422 and "mục tiêu là 1" in r.get_data(as_text=True)


def test_the_secretariat_adds_an_area_and_an_indicator(app, login):
    c = login("vhxh")
    r = c.post("/areas/new?year=2026", {"code": "III.7", "title": "Chuyển đổi số",
                                         "body": "Đoạn một.\n\nĐoạn hai.", "lead_unit_id": ""})
    assert r.status_code == 302 and r.headers["Location"].endswith("#area-III.7")
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == "III.7"))
        area_id = area.id
        unit_ids = [u for u in db.session.scalars(select(func.min(Area.lead_unit_id)))]
    r = c.post("/indicators/new?year=2026", {
        "area_id": str(area_id), "code": "III.7-01", "name": "Tỷ lệ hồ sơ trực tuyến",
        "unit_of_measure": "%", "semantics": "at_least", "target": "80",
        "lead_unit_id": str(unit_ids[0]), "version": ""})
    assert r.status_code == 302, r.get_data(as_text=True)
    new_id = indicator_id(app, "III.7-01")
    assert history(app, new_id) == []  # a new indicator's target is not a change
    overview = c.get("/plan?year=2026").get_data(as_text=True)
    assert "III.7. Chuyển đổi số" in overview and "Tỷ lệ hồ sơ trực tuyến" in overview
    assert {"area.create", "indicator.create"} <= set(audit_actions(app))
    # a code already used in the year is refused, by name
    dup = c.post("/indicators/new?year=2026", {
        "area_id": str(area_id), "code": "III.7-01", "name": "Trùng", "semantics": "at_least",
        "target": "1"})
    assert dup.status_code == 422 and "Mã III.7-01 đã có" in dup.get_data(as_text=True)
    dup = c.post("/areas/new?year=2026", {"code": "III.2", "title": "Trùng"})
    assert dup.status_code == 422 and "Mã III.2 đã có" in dup.get_data(as_text=True)


def test_an_area_edit_conflict_shows_both_titles(app, login):
    c = login("vhxh")
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == "III.1"))
        area_id, version, body = area.id, area.version, area.body
    form = {"code": "III.1", "body": body, "lead_unit_id": "", "version": str(version)}
    assert c.post(f"/areas/{area_id}/edit", {**form, "title": "Tiêu đề A"}).status_code == 302
    r = c.post(f"/areas/{area_id}/edit", {**form, "title": "Tiêu đề B"})
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "Tiêu đề A" in page and "Tiêu đề B" in page


def test_the_plan_text_is_edited_with_its_sections(app, login):
    c = login("vhxh")
    page = c.get("/plan/edit?year=2026").get_data(as_text=True)
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    data.update({k: v.strip() for k, v in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S)})
    import html
    data = {k: html.unescape(v) for k, v in data.items()}
    section = next(k for k in data if re.fullmatch(r"s\d+", k))
    data.update({"number": "15/KH-UBND", "date_text": "ngày 20 tháng 01 năm 2026",
                 section: "Mục đích mới.\n\nĐoạn thứ hai."})
    r = c.post("/plan/edit?year=2026", data)
    assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
    overview = c.get("/plan?year=2026").get_data(as_text=True)
    assert "15/KH-UBND" in overview and "Mục đích mới." in overview
    assert "plan.edit" in audit_actions(app)
    # the same form again is stale now: both texts are shown, nothing is overwritten
    r = c.post("/plan/edit?year=2026", {**data, "number": "16/KH-UBND"})
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "16/KH-UBND" in page and "15/KH-UBND" in page
    # an empty title is refused with a message, not saved
    r = c.post("/plan/edit?year=2026", {**data, "title": "  "})
    assert r.status_code == 422 and "Vui lòng nhập trích yếu" in r.get_data(as_text=True)


EDIT_PAGES = ("/plan/edit?year=2026", "/areas/new?year=2026", "/indicators/new?year=2026",
              "/plan/new-year")


@pytest.mark.parametrize("username", ["admin", "chutich", "mttq", "kinhte", "ban01"])
def test_only_the_secretariat_edits_the_plan(app, login, username):
    c = login(username)
    ind_id = indicator_id(app)
    with app.app_context():
        area_id = db.session.scalar(select(Area.id).limit(1))
        before = db.session.scalar(select(func.count(AuditEvent.id)))
    urls = [*EDIT_PAGES, f"/indicators/{ind_id}/edit", f"/areas/{area_id}/edit"]
    for url in urls:
        assert c.get(url).status_code == 403, url
        assert c.post(url, indicator_post(app, ind_id, target="1", reason="x")).status_code == 403
    # everyone may read the indicator page; the edit control is the secretariat's
    page = c.get(f"/indicators/{ind_id}")
    assert page.status_code == 200 and "Sửa chỉ tiêu" not in page.get_data(as_text=True)
    assert "Sửa văn bản kế hoạch" not in c.get("/plan").get_data(as_text=True)
    with app.app_context():
        after = db.session.scalar(select(func.count(AuditEvent.id)))
    assert history(app, ind_id) == []
    assert after == before + 0  # sign-in events were written before counting


def test_a_missing_indicator_or_area_is_a_404(app, login):
    c = login("vhxh")
    for url in ("/indicators/999999", "/indicators/999999/edit", "/areas/999999/edit",
                "/plan/edit?year=1999"):
        assert c.get(url).status_code == 404, url


def test_the_indicator_page_reads_in_few_statements(app_x10, login, count_queries):
    c = login("kinhte", on=app_x10)
    ind_id = indicator_id(app_x10)
    with count_queries(app_x10) as n:
        r = c.get(f"/indicators/{ind_id}")
    assert r.status_code == 200
    assert n() <= 10, n()


def test_the_overview_stays_within_its_budget_with_edit_controls(app_x10, login,
                                                                  count_queries):
    c = login("vhxh", on=app_x10)
    with count_queries(app_x10) as n:
        r = c.get("/plan")
    assert r.status_code == 200 and "Sửa văn bản kế hoạch" in r.get_data(as_text=True)
    assert n() <= 10, n()


def test_a_save_sent_again_after_its_answer_was_lost_is_not_a_conflict(app, login):
    """The office's saves on a weak link: the same form again (old version, same values) is
    answered as saved — no 409, nothing written twice; one field different still is a 409."""
    c = login("vhxh")
    ind_id = indicator_id(app)
    typed = indicator_post(app, ind_id, name="Tỷ lệ che phủ rừng (%)", target="59", reason="NQ 1")
    assert c.post(f"/indicators/{ind_id}/edit", typed).status_code == 302
    actions = audit_actions(app)
    again = c.post(f"/indicators/{ind_id}/edit", typed)
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/indicators/{ind_id}")
    assert "Đã lưu chỉ tiêu" in c.get(again.headers["Location"]).get_data(as_text=True)
    assert audit_actions(app) == actions and len(history(app, ind_id)) == 1
    assert c.post(f"/indicators/{ind_id}/edit", {**typed, "name": "Khác"}).status_code == 409

    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == "III.1"))
        form = {"code": "III.1", "title": "Tiêu đề mới", "body": area.body, "lead_unit_id": "",
                "version": str(area.version)}
    assert c.post(f"/areas/{area.id}/edit", form).status_code == 302
    assert c.post(f"/areas/{area.id}/edit", form).status_code == 302
    assert c.post(f"/areas/{area.id}/edit", {**form, "title": "Khác"}).status_code == 409

    page = c.get("/plan/edit?year=2026").get_data(as_text=True)
    import html
    data = {k: html.unescape(v) for k, v in re.findall(
        r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)}
    data.update({k: html.unescape(v.strip()) for k, v in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S)})
    data["number"] = "15/KH-UBND"
    assert c.post("/plan/edit?year=2026", data).status_code == 302
    actions = audit_actions(app)
    assert c.post("/plan/edit?year=2026", data).status_code == 302
    assert audit_actions(app) == actions
    assert c.post("/plan/edit?year=2026", {**data, "number": "16/KH-UBND"}).status_code == 409
