"""Milestones (issue 3): add, edit, one-tap status, delete with confirmation — in place with
htmx and as plain forms with JavaScript off; permissions, audit, no lost updates, budgets."""
import json
import re
from datetime import date, timedelta

import brotli
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.core.extensions import db
from app.plans.models import Area, Indicator, Plan, PlanSection
from app.milestones.models import Milestone
from app.core.vietnamese import today as vn_today
from tests.conftest import wire_bytes
from tests.factories import first_milestone, form_of, get_milestone

PARTIAL_SQL_BUDGET = 5
UPDATE_BYTES = 3_000


# ---------------------------------------------------------------- helpers


def area_and_indicator(app, code="III.2-05"):
    with app.app_context():
        ind = db.session.scalar(select(Indicator).where(Indicator.code == code))
        other = db.session.scalar(select(Area.id).where(Area.id != ind.area_id).limit(1))
        return ind.area_id, ind.id, other


def events(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                       .order_by(AuditEvent.id)))


def row_target(m):
    return {"HX-Target": f"m-{m.id}"}


NEW = {"title": "Họp bản triển khai phong trào", "owner": "Trưởng bản",
       "start_on": "01/03/2026", "due_on": "15/03/2026", "status": "not_started",
       "progress": "0", "area_id": "", "indicator_id": "", "evidence": ""}


# ---------------------------------------------------------------- adding

def test_village_head_adds_a_milestone_without_javascript(app, login):
    c = login("ban01")
    area_id, ind_id, _ = area_and_indicator(app)
    r = c.post("/units/ban-mau-01/milestones/new",
               data={**NEW, "indicator_id": str(ind_id), "progress": "10 %"})
    assert r.status_code == 303
    assert re.search(r"/units/ban-mau-01#m-\d+$", r.headers["Location"])
    mid = int(r.headers["Location"].rsplit("-", 1)[1])
    m = get_milestone(app, mid)
    assert (m.title, m.owner, m.start_on, m.due_on, m.progress) == (
        "Họp bản triển khai phong trào", "Trưởng bản", date(2026, 3, 1), date(2026, 3, 15), 10)
    assert m.indicator_id == ind_id and m.area_id == area_id  # the indicator names its area
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "Đã thêm mốc “Họp bản triển khai phong trào”." in page
    assert f'id="m-{mid}"' in page
    created = events(app, "milestone.create")[-1]
    assert created.entity_id == mid and json.loads(created.after)["due_on"] == "2026-03-15"
    assert created.username == "ban01" and created.unit_id == m.unit_id


def test_adding_in_place_answers_the_new_row_and_closes_the_form(app, login):
    c = login("ban01")
    form = c.get("/units/ban-mau-01/milestones/new", headers={"HX-Request": "true",
                                                              "HX-Target": "ms-add"})
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and html.lstrip().startswith('<div id="ms-add"')
    assert 'hx-post="/units/ban-mau-01/milestones/new"' in html and "<html" not in html
    assert "HX-Request" in form.headers.get("Vary", "")
    r = c.post("/units/ban-mau-01/milestones/new", data=NEW, htmx=True,
               headers={"HX-Target": "ms-add"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert '<div id="ms-add">' in html and "+ Thêm mốc" in html
    assert '<ul hx-swap-oob="beforeend:#ms-list">' in html and "Họp bản triển khai" in html


def test_a_bad_milestone_form_keeps_what_was_typed_and_says_why_in_vietnamese(app, login):
    c = login("ban01")
    before = get_count(app)
    bad = {**NEW, "title": "", "start_on": "20/03/2026", "due_on": "31/02/2026",
           "progress": "1.5", "status": "xong", "area_id": "abc", "owner": "x" * 121}
    r = c.post("/units/ban-mau-01/milestones/new", data=bad)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    for message in ("Vui lòng nhập tên mốc, nhiệm vụ.", "tháng 2 năm 2026 chỉ có 28 ngày",
                    "Trạng thái không hợp lệ.", "Tên người phụ trách dài tối đa 120 ký tự."):
        assert message in html, message
    assert 'value="31/02/2026"' in html and 'value="1.5"' in html  # shown back as typed
    r = c.post("/units/ban-mau-01/milestones/new",
               data={**NEW, "start_on": "20/03/2026", "due_on": "10/03/2026", "progress": "101"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Hạn hoàn thành không được trước ngày bắt đầu." in html
    assert "Tiến độ là số nguyên từ 0 đến 100." in html
    r = c.post("/units/ban-mau-01/milestones/new", data={**NEW, "area_id": "999999"},
               htmx=True, headers={"HX-Target": "ms-add"})
    assert r.status_code == 422 and "Nội dung thi đua đã chọn không có trong kế hoạch." in r.get_data(as_text=True)
    assert r.get_data(as_text=True).lstrip().startswith('<div id="ms-add"')
    assert get_count(app) == before


def test_an_indicator_must_belong_to_the_area_chosen(app, login):
    c = login("ban01")
    _area, ind_id, other_area = area_and_indicator(app)
    r = c.post("/units/ban-mau-01/milestones/new",
               data={**NEW, "area_id": str(other_area), "indicator_id": str(ind_id)})
    assert r.status_code == 422
    assert "thuộc nội dung III.2, không thuộc nội dung đã chọn" in r.get_data(as_text=True)


def get_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Milestone.id)))


# ---------------------------------------------------------------- editing

def test_editing_in_place_is_one_request_answering_the_row(app, login):
    c = login("ban01")
    m = first_milestone(app)
    form = c.get(f"/milestones/{m.id}/edit", headers={"HX-Request": "true", **row_target(m)})
    html = form.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li id="m-{m.id}"') and "<html" not in html
    assert f'name="version" type="hidden" value="{m.version}"' in html
    r = c.post(f"/milestones/{m.id}/edit", data=form_of(m, title="Kế hoạch đã ban hành",
                                                         progress="100", evidence="Số 12/KH-BMH"),
               htmx=True, headers=row_target(m))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.lstrip().startswith(f'<li id="m-{m.id}"')
    assert "Kế hoạch đã ban hành" in html and "Số 12/KH-BMH" in html
    saved = get_milestone(app, m.id)
    assert saved.title == "Kế hoạch đã ban hành" and saved.version == m.version + 1
    ev = events(app, "milestone.update")[-1]
    assert json.loads(ev.before)["title"] == m.title
    assert json.loads(ev.after)["title"] == "Kế hoạch đã ban hành"
    # cancel brings back the row
    back = c.get(f"/milestones/{m.id}", headers={"HX-Request": "true", **row_target(m)})
    assert back.get_data(as_text=True).lstrip().startswith(f'<li id="m-{m.id}"')
    assert c.get(f"/milestones/{m.id}").status_code == 302


def test_editing_without_javascript_is_post_redirect_get(app, login):
    c = login("ban01")
    m = first_milestone(app)
    page = c.get(f"/milestones/{m.id}/edit")
    assert page.status_code == 200 and "<h1>Sửa mốc, nhiệm vụ</h1>" in page.get_data(as_text=True)
    assert "hx-post" not in re.search(r'<form class="ms-form".*?>', page.get_data(as_text=True)).group(0)
    r = c.post(f"/milestones/{m.id}/edit", data=form_of(m, due_on="28/02/2026"))
    assert r.status_code == 303 and r.headers["Location"].endswith(f"#m-{m.id}")
    assert get_milestone(app, m.id).due_on == date(2026, 2, 28)


def test_saving_an_unchanged_form_writes_nothing(app, login):
    c = login("ban01")
    m = first_milestone(app)
    n = len(events(app, "milestone.update"))
    r = c.post(f"/milestones/{m.id}/edit", data=form_of(m))
    assert r.status_code == 303
    assert get_milestone(app, m.id).version == m.version and len(events(app, "milestone.update")) == n


def test_a_stale_edit_answers_409_with_both_versions_and_keeps_the_text(app, login):
    first, second = login("ban01"), login("vhxh")
    m = first_milestone(app)
    assert first.post(f"/milestones/{m.id}/edit", data=form_of(m, title="Bản của trưởng bản")).status_code == 303
    # vhxh still holds the form read at the old version
    r = second.post(f"/milestones/{m.id}/edit",
                    data=form_of(m, title="Bản của phòng Văn hóa", owner="Chị Lò Thị Mai"))
    html = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "Mốc này vừa được người khác lưu" in html
    conflict = re.search(r'<div class="alert error conflict".*?</dl>', html, re.S).group(0)
    assert "Bản của phòng Văn hóa" in conflict and "Bản của trưởng bản" in conflict
    assert 'value="Bản của phòng Văn hóa"' in html and 'value="Chị Lò Thị Mai"' in html
    assert f'name="version" type="hidden" value="{m.version + 1}"' in html
    assert get_milestone(app, m.id).title == "Bản của trưởng bản"
    # the same in place: the conflict comes back in the row
    r = second.post(f"/milestones/{m.id}/edit", data=form_of(m, title="Lần hai"), htmx=True,
                    headers=row_target(m))
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and html.lstrip().startswith(f'<li id="m-{m.id}"')
    assert "Lần hai" in html and "Bản của trưởng bản" in html
    # saving again from the conflict form (current version) is a deliberate overwrite
    merged = form_of(m, title="Bản đã gộp", version=str(m.version + 1))
    assert second.post(f"/milestones/{m.id}/edit", data=merged).status_code == 303
    assert get_milestone(app, m.id).title == "Bản đã gộp"


def test_a_save_sent_again_after_its_answer_was_lost_is_not_a_conflict(app, login):
    """On a weak link the answer to a save can be lost: the person saves again from the same
    form (the old version). The record already holds what they typed — no 409, no second
    change in the log; the row (or the page) shows the saved record."""
    c = login("ban01")
    m = first_milestone(app)
    typed = form_of(m, title="Bản đã sửa", progress="40", status="in_progress")
    assert c.post(f"/milestones/{m.id}/edit", data=typed).status_code == 303
    n = len(events(app, "milestone.update"))
    r = c.post(f"/milestones/{m.id}/edit", data=typed, htmx=True, headers=row_target(m))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.lstrip().startswith(f'<li id="m-{m.id}"')
    assert "Bản đã sửa" in html and f'name="version" value="{m.version + 1}"' in html
    r = c.post(f"/milestones/{m.id}/edit", data=typed)  # without JavaScript
    assert r.status_code == 303 and r.headers["Location"].endswith(f"#m-{m.id}")
    assert get_milestone(app, m.id).version == m.version + 1
    assert len(events(app, "milestone.update")) == n
    # one field different from the saved record: a real conflict still
    r = c.post(f"/milestones/{m.id}/edit", data={**typed, "progress": "50"})
    assert r.status_code == 409 and "Mốc này vừa được người khác lưu" in r.get_data(as_text=True)

def test_a_form_without_a_version_is_refused(app, login):
    c = login("ban01")
    m = first_milestone(app)
    for version in ("", "abc", "0", "-1", "١"):
        r = c.post(f"/milestones/{m.id}/edit", data=form_of(m, title="x", version=version))
        assert r.status_code == 400, version
        assert "Biểu mẫu thiếu thông tin phiên bản" in r.get_data(as_text=True)
    assert get_milestone(app, m.id).title == m.title


# ---------------------------------------------------------------- one-tap status

def test_one_tap_marks_a_milestone_done_in_place(app, login):
    c = login("ban01")
    m = first_milestone(app, status="in_progress")
    r = c.post(f"/milestones/{m.id}/status", data={"status": "done", "version": m.version},
               htmx=True, headers=row_target(m))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.lstrip().startswith(f'<li id="m-{m.id}"')
    assert 'value="done" aria-pressed="true" autofocus>' in html and "100%" in html
    assert "Quá hạn" not in html
    saved = get_milestone(app, m.id)
    assert (saved.status, saved.progress, saved.version) == ("done", 100, m.version + 1)
    ev = events(app, "milestone.status")[-1]
    assert json.loads(ev.before)["status"] == "in_progress" and json.loads(ev.after)["status"] == "done"


def test_one_tap_without_javascript_redirects_back_to_the_row(app, login):
    c = login("ban01")
    m = first_milestone(app, status="not_started")
    r = c.post(f"/milestones/{m.id}/status", data={"status": "paused", "version": m.version})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/units/ban-mau-01#m-{m.id}")
    assert "Đã chuyển" in c.get(r.headers["Location"]).get_data(as_text=True)
    assert get_milestone(app, m.id).status == "paused"


def test_a_stale_tap_answers_409_in_the_row_with_the_choice_named(app, login):
    c, other = login("ban01"), login("vhxh")
    m = first_milestone(app, status="in_progress")
    assert other.post(f"/milestones/{m.id}/status",
                      data={"status": "paused", "version": m.version}).status_code == 303
    r = c.post(f"/milestones/{m.id}/status", data={"status": "done", "version": m.version},
               htmx=True, headers=row_target(m))
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and html.lstrip().startswith(f'<li id="m-{m.id}"')
    assert "trạng thái hiện là “Tạm dừng”" in html and "Bạn đã chọn “Hoàn thành”" in html
    assert f'name="version" value="{m.version + 1}"' in html
    # without JavaScript: the edit page, the chosen status kept beside the saved one
    r = c.post(f"/milestones/{m.id}/status", data={"status": "done", "version": m.version})
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and "<h1>Sửa mốc, nhiệm vụ</h1>" in html
    assert '<option selected value="done">' in html
    assert re.search(r'<dt>Trạng thái</dt>\s*<dd><span class="muted">[^<]*</span> '
                     r'<span class="mine">Hoàn thành</span></dd>\s*'
                     r'<dd><span class="muted">[^<]*</span> <span class="theirs">Tạm dừng</span>', html)
    assert get_milestone(app, m.id).status == "paused"


def test_a_tap_sent_again_after_its_answer_was_lost_is_not_a_conflict(app, login):
    c = login("ban01")
    m = first_milestone(app, status="in_progress")
    tap = {"status": "done", "version": m.version}
    assert c.post(f"/milestones/{m.id}/status", data=tap, htmx=True,
                  headers=row_target(m)).status_code == 200
    n = len(events(app, "milestone.status"))
    for htmx in (True, False):  # the same tap again, from the page read before the first
        r = c.post(f"/milestones/{m.id}/status", data=tap, htmx=htmx,
                   headers=row_target(m) if htmx else {})
        assert r.status_code == (200 if htmx else 303)
    html = c.post(f"/milestones/{m.id}/status", data=tap, htmx=True,
                  headers=row_target(m)).get_data(as_text=True)
    assert 'value="done" aria-pressed="true" autofocus>' in html and "vừa được người khác" not in html
    assert get_milestone(app, m.id).version == m.version + 1
    assert len(events(app, "milestone.status")) == n

def test_a_bad_status_is_refused(app, login):
    c = login("ban01")
    m = first_milestone(app)
    r = c.post(f"/milestones/{m.id}/status", data={"status": "overdue", "version": m.version})
    assert r.status_code == 422 and "Trạng thái không hợp lệ." in r.get_data(as_text=True)
    assert get_milestone(app, m.id).version == m.version


def test_overdue_is_computed_from_the_date(app, login):
    c = login("ban01")
    m = first_milestone(app, status="not_started")
    yesterday = (vn_today() - timedelta(days=1)).strftime("%d/%m/%Y")
    r = c.post(f"/milestones/{m.id}/edit", data=form_of(m, start_on="", due_on=yesterday),
               htmx=True, headers=row_target(m))
    assert 'class="ms late"' in r.get_data(as_text=True) and "Quá hạn" in r.get_data(as_text=True)
    m = get_milestone(app, m.id)
    r = c.post(f"/milestones/{m.id}/status", data={"status": "done", "version": m.version},
               htmx=True, headers=row_target(m))
    assert "Quá hạn" not in r.get_data(as_text=True)
    today = vn_today().strftime("%d/%m/%Y")
    m = get_milestone(app, m.id)
    r = c.post(f"/milestones/{m.id}/edit", data=form_of(m, status="in_progress", progress="50",
                                                         due_on=today),
               htmx=True, headers=row_target(m))
    assert "Quá hạn" not in r.get_data(as_text=True)  # due today is not late yet


# ---------------------------------------------------------------- deleting

def test_delete_asks_first_then_deletes_and_audits(app, login):
    c = login("ban01")
    m = first_milestone(app)
    ask = c.get(f"/milestones/{m.id}/delete")
    assert ask.status_code == 200 and f"Xóa mốc “{m.title}”?" in ask.get_data(as_text=True)
    assert get_milestone(app, m.id) is not None
    r = c.post(f"/milestones/{m.id}/delete", data={"version": m.version})
    assert r.status_code == 303 and r.headers["Location"].endswith("/units/ban-mau-01#milestones")
    assert get_milestone(app, m.id) is None
    ev = events(app, "milestone.delete")[-1]
    assert ev.entity_id == m.id and json.loads(ev.before)["title"] == m.title


def test_delete_in_place_confirms_in_the_row_and_leaves_a_note(app, login):
    c = login("ban01")
    m = first_milestone(app)
    ask = c.get(f"/milestones/{m.id}/delete", headers={"HX-Request": "true", **row_target(m)})
    assert ask.get_data(as_text=True).lstrip().startswith(f'<li id="m-{m.id}" class="ms confirm"')
    r = c.post(f"/milestones/{m.id}/delete", data={"version": m.version}, htmx=True,
               headers=row_target(m))
    assert r.status_code == 200 and "Đã xóa mốc" in r.get_data(as_text=True)
    assert get_milestone(app, m.id) is None


def test_deleting_a_milestone_changed_meanwhile_asks_again(app, login):
    c, other = login("ban01"), login("vhxh")
    m = first_milestone(app)
    other.post(f"/milestones/{m.id}/edit", data=form_of(m, title="Đã đổi tên"))
    r = c.post(f"/milestones/{m.id}/delete", data={"version": m.version})
    assert r.status_code == 409 and "Đã đổi tên" in r.get_data(as_text=True)
    assert "vừa được người khác sửa" in r.get_data(as_text=True)
    assert get_milestone(app, m.id) is not None
    gone = c.post(f"/milestones/{m.id}/delete", data={"version": m.version + 1})
    assert gone.status_code == 303
    again = c.post(f"/milestones/{m.id}/status", data={"status": "done", "version": m.version + 1})
    assert again.status_code == 404


# ---------------------------------------------------------------- permissions

def test_an_editor_of_another_unit_sees_no_controls_and_cannot_post(app, login):
    kinhte = login("kinhte")
    m = first_milestone(app)
    page = kinhte.get("/units/ban-mau-01").get_data(as_text=True)
    assert m.title in page
    for control in ('class="ms-tap"', "/milestones/new", f"/milestones/{m.id}/edit", "/edit\"",
                    f"/milestones/{m.id}/delete"):
        assert control not in page, control
    with app.app_context():
        before = db.session.scalar(select(func.count(AuditEvent.id)))
    for url, data in ((f"/milestones/{m.id}/status", {"status": "done", "version": m.version}),
                      (f"/milestones/{m.id}/edit", form_of(m, title="xâm nhập")),
                      (f"/milestones/{m.id}/delete", {"version": m.version}),
                      ("/units/ban-mau-01/milestones/new", NEW)):
        for htmx in (False, True):
            r = kinhte.post(url, data=data, htmx=htmx)
            assert r.status_code == 403, url
            assert "Bạn không có quyền" in r.get_data(as_text=True)
    for url in (f"/milestones/{m.id}/edit", f"/milestones/{m.id}/delete",
                "/units/ban-mau-01/milestones/new"):
        assert kinhte.get(url).status_code == 403
    saved = get_milestone(app, m.id)
    assert (saved.title, saved.status, saved.version) == (m.title, m.status, m.version)
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))) == before


@pytest.mark.parametrize("username", ["vhxh", "chutich"])
def test_the_office_and_the_chair_change_any_unit(app, login, username):
    c = login(username)
    m = first_milestone(app, "ban-mau-02", status="not_started")
    r = c.post(f"/milestones/{m.id}/status", data={"status": "in_progress", "version": m.version})
    assert r.status_code == 303 and get_milestone(app, m.id).status == "in_progress"
    assert events(app, "milestone.status")[-1].username == username


def test_the_front_reads_but_does_not_edit(app, login):
    c = login("mttq")
    m = first_milestone(app)
    page = c.get("/units/ban-mau-01").get_data(as_text=True)
    assert m.title in page and 'class="ms-tap"' not in page
    assert c.post(f"/milestones/{m.id}/status",
                  data={"status": "done", "version": m.version}).status_code == 403


def test_an_unknown_milestone_is_404(app, login):
    c = login("vhxh")
    assert c.post("/milestones/999999/status", data={"status": "done", "version": "1"}).status_code == 404
    assert c.get("/milestones/999999/edit").status_code == 404


# ---------------------------------------------------------------- budgets (docs/design.md §5)

def compressed(response) -> int:
    assert response.headers.get("Content-Encoding") == "br"
    brotli.decompress(response.get_data())  # really brotli
    return wire_bytes(response)


def test_a_status_change_is_within_5_statements_and_3_kb(app_x10, login, count_queries):
    c = login("ban01", on=app_x10)
    m = first_milestone(app_x10, status="in_progress")
    with count_queries(app_x10) as n:
        r = c.post(f"/milestones/{m.id}/status", data={"status": "done", "version": m.version},
                   htmx=True, headers={**row_target(m), "Accept-Encoding": "br"})
    assert r.status_code == 200
    assert n() <= PARTIAL_SQL_BUDGET, n()
    assert compressed(r) <= UPDATE_BYTES, compressed(r)
    assert "Location" not in r.headers


def test_a_full_edit_with_a_new_indicator_is_within_5_statements_and_3_kb(app_x10, login,
                                                                          count_queries):
    c = login("ban01", on=app_x10)
    m = first_milestone(app_x10)
    _area, ind_id, _ = area_and_indicator(app_x10)
    with count_queries(app_x10) as n:
        r = c.post(f"/milestones/{m.id}/edit",
                   data=form_of(m, indicator_id=str(ind_id), progress="60", status="in_progress"),
                   htmx=True, headers={**row_target(m), "Accept-Encoding": "br"})
    assert r.status_code == 200 and get_milestone(app_x10, m.id).indicator_id == ind_id
    assert n() <= PARTIAL_SQL_BUDGET, n()
    assert compressed(r) <= UPDATE_BYTES


def test_every_change_in_place_is_within_5_statements_on_both_databases(any_app, login,
                                                                       count_queries):
    """PostgreSQL locks the audit chain on every change; that must not cost a statement."""
    c = login("ban01", on=any_app)
    m = first_milestone(any_app, status="in_progress")
    steps = [("POST", "/units/ban-mau-01/milestones/new", NEW, "ms-add"),
             ("POST", f"/milestones/{m.id}/status", {"status": "done", "version": m.version},
              f"m-{m.id}"),
             ("POST", f"/milestones/{m.id}/edit",
              form_of(m, progress="60", status="in_progress", version=m.version + 1), f"m-{m.id}"),
             ("POST", f"/milestones/{m.id}/delete", {"version": m.version + 2}, f"m-{m.id}")]
    for _method, url, data, target in steps:
        with count_queries(any_app) as n:
            r = c.post(url, data=data, htmx=True, headers={"HX-Target": target})
        assert r.status_code == 200 and n() <= PARTIAL_SQL_BUDGET, (url, n())


def test_adding_in_place_and_opening_forms_stay_within_the_partial_budget(app_x10, login,
                                                                           count_queries):
    c = login("ban01", on=app_x10)
    m = first_milestone(app_x10)
    _area, ind_id, _ = area_and_indicator(app_x10)
    hx = {"Accept-Encoding": "br"}
    with count_queries(app_x10) as n:
        r = c.post("/units/ban-mau-01/milestones/new", data={**NEW, "indicator_id": str(ind_id)},
                   htmx=True, headers={**hx, "HX-Target": "ms-add"})
    assert r.status_code == 200 and n() <= PARTIAL_SQL_BUDGET, n()
    assert compressed(r) <= UPDATE_BYTES
    for url, target in ((f"/milestones/{m.id}/edit", f"m-{m.id}"),
                        (f"/milestones/{m.id}/delete", f"m-{m.id}"),
                        (f"/milestones/{m.id}", f"m-{m.id}"),
                        ("/units/ban-mau-01/milestones/new", "ms-add")):
        with count_queries(app_x10) as n:
            r = c.get(url, headers={**hx, "HX-Request": "true", "HX-Target": target})
        assert r.status_code == 200 and n() <= PARTIAL_SQL_BUDGET, (url, n())
        assert compressed(r) <= UPDATE_BYTES, (url, compressed(r))
    with count_queries(app_x10) as n:
        r = c.post(f"/milestones/{m.id}/delete", data={"version": m.version}, htmx=True,
                   headers={**hx, "HX-Target": f"m-{m.id}"})
    assert r.status_code == 200 and n() <= PARTIAL_SQL_BUDGET, n()


# ---------------------------------------------------------------- a closed year

def test_a_closed_year_is_read_only(app, login):
    c = login("ban01")
    m = first_milestone(app, status="in_progress")
    with app.app_context():
        db.session.execute(Plan.__table__.update().where(Plan.id == m.plan_id)
                           .values(locked=True, version=Plan.version + 1))
        db.session.commit()
    page = c.get("/units/ban-mau-01").get_data(as_text=True)
    assert "đã khóa sổ" in page and 'class="ms-tap"' not in page and "+ Thêm mốc" not in page
    assert "/sections/" not in page
    r = c.post(f"/milestones/{m.id}/status", data={"status": "done", "version": m.version},
               htmx=True, headers=row_target(m))
    assert r.status_code == 409 and "đã khóa sổ" in r.get_data(as_text=True)
    r = c.post(f"/milestones/{m.id}/edit", data=form_of(m, title="Sửa năm cũ"))
    assert r.status_code == 409
    assert c.post(f"/milestones/{m.id}/delete", data={"version": m.version}).status_code == 409
    with app.app_context():
        s = db.session.scalar(select(PlanSection).where(PlanSection.plan_id == m.plan_id).limit(1))
        sid, sversion = s.id, s.version
    r = c.post(f"/units/ban-mau-01/sections/{sid}/edit", data={"body": "x", "version": sversion})
    assert r.status_code == 409
    saved = get_milestone(app, m.id)
    assert (saved.status, saved.title, saved.version) == (m.status, m.title, m.version)
