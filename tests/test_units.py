"""The unit page (issue 3): the unit's implementation plan in editable sections, its
indicators, milestones, comments and reports; its history; the overview of every unit."""
import json
import re
from datetime import date, timedelta

import brotli
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.core.extensions import db
from app.plans.models import Area, Plan, PlanSection
from app.milestones.models import Milestone
from app.reports.models import Report, ReportingPeriod
from app.units.models import Unit
from app.core.vietnamese import today
from tests import factories
from tests.conftest import wire_bytes
from tests.factories import first_milestone, form_of

PAGE_SQL_BUDGET = 10
PARTIAL_SQL_BUDGET = 5


def section_of(app, slug="ban-mau-01", key="muc_tieu"):
    with app.app_context():
        s = db.session.scalar(select(PlanSection).join(Plan, Plan.id == PlanSection.plan_id)
                              .join(Unit, Unit.id == Plan.unit_id)
                              .where(Unit.slug == slug, PlanSection.key == key))
        db.session.expunge(s)
        return s


def body_of(app, section_id):
    with app.app_context():
        return db.session.get(PlanSection, section_id).body


# ---------------------------------------------------------------- the page

def test_the_unit_page_shows_plan_sections_indicators_milestones_and_comments(app, login):
    with app.app_context():
        factories.date_the_open_milestones()
        db.session.commit()
    c = login("ban01")
    html = c.get("/units/ban-mau-01").get_data(as_text=True)
    for heading in ("Mục tiêu", "Nội dung thi đua", "Giải pháp", "Tiến độ thực hiện",
                    "Phân công trách nhiệm"):
        assert f"<h3>{heading}</h3>" in html, heading
    assert "Tỷ lệ che phủ rừng" in html  # an indicator the village contributes to
    assert "Sơ kết 6 tháng phong trào thi đua" in html
    assert 'id="comment-list"' in html
    assert "Lịch sử thay đổi" in html
    # the overdue milestone comes first in the list
    rows = re.findall(r'<li id="m-\d+" class="ms( late)?">', html)
    assert rows[0] == " late" and " late" not in rows[1:]


def test_reports_are_listed_only_to_those_who_may_read_them(app, login):
    with app.app_context():
        period = ReportingPeriod(year=2026, kind="month", number=3, starts_on=date(2026, 2, 15),
                                 ends_on=date(2026, 3, 14), deadline=date(2026, 3, 20))
        db.session.add(period)
        db.session.flush()
        unit = db.session.scalar(select(Unit.id).where(Unit.slug == "ban-mau-01"))
        db.session.add(Report(unit_id=unit, period_id=period.id, status="submitted"))
        db.session.commit()
        link = f'<a href="/units/ban-mau-01/reports/{period.id}">Tháng 03/2026</a> · Đã gửi'
    assert link in login("ban01").get("/units/ban-mau-01").get_data(as_text=True)
    assert link in login("vhxh").get("/units/ban-mau-01").get_data(as_text=True)
    assert 'id="reports"' not in login("kinhte").get("/units/ban-mau-01").get_data(as_text=True)


def test_an_unknown_unit_is_404(app, login):
    assert login("vhxh").get("/units/khong-co").status_code == 404


# ---------------------------------------------------------------- plan sections

def test_a_section_is_edited_in_place(app, login):
    c = login("ban01")
    s = section_of(app)
    hx = {"HX-Request": "true", "HX-Target": f"sec-{s.id}"}
    form = c.get(f"/units/ban-mau-01/sections/{s.id}/edit", headers=hx)
    assert form.get_data(as_text=True).lstrip().startswith(f'<div id="sec-{s.id}" class="sec editing">')
    text = "Phấn đấu 100% hộ gia đình đăng ký thi đua.\n\nHoàn thành các chỉ tiêu được giao."
    r = c.post(f"/units/ban-mau-01/sections/{s.id}/edit", data={"body": text, "version": s.version},
               htmx=True, headers=hx)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.lstrip().startswith(f'<div id="sec-{s.id}" class="sec">')
    assert "Phấn đấu 100% hộ gia đình" in html and html.count('<p class="pre">') == 2
    assert body_of(app, s.id) == text
    with app.app_context():
        ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "plan_section.update")
                                .order_by(AuditEvent.id.desc())).first()
        assert json.loads(ev.before)["body"] == "" and json.loads(ev.after)["body"] == text
    back = c.get(f"/units/ban-mau-01/sections/{s.id}", headers=hx)
    assert back.get_data(as_text=True).lstrip().startswith(f'<div id="sec-{s.id}" class="sec">')



def test_a_section_edited_in_place_stays_within_the_partial_budget(any_app, login,
                                                                   count_queries):
    """docs/design.md §5 for each step of the in-place editor (open, save, back): ≤ 5 SQL statements
    and ≤ 3 KB on the wire, on both databases."""
    c = login("ban01", on=any_app)
    s = section_of(any_app)
    hx = {"HX-Request": "true", "HX-Target": f"sec-{s.id}", "Accept-Encoding": "br"}
    url = f"/units/ban-mau-01/sections/{s.id}"
    steps = [lambda: c.get(url + "/edit", headers=hx),
             lambda: c.post(url + "/edit", data={"body": "Mục tiêu năm 2026 của bản. " * 20,
                                                 "version": s.version}, htmx=True, headers=hx),
             lambda: c.get(url, headers=hx)]
    for step in steps:
        with count_queries(any_app) as n:
            r = step()
        assert r.status_code == 200 and n() <= 5, (r.request.path, n())
        assert wire_bytes(r) <= 3_000, (r.request.path, wire_bytes(r))

def test_a_section_is_edited_without_javascript(app, login):
    c = login("ban01")
    s = section_of(app, key="giai_phap")
    page = c.get(f"/units/ban-mau-01/sections/{s.id}/edit")
    assert page.status_code == 200 and "<h1>Sửa kế hoạch triển khai</h1>" in page.get_data(as_text=True)
    r = c.post(f"/units/ban-mau-01/sections/{s.id}/edit",
               data={"body": "Tuyên truyền tại nhà văn hóa bản.", "version": s.version})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/units/ban-mau-01#sec-{s.id}")
    assert "Tuyên truyền tại nhà văn hóa bản." in c.get(r.headers["Location"]).get_data(as_text=True)


def test_a_stale_section_save_shows_both_texts_and_loses_nothing(app, login):
    first, second = login("ban01"), login("vhxh")
    s = section_of(app)
    assert first.post(f"/units/ban-mau-01/sections/{s.id}/edit",
                      data={"body": "Bản của trưởng bản.", "version": s.version}).status_code == 303
    for htmx in (False, True):
        r = second.post(f"/units/ban-mau-01/sections/{s.id}/edit",
                        data={"body": "Góp ý của phòng Văn hóa.", "version": s.version},
                        htmx=htmx, headers={"HX-Target": f"sec-{s.id}"} if htmx else None)
        html = r.get_data(as_text=True)
        assert r.status_code == 409
        assert "Mục này vừa được người khác lưu" in html
        assert re.search(r'<div class="current pre">Bản của trưởng bản.</div>', html)
        assert re.search(r"<textarea[^>]*>\s*Góp ý của phòng Văn hóa.</textarea>", html)
        assert "Nội dung của bạn" in html
        assert f'name="version" type="hidden" value="{s.version + 1}"' in html
    assert body_of(app, s.id) == "Bản của trưởng bản."



def test_a_section_save_sent_again_after_its_answer_was_lost_is_not_a_conflict(app, login):
    c = login("ban01")
    s = section_of(app)
    typed = {"body": "Mục tiêu của bản năm 2026.", "version": s.version}
    assert c.post(f"/units/ban-mau-01/sections/{s.id}/edit", data=typed).status_code == 303
    with app.app_context():
        before = db.session.scalar(select(func.count(AuditEvent.id)))
    r = c.post(f"/units/ban-mau-01/sections/{s.id}/edit", data=typed, htmx=True,
               headers={"HX-Target": f"sec-{s.id}"})
    assert r.status_code == 200 and "Mục tiêu của bản năm 2026." in r.get_data(as_text=True)
    assert "vừa được người khác lưu" not in r.get_data(as_text=True)
    r = c.post(f"/units/ban-mau-01/sections/{s.id}/edit", data=typed)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"#sec-{s.id}")
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))) == before

def test_a_section_of_another_unit_cannot_be_reached_through_ones_own_slug(app, login):
    c = login("ban01")
    theirs = section_of(app, "ban-mau-02")
    r = c.post(f"/units/ban-mau-01/sections/{theirs.id}/edit",
               data={"body": "xâm nhập", "version": theirs.version})
    assert r.status_code == 404
    assert c.post(f"/units/ban-mau-02/sections/{theirs.id}/edit",
                  data={"body": "xâm nhập", "version": theirs.version}).status_code == 403
    assert body_of(app, theirs.id) == ""


def test_a_section_text_with_control_characters_is_refused(app, login):
    c = login("ban01")
    s = section_of(app)
    r = c.post(f"/units/ban-mau-01/sections/{s.id}/edit", data={"body": "a\x00b", "version": s.version})
    assert r.status_code == 422 and "ký tự điều khiển" in r.get_data(as_text=True)


# ---------------------------------------------------------------- comments

def test_the_front_comments_and_the_village_answers(app, login):
    mttq, ban01 = login("mttq"), login("ban01")
    m = first_milestone(app)
    r = mttq.post("/units/ban-mau-01/comments",
                  data={"body": "Đề nghị bản báo cáo rõ số hộ tham gia.", "milestone_id": m.id})
    assert r.status_code == 303 and re.search(r"#c-\d+$", r.headers["Location"])
    thread = int(r.headers["Location"].rsplit("-", 1)[1])
    page = ban01.get("/units/ban-mau-01").get_data(as_text=True)
    assert "Đề nghị bản báo cáo rõ số hộ tham gia." in page
    assert f"Về mốc: {m.title}" in page
    assert 'id="comment-form"' not in page  # a village head answers, does not open threads
    r = ban01.post("/units/ban-mau-01/comments", data={"body": "Bản đã bổ sung.",
                                                       "reply_to_id": thread})
    assert r.status_code == 303
    with app.app_context():
        reply = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
        assert (reply.kind, reply.reply_to_id, reply.subject_type, reply.subject_id) == (
            "reply", thread, "milestone", m.id)
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "comment.add")) == 2
    page = ban01.get("/units/ban-mau-01").get_data(as_text=True)
    replies = re.search(rf'<ul id="c-{thread}-replies".*?</ul>', page, re.S).group(0)
    assert "Bản đã bổ sung." in replies


def test_comments_in_place_append_and_empty_the_form(app, login):
    c = login("vhxh")
    r = c.post("/units/ban-mau-01/comments", data={"body": "Cần đẩy nhanh tiến độ."}, htmx=True,
               headers={"HX-Target": "comment-list"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.lstrip().startswith('<li id="c-')
    assert "Cần đẩy nhanh tiến độ." in html
    assert '<div id="comment-body" hx-swap-oob="true">' in html
    thread = int(re.search(r'<li id="c-(\d+)"', html).group(1))
    ban01 = login("ban01")
    r = ban01.post("/units/ban-mau-01/comments", data={"body": "Đã rõ.", "reply_to_id": thread},
                   htmx=True, headers={"HX-Target": f"c-{thread}-replies"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.lstrip().startswith('<li id="c-') and "Đã rõ." in html
    assert f'<form id="reply-{thread}"' in html and 'hx-swap-oob="true"' in html
    empty = ban01.post("/units/ban-mau-01/comments", data={"body": "  ", "reply_to_id": thread},
                       htmx=True, headers={"HX-Target": f"c-{thread}-replies"})
    assert empty.status_code == 422 and empty.headers["HX-Retarget"] == f"#reply-{thread}"
    assert "Vui lòng nhập nội dung ý kiến." in empty.get_data(as_text=True)



def test_a_comment_and_an_answer_in_place_take_at_most_5_statements(any_app, login,
                                                                   count_queries):
    """docs/design.md §5: an htmx update ≤ 5 SQL statements and ≤ 3 KB, on both databases."""
    c = login("mttq", on=any_app)
    hx = {"Accept-Encoding": "br"}
    with count_queries(any_app) as n:
        r = c.post("/units/ban-mau-01/comments", data={"body": "Cần đẩy nhanh tiến độ."},
                   htmx=True, headers={**hx, "HX-Target": "comment-list"})
    assert r.status_code == 200 and n() <= 5, n()
    assert wire_bytes(r) <= 3_000, wire_bytes(r)
    thread = int(re.search(r'<li id="c-(\d+)"', brotli.decompress(r.get_data()).decode()).group(1))
    ban01 = login("ban01", on=any_app)
    with count_queries(any_app) as n:
        r = ban01.post("/units/ban-mau-01/comments", data={"body": "Đã rõ.", "reply_to_id": thread},
                       htmx=True, headers={**hx, "HX-Target": f"c-{thread}-replies"})
    assert r.status_code == 200 and n() <= 5, n()
    assert wire_bytes(r) <= 3_000, wire_bytes(r)

def test_an_editor_cannot_open_a_thread_and_is_told_why(app, login):
    c = login("ban01")
    r = c.post("/units/ban-mau-01/comments", data={"body": "Tự khen mình."})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Cán bộ đơn vị trả lời các ý kiến đã có" in html
    assert "Tự khen mình." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_comments_on_another_unit_are_refused(app, login):
    mttq = login("mttq")
    thread = int(mttq.post("/units/ban-mau-02/comments", data={"body": "Hỏi bản 02."})
                 .headers["Location"].rsplit("-", 1)[1])
    ban01 = login("ban01")
    assert ban01.post("/units/ban-mau-02/comments",
                      data={"body": "x", "reply_to_id": thread}).status_code == 403
    # naming another unit's thread or milestone from one's own page is refused, not moved
    r = ban01.post("/units/ban-mau-01/comments", data={"body": "x", "reply_to_id": thread})
    assert r.status_code == 422 and "không còn trên trang" in r.get_data(as_text=True)
    theirs = first_milestone(app, "ban-mau-02")
    r = mttq.post("/units/ban-mau-01/comments", data={"body": "x", "milestone_id": theirs.id})
    assert r.status_code == 422 and "Mốc được góp ý không có" in r.get_data(as_text=True)
    assert login("kinhte").post("/units/ban-mau-01/comments", data={"body": "x"}).status_code == 403


# ---------------------------------------------------------------- history

def test_the_history_names_who_changed_what_before_and_after(app, login):
    c = login("ban01")
    m = first_milestone(app, status="in_progress")
    c.post(f"/milestones/{m.id}/status", data={"status": "done", "version": m.version})
    s = section_of(app)
    c.post(f"/units/ban-mau-01/sections/{s.id}/edit", data={"body": "Mục tiêu mới.", "version": s.version})
    html = c.get("/units/ban-mau-01/history").get_data(as_text=True)
    entries = re.findall(r"<li><small.*?</li>", html, re.S)
    assert "Sửa kế hoạch triển khai" in entries[0] and "Trưởng Bản mẫu 01" in entries[0]
    assert "<ins class=\"pre\">Mục tiêu mới.</ins>" in entries[0]
    status = entries[1]
    assert "Đổi trạng thái mốc</strong>: Sơ kết 6 tháng" in status
    assert re.search(r"<dt>Trạng thái</dt><dd><del class=\"pre\">Đang thực hiện</del>.*"
                     r"<ins class=\"pre\">Hoàn thành</ins>", status)
    assert re.search(r"<dt>Tiến độ</dt><dd><del class=\"pre\">40%</del>.*<ins class=\"pre\">100%</ins>",
                     status)
    assert "version" not in status and "updated_at" not in status


def test_the_history_is_paginated(app, login):
    c = login("ban01")
    m = first_milestone(app)
    version = m.version
    for i in range(22):
        status = ("paused", "in_progress")[i % 2]
        assert c.post(f"/milestones/{m.id}/status",
                      data={"status": status, "version": version}).status_code == 303
        version += 1
    first = c.get("/units/ban-mau-01/history").get_data(as_text=True)
    assert first.count("Đổi trạng thái mốc") == 20 and "?page=2" in first
    second = c.get("/units/ban-mau-01/history?page=2").get_data(as_text=True)
    assert "Đổi trạng thái mốc" in second and "?page=1" in second
    # a page that is not a number is said, not guessed (issue 17)
    bad = c.get("/units/ban-mau-01/history?page=abc")
    assert bad.status_code == 400 and "số trang" in bad.get_data(as_text=True)


@pytest.mark.parametrize("username,allowed", [("ban01", True), ("vhxh", True), ("mttq", True),
                                              ("chutich", True), ("kinhte", False),
                                              ("ban02", False)])
def test_who_may_read_a_units_history(app, login, username, allowed):
    r = login(username).get("/units/ban-mau-01/history")
    assert (r.status_code == 200) is allowed


# ---------------------------------------------------------------- overview

def test_the_overview_counts_milestones_by_status_late_units_first(app, login):
    c = login("vhxh")
    # make ban-mau-02 the only unit with two late milestones
    with app.app_context():
        factories.date_the_open_milestones()
        unit = db.session.scalar(select(Unit).where(Unit.slug == "ban-mau-02"))
        m = db.session.scalars(select(Milestone).where(Milestone.unit_id == unit.id,
                                                       Milestone.status == "not_started")).first()
        m.due_on = today() - timedelta(days=3)
        db.session.commit()
    html = c.get("/units/").get_data(as_text=True)
    rows = re.findall(r'<tr( class="late")?><td><a href="/units/([^"]+)">', html)
    assert rows[0] == (' class="late"', "ban-mau-02")
    first = re.search(r'<tr class="late"><td><a href="/units/ban-mau-02">.*?</tr>', html, re.S).group(0)
    cells = re.findall(r'<td class="num"[^>]*>(?:<strong class="bad">)?(\d+)', first)
    assert cells == ["2", "1", "1", "2", "0", "0", "4"]  # late, then by status, then total
    assert "Mốc quá hạn" in html and "trễ" in html


def test_the_overview_filters_with_and_without_htmx(app, login):
    c = login("chutich")
    villages = c.get("/units/?kind=village").get_data(as_text=True)
    assert "Bản mẫu 01" in villages and "Phòng Kinh tế" not in villages
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.code == "III.2"))
        m = db.session.scalars(select(Milestone).join(Unit, Unit.id == Milestone.unit_id)
                               .where(Unit.slug == "phong-kinh-te")).first()
        m.area_id = area.id
        db.session.commit()
        area_id = area.id
    by_area = c.get(f"/units/?area={area_id}").get_data(as_text=True)
    assert re.findall(r'<a href="/units/([^"]+)">', by_area.split('id="overview-results"')[1])[0] == "phong-kinh-te"
    assert "Bản mẫu 01" not in by_area
    partial = c.get(f"/units/?status=done&kind=village",
                    headers={"HX-Request": "true", "HX-Target": "overview-results"})
    html = partial.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="overview-results">') and "<html" not in html
    assert "Bản mẫu 02" in html and "Phòng Kinh tế" not in html
    assert "HX-Request" in partial.headers["Vary"]
    # nonsense filters are ignored, not errors
    assert c.get("/units/?area=abc&kind=<script>&status=1").status_code == 200


@pytest.mark.parametrize("username,allowed", [("vhxh", True), ("chutich", True), ("mttq", True),
                                              ("admin", True), ("kinhte", False),
                                              ("ban01", False)])
def test_who_sees_the_overview_and_its_link(app, login, username, allowed):
    c = login(username)
    assert (c.get("/units/").status_code == 200) is allowed
    assert ('href="/units/"' in c.get("/plan").get_data(as_text=True)) is allowed


# ---------------------------------------------------------------- budgets (docs/design.md §5)

@pytest.mark.parametrize("username", ["ban01", "vhxh", "mttq", "kinhte"])
def test_the_unit_page_is_within_10_statements_with_data_x10(app_x10, login, count_queries,
                                                              username):
    with app_x10.app_context():
        # comments with answers on the page, so they are counted too
        unit = db.session.scalar(select(Unit).where(Unit.slug == "ban-mau-01"))
        from app.auth.models import User
        users = {u.username: u.id for u in db.session.scalars(select(User))}
        for i in range(25):
            head = Comment(subject_type="unit", subject_id=unit.id, unit_id=unit.id,
                           author_id=users["mttq"], body=f"Ý kiến {i}")
            db.session.add(head)
            db.session.flush()
            db.session.add(Comment(subject_type="unit", subject_id=unit.id, unit_id=unit.id,
                                   author_id=users["ban01"], body="Trả lời", kind="reply",
                                   reply_to_id=head.id))
        db.session.commit()
    c = login(username, on=app_x10)
    with count_queries(app_x10) as n:
        r = c.get("/units/ban-mau-01", headers={"Accept-Encoding": "br"})
    assert r.status_code == 200
    assert n() <= PAGE_SQL_BUDGET, n()
    assert wire_bytes(r) <= 14_000


def test_the_overview_and_its_partial_stay_within_budget_with_data_x10(app_x10, login,
                                                                        count_queries):
    c = login("vhxh", on=app_x10)
    with count_queries(app_x10) as n:
        r = c.get("/units/", headers={"Accept-Encoding": "br"})
    assert r.status_code == 200 and n() <= PAGE_SQL_BUDGET, n()
    assert wire_bytes(r) <= 14_000
    with count_queries(app_x10) as n:
        r = c.get("/units/?status=overdue", headers={"HX-Request": "true",
                                                      "HX-Target": "overview-results",
                                                      "Accept-Encoding": "br"})
    assert r.status_code == 200 and n() <= PARTIAL_SQL_BUDGET, n()


def test_the_history_page_stays_within_budget(app_x10, login, count_queries):
    c = login("ban01", on=app_x10)
    m = first_milestone(app_x10)
    c.post(f"/milestones/{m.id}/edit", data=form_of(m, area_id="1", owner="Ông Lò Văn A"))
    with count_queries(app_x10) as n:
        r = c.get("/units/ban-mau-01/history")
    assert r.status_code == 200 and n() <= PAGE_SQL_BUDGET, n()


# ---------------------------------------------------------------- a unit added later

def _new_unit(app):
    with app.app_context():
        root = db.session.scalar(select(Unit).where(Unit.slug == "ubnd-xa"))
        db.session.add(Unit(slug="ban-moi", name="Bản Mới", short_name="Bản Mới", kind="village",
                            parent_id=root.id, sort_order=999))
        db.session.commit()


def test_a_unit_added_after_the_plan_was_loaded_gets_its_plan(app, login):
    _new_unit(app)
    c = login("vhxh")
    page = c.get("/units/ban-moi").get_data(as_text=True)
    assert "Đơn vị chưa có kế hoạch triển khai." in page and "Lập kế hoạch triển khai" in page
    assert "Lập kế hoạch triển khai" not in login("mttq").get("/units/ban-moi").get_data(as_text=True)
    r = c.post("/units/ban-moi/plan")
    assert r.status_code == 303
    page = c.get("/units/ban-moi").get_data(as_text=True)
    assert page.count('class="sec"') == 5 and "+ Thêm mốc" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))
                                 .where(AuditEvent.action == "plan.create")) == 1
    assert c.post("/units/ban-moi/plan").status_code == 303  # twice is harmless
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id)).join(Unit, Unit.id == Plan.unit_id)
                                 .where(Unit.slug == "ban-moi")) == 1


def test_adding_a_milestone_to_a_unit_without_a_plan_creates_the_plan(app, login):
    _new_unit(app)
    c = login("vhxh")
    r = c.post("/units/ban-moi/milestones/new", data={"title": "Họp ra mắt bản", "status": "not_started",
                                                      "progress": "0"})
    assert r.status_code == 303
    page = c.get("/units/ban-moi").get_data(as_text=True)
    assert "Họp ra mắt bản" in page and page.count('class="sec"') == 5
