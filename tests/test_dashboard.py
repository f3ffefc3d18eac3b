"""The chair's dashboard (issue 5): every target against its figure to date, people and
deadlines, drill-down pages, filters with and without htmx, the print view.

Figures, periods, reports and comments are written straight into the test database: the
reporting workflow has its own tests."""
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from app.auth.models import User
from app.comments.models import Comment
from app.core.extensions import db
from app.plans.models import Area, Indicator, IndicatorValue, Plan
from app.milestones.models import Milestone
from app.core.vietnamese import today as vn_today
from app.reports.models import PeriodDeadline, Report, ReportingPeriod, period_unit
from app.units.models import Unit
from tests.conftest import table_rows

YEAR = 2026


# ---------------------------------------------------------------- data helpers

def unit_id(slug):
    return db.session.scalar(select(Unit.id).where(Unit.slug == slug))


def indicator(code, year=YEAR):
    return db.session.scalar(select(Indicator).join(Plan, Plan.id == Indicator.plan_id)
                             .where(Indicator.code == code, Plan.year == year))


def add_period(kind="month", number=1, starts=None, ends=None, deadline=None, year=YEAR,
               units=(), deadlines=None):
    """A reporting period; by default month `number` of the year (15th to 14th)."""
    if ends is None:
        ends = date(year, number, 14)
        starts = date(year - 1, 12, 15) if number == 1 else date(year, number - 1, 15)
    period = ReportingPeriod(year=year, kind=kind, number=number, starts_on=starts,
                             ends_on=ends, deadline=deadline or ends + timedelta(days=6))
    db.session.add(period)
    db.session.flush()
    if units:
        db.session.execute(insert(period_unit), [{"period_id": period.id, "unit_id": unit_id(s)}
                                                  for s in units])
    for kind_, d in (deadlines or {}).items():
        db.session.add(PeriodDeadline(period_id=period.id, unit_kind=kind_, deadline=d))
    return period


def add_value(code, period, slug, value, note=""):
    db.session.add(IndicatorValue(indicator_id=indicator(code).id, period_id=period.id,
                                  unit_id=unit_id(slug), value=Decimal(value), note=note))


def add_report(slug, period, status, submitted_at=None, reviewed_at=None):
    report = Report(unit_id=unit_id(slug), period_id=period.id, status=status,
                    submitted_at=submitted_at, reviewed_at=reviewed_at)
    db.session.add(report)
    db.session.flush()
    return report


def add_comment(author, slug, body, subject_type="unit", subject_id=None, reply_to=None,
                kind="comment"):
    user = db.session.scalar(select(User).where(User.username == author))
    uid = unit_id(slug)
    c = Comment(subject_type=subject_type, subject_id=subject_id or uid, unit_id=uid,
                author_id=user.id, kind=kind, body=body, reply_to_id=reply_to)
    db.session.add(c)
    db.session.flush()
    return c


def seed_figures():
    """Six indicators, one per semantics the plan uses, each in a known state."""
    jan = add_period("month", 1)
    q1 = add_period("quarter", 1, date(2025, 12, 15), date(YEAR, 3, 14), date(YEAR, 3, 20))
    add_value("III.2-08", jan, "ban-mau-01", "30")           # jobs: 30 of 323, pace 27,4
    add_value("III.2-04", q1, "phong-kinh-te", "55")         # forest cover 55 of 58,39
    add_value("III.3-06", q1, "tram-y-te", "19")             # stunting 19, ceiling 16,90
    add_value("III.4-01", jan, "phong-kinh-te", "1234.5")    # revenue far behind pace
    add_value("III.3-01", q1, "phong-vhxh", "7")             # schools 7 of 8
    add_value("III.3-05", q1, "tram-y-te", "1")              # health criteria kept
    return jan, q1


def body(response):
    return response.get_data(as_text=True)


def item(html, code):
    """The dashboard's list item of one indicator."""
    m = re.search(rf'<li><a href="/indicators/\d+"><span class="code">{re.escape(code)}</span>'
                  rf'.*?</li>', html, re.S)
    assert m, f"{code} not on the page"
    return m.group(0)


# ---------------------------------------------------------------- landing and access

def test_the_chair_lands_on_the_dashboard_others_where_they_did(login):
    assert login("chutich").get("/").headers["Location"].endswith("/dashboard")
    assert login("vhxh").get("/").headers["Location"].endswith("/plan")
    assert login("ban01").get("/").headers["Location"].endswith("/units/ban-mau-01")


@pytest.mark.parametrize("username,code", [("chutich", 200), ("vhxh", 200), ("mttq", 200),
                                           ("admin", 200), ("kinhte", 403), ("ban01", 403)])
def test_the_dashboard_is_for_those_who_follow_the_whole_movement(login, username, code):
    c = login(username)
    assert c.get("/dashboard").status_code == code
    assert c.get("/dashboard/print").status_code == code
    assert c.get("/dashboard/people").status_code == code


def test_the_dashboard_is_in_the_menu_of_those_who_may_open_it(login):
    assert 'href="/dashboard"' in body(login("chutich").get("/plan"))
    assert 'href="/dashboard"' not in body(login("ban01").get("/plan"))


# ---------------------------------------------------------------- the whole movement

def test_without_figures_every_indicator_shows_its_target_and_no_data(app, login):
    html = body(login("chutich").get("/dashboard"))
    with app.app_context():
        plan = db.session.scalar(Plan.commune_plan_stmt())
        codes = list(db.session.scalars(select(Indicator.code).where(Indicator.plan_id == plan.id)))
        areas = list(db.session.scalars(select(Area).where(Area.plan_id == plan.id)))
        theme = plan.theme
    assert theme in html
    for code in codes:
        assert "Chưa có số liệu" in item(html, code)
    for a in areas:
        assert f'href="/areas/{a.id}"' in html
    assert "Mục tiêu 16,90 %" in item(html, "III.3-06")          # as the plan writes it
    assert "Mục tiêu 33.515 triệu đồng" in item(html, "III.4-01")
    assert f'<span class="st st-no_data">Chưa có số liệu</span> <b>{len(codes)}</b>' in html


def test_each_indicator_shows_its_figure_status_and_achievement_in_vietnamese(app, login):
    with app.app_context():
        seed_figures()
        db.session.commit()
    html = body(login("chutich").get("/dashboard"))
    jobs = item(html, "III.2-08")
    assert "st-on_track" in jobs and "Đúng tiến độ" in jobs
    assert "Lũy kế <b>30</b> / 323 lao động · 9,3%" in jobs
    forest = item(html, "III.2-04")
    assert "Có nguy cơ chậm" in forest and "<b>55</b> / 58,39 %" in forest and "94,2%" in forest
    stunting = item(html, "III.3-06")                  # at most: above the ceiling is late
    assert "Chậm tiến độ" in stunting and "Hiện ở mức <b>19</b> / tối đa 16,90 %" in stunting and "88,9%" in stunting
    revenue = item(html, "III.4-01")
    assert "Chậm tiến độ" in revenue and "<b>1.234,5</b> / 33.515 triệu đồng" in revenue
    assert "cần 2.846" in revenue                      # 33.515 × 31/365, what pace asks
    schools = item(html, "III.3-01")
    assert "Đạt <b>7</b>/8 trường · mục tiêu 7 · 100%" in schools and "Đúng tiến độ" in schools
    health = item(html, "III.3-05")
    assert "<b>Đạt</b>" in health and "Đúng tiến độ" in health
    # the tally counts them, and the area table too
    assert '<span class="st st-on_track">Đúng tiến độ</span> <b>3</b>' in html
    assert '<span class="st st-off_track">Chậm tiến độ</span> <b>2</b>' in html
    assert "số liệu đã duyệt đến 14/03/2026" in html


def test_an_indicator_without_status_says_why(app, login):
    with app.app_context():
        q1 = add_period("quarter", 1, date(2025, 12, 15), date(YEAR, 3, 14), date(YEAR, 3, 20))
        add_value("III.3-07", q1, "ban-mau-01", "88")       # a village's own insurance rate
        db.session.commit()
    html = body(login("chutich").get("/dashboard"))
    assert "chờ số liệu của đơn vị chủ trì" in item(html, "III.3-07")
    assert "Chưa có số liệu gốc để tính mức tăng, giảm." in item(html, "III.2-07")  # poverty
    assert "<small" not in item(html, "III.2-08").split("Mục tiêu")[1]            # nothing to say


def test_a_trend_is_drawn_inline_on_the_server_and_reads_without_colour(app, login):
    with app.app_context():
        for n, v in ((1, "30"), (2, "25"), (3, "40")):
            add_value("III.2-08", add_period("month", n), "ban-mau-01", v)
        db.session.commit()
    jobs = item(body(login("chutich").get("/dashboard")), "III.2-08")
    svg = re.search(r"<svg.*?</svg>", jobs, re.S).group(0)
    assert 'role="img"' in svg and "<title>Xu hướng III.2-08: 14/01: 30; 14/02: 55; 14/03: 95; mục tiêu 323</title>" in svg
    assert "<polyline" in svg and 'stroke-dasharray="3 2"' in svg   # the pace, dashed
    assert "style=" not in svg


def test_filters_narrow_the_list_with_and_without_htmx(app, login):
    with app.app_context():
        seed_figures()
        area_id = indicator("III.3-06").area_id
        db.session.commit()
    c = login("chutich")
    page = body(c.get("/dashboard?status=off_track"))
    assert "III.3-06" in page and "III.4-01" in page and 'href="/indicators/1"' not in page
    assert '<option value="off_track" selected>' in page
    part = c.get(f"/dashboard?status=off_track&area={area_id}",
                 headers={"HX-Request": "true", "HX-Target": "indicators"})
    html = body(part)
    assert part.status_code == 200 and "HX-Request" in part.headers["Vary"]
    assert html.lstrip().startswith('<div id="indicators"') and "<html" not in html
    assert "III.3-06" in html and "III.4-01" not in html
    # a boosted navigation to the same URL gets the whole page
    assert "<html" in body(c.get("/dashboard?status=off_track", headers={"HX-Request": "true",
                                                                        "HX-Boosted": "true"}))
    empty = body(c.get("/dashboard?status=at_risk&area=" + str(area_id)))
    assert "Không có chỉ tiêu nào khớp bộ lọc." in empty


@pytest.mark.parametrize("query,message", [("status=xau", "Bộ lọc tình trạng không hợp lệ."),
                                           ("area=abc", "Bộ lọc nội dung thi đua không hợp lệ."),
                                           ("area=99999", "Bộ lọc nội dung thi đua không hợp lệ.")])
def test_a_bad_filter_is_a_400_with_a_vietnamese_message(login, query, message):
    response = login("chutich").get(f"/dashboard?{query}")
    assert response.status_code == 400 and message in body(response)


def test_an_unknown_year_is_a_404(login):
    assert login("chutich").get("/dashboard?year=1999").status_code == 404


# ---------------------------------------------------------------- people and deadlines

def test_reporting_status_of_the_current_period_names_the_late_units(app, login):
    today = vn_today()
    with app.app_context():
        ended = today - timedelta(days=12)
        period = add_period("month", 11, ended - timedelta(days=30), ended,
                            deadline=today - timedelta(days=3),
                            units=("ban-mau-01", "ban-mau-02", "phong-kinh-te", "mttq"),
                            deadlines={"village": today - timedelta(days=8)})
        add_period("month", 12, ended + timedelta(days=1), today + timedelta(days=20))  # running
        add_report("ban-mau-01", period, "accepted",
                   submitted_at=datetime.now(timezone.utc) - timedelta(days=9))
        add_report("phong-kinh-te", period, "returned")
        db.session.commit()
        label, pid = period.label, period.id
    html = body(login("chutich").get("/dashboard"))
    block = re.search(r'<section id="reporting".*?</section>', html, re.S).group(0)
    assert f"Báo cáo kỳ {label}" in block
    assert "Đã gửi 1/4 đơn vị (25%)" in block and "đúng hạn 1" in block and "đã duyệt 1" in block
    assert re.search(rf'href="/units/ban-mau-02/reports/{pid}">Bản mẫu 02</a> '
                     r'<span class="st st-off_track">Chưa nộp</span>', block)
    assert re.search(rf'href="/units/phong-kinh-te/reports/{pid}">[^<]+</a> '
                     r'<span class="st st-off_track">Bị trả lại</span>', block)
    assert "ban-mau-01" not in block
    assert f'href="/units/mttq/reports/{pid}"' in block   # the period's own deadline passed too
    assert f"/reports/completeness?year=2026&amp;kind=month&amp;period={pid}" in block


def test_overdue_milestones_are_counted_by_unit_with_a_link(app, login):
    today = vn_today()
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == "ban-mau-02"))
        plan = db.session.scalar(select(Plan).where(Plan.unit_id == unit.id,
                                                    Plan.parent_id.is_not(None)))
        db.session.execute(Milestone.__table__.update().where(Milestone.unit_id != unit.id)
                           .values(status="done"))
        db.session.execute(Milestone.__table__.update().where(Milestone.unit_id == unit.id)
                           .values(status="done"))
        for days, status in ((40, "in_progress"), (5, "not_started"), (9, "done"),
                             (-3, "not_started")):
            db.session.add(Milestone(plan_id=plan.id, unit_id=unit.id, title=f"Mốc {days}",
                                     due_on=today - timedelta(days=days), status=status))
        db.session.commit()
    html = body(login("chutich").get("/dashboard"))
    block = re.search(r'<section id="overdue".*?</section>', html, re.S).group(0)
    assert "1 đơn vị có 2 mốc quá hạn." in block
    oldest = (today - timedelta(days=40)).strftime("%d/%m/%Y")
    assert f'href="/units/ban-mau-02#milestones">Bản mẫu 02</a>: <span class="st st-off_track">' \
           f'2 mốc quá hạn</span> <small class="muted">từ {oldest}</small>' in block


def test_returned_reports_and_unanswered_comments_are_listed_with_links(app, login):
    with app.app_context():
        period = add_period("month", 2)
        add_report("ban-mau-01", period, "returned",
                   reviewed_at=datetime(2026, 2, 20, 3, 0, tzinfo=timezone.utc))
        plain = add_comment("mttq", "ban-mau-02", "Đề nghị bản làm rõ số hộ thoát nghèo.")
        answered = add_comment("mttq", "ban-mau-01", "Vì sao chậm báo cáo?")
        add_comment("ban01", "ban-mau-01", "Đã bổ sung.", reply_to=answered.id, kind="reply")
        add_comment("ban02", "ban-mau-02", "Ghi chú nội bộ của bản.")      # not a question to it
        ind = indicator("III.2-07")
        on_ind = add_comment("chutich", "phong-vhxh", "Cần số liệu gốc năm 2025.", "indicator", ind.id)
        milestone = db.session.scalar(select(Milestone).where(
            Milestone.unit_id == unit_id("ban-mau-02")).limit(1))
        on_ms = add_comment("vhxh", "ban-mau-02", "Mốc này cần minh chứng.", "milestone", milestone.id)
        # a report's comments are not threaded: the unit answers with a later comment
        rep = add_report("ban-mau-02", period, "submitted")
        on_rep = add_comment("mttq", "ban-mau-02", "Số liệu tháng 02 chưa khớp.", "report", rep.id)
        other = add_report("ban-mau-03", period, "submitted")
        first = add_comment("mttq", "ban-mau-03", "Thiếu phần khó khăn.", "report", other.id)
        later = add_comment("vhxh", "ban-mau-03", "Đã nhắc bản.", "report", other.id)
        first.created_at = datetime(2026, 3, 1, tzinfo=timezone.utc)
        later.created_at = datetime(2026, 3, 2, tzinfo=timezone.utc)
        answer = add_comment("vhxh", "ban-mau-03", "Bản đã bổ sung.", "report", other.id)
        answer.author_id = db.session.scalar(select(User.id).join(Unit).where(
            Unit.slug == "ban-mau-03").limit(1)) or _editor_of("ban-mau-03")
        answer.created_at = datetime(2026, 3, 3, tzinfo=timezone.utc)
        db.session.commit()
        period_id = period.id
        ids = [c.id for c in (plain, on_ind, on_ms, on_rep)]
    html = body(login("chutich").get("/dashboard/people"))
    returned = re.search(r'<section id="returned".*?</section>', html, re.S).group(0)
    assert f'href="/units/ban-mau-01/reports/{period_id}">Bản mẫu 01 · Tháng 02/2026' in returned
    assert "trả lại 20/02/2026 10:00" in returned
    comments = re.search(r'<section id="comments".*?</section>', html, re.S).group(0)
    # each link lands on the comment itself (issue 30): in its thread, or in the report's history
    plain_id, ind_c, ms_c, rep_c = ids
    assert f'href="/units/ban-mau-02#c-{plain_id}">Bản mẫu 02</a>: Đề nghị bản làm rõ' in comments
    assert f'href="/units/phong-vhxh#c-{ind_c}">' in comments
    assert f'href="/units/ban-mau-02#c-{ms_c}">Bản mẫu 02</a>: Mốc này cần minh chứng.' in comments
    assert (f'href="/units/ban-mau-02/reports/{period_id}#c-{rep_c}">Bản mẫu 02</a>: Số liệu tháng 02'
            in comments)
    assert f'id="c-{rep_c}"' in body(login("chutich").get(f"/units/ban-mau-02/reports/{period_id}"))
    assert f'id="c-{ms_c}"' in body(login("chutich").get("/units/ban-mau-02"))
    assert "Thiếu phần khó khăn" not in comments and "Đã nhắc bản" not in comments
    assert "Vì sao chậm" not in comments and "Ghi chú nội bộ" not in comments
    assert "Cán bộ Ủy ban MTTQ xã" in comments


def _editor_of(slug):
    """An account of the unit, made for the test when the demo has none."""
    user = User(username=f"cb-{slug}", username_key=f"cb-{slug}", full_name=f"Cán bộ {slug}",
                unit_id=unit_id(slug), password_hash="x")
    user.roles = ("editor",)
    db.session.add(user)
    db.session.flush()
    return user.id


def test_long_lists_are_cut_short_with_a_link_to_all(app, login):
    with app.app_context():
        slugs = [f"ban-mau-0{n}" for n in range(1, 7)] + ["mttq", "hoi-phu-nu"]
        for s in slugs:
            add_comment("mttq" if s != "mttq" else "vhxh", s, f"Ý kiến cho {s}")
        db.session.commit()
    c = login("chutich")
    comments = re.search(r'<section id="comments".*?</section>', body(c.get("/dashboard")), re.S).group(0)
    assert comments.count("<li>") == 6 and 'href="/dashboard/people#comments">Xem tất cả 8 ý kiến' in comments
    everything = re.search(r'<section id="comments".*?</section>', body(c.get("/dashboard/people")), re.S).group(0)
    assert everything.count("<li>") == 8


# ---------------------------------------------------------------- drill-down

def test_the_area_page_shows_its_indicators_and_the_milestones_serving_it(app, login):
    with app.app_context():
        seed_figures()
        area = db.session.get(Area, indicator("III.3-06").area_id)
        unit = db.session.scalar(select(Unit).where(Unit.slug == "tram-y-te"))
        plan = db.session.scalar(select(Plan).where(Plan.unit_id == unit.id,
                                                    Plan.parent_id.is_not(None)))
        db.session.add(Milestone(plan_id=plan.id, unit_id=unit.id, area_id=area.id,
                                 title="Cân, đo trẻ dưới 5 tuổi", status="in_progress",
                                 due_on=vn_today() - timedelta(days=2)))
        db.session.commit()
        area_id, code, title = area.id, area.code, area.title
    c = login("ban01")                      # reading an area is for everyone
    html = body(c.get(f"/areas/{area_id}"))
    assert f"<h1>{code}. {title}</h1>" in html
    assert "III.3-06" in html and "III.2-08" not in html
    assert "Cân, đo trẻ dưới 5 tuổi" in html and "Quá hạn" in html
    part = c.get(f"/areas/{area_id}?status=off_track",
                 headers={"HX-Request": "true", "HX-Target": "indicators"})
    assert "<html" not in body(part) and "III.3-06" in body(part) and "III.3-01" not in body(part)
    assert c.get("/areas/99999").status_code == 404


def test_the_indicator_page_shows_figures_by_period_and_by_unit_with_notes(app, login):
    with app.app_context():
        jan, feb = add_period("month", 1), add_period("month", 2)
        add_value("III.2-08", jan, "ban-mau-01", "12", note="Xuất khẩu lao động 12 người")
        add_value("III.2-08", jan, "ban-mau-02", "18")
        add_value("III.2-08", feb, "ban-mau-01", "5")
        db.session.commit()
        ind_id = indicator("III.2-08").id
        ban01 = unit_id("ban-mau-01")
    c = login("chutich")
    html = body(c.get(f"/indicators/{ind_id}"))
    figures = re.search(r'<section id="figures".*?</section>', html, re.S).group(0)
    assert "Lũy kế <b>35</b> / 323 lao động" in figures
    assert ["Tháng 01/2026", "30", "30", "2"] in table_rows(figures)
    assert ["Tháng 02/2026", "5", "35", "1"] in table_rows(figures)
    assert ["Bản mẫu 01 Số của riêng đơn vị", "2", "5 Tháng 02/2026", "17"] in table_rows(figures)
    assert "Xuất khẩu lao động 12 người" in figures
    assert "<svg" in figures and "<title>" in figures
    one = re.search(r'<section id="figures".*?</section>',
                    body(c.get(f"/indicators/{ind_id}?unit={ban01}")), re.S).group(0)
    assert "Theo kỳ báo cáo: Bản mẫu 01" in one and "Theo đơn vị báo cáo" not in one
    assert ["Tháng 01/2026", "12"] in table_rows(one)


# ---------------------------------------------------------------- print

def test_the_print_view_is_one_a4_table_readable_in_black_and_white(app, login):
    with app.app_context():
        seed_figures()
        db.session.commit()
    c = login("chutich")
    html = body(c.get("/dashboard/print"))
    assert 'class="print-table"' in html and "ỦY BAN NHÂN DÂN XÃ BÌNH LƯ" in html
    assert html.count('<th colspan="7" scope="rowgroup">') == 6       # every area
    # status in words and shape, never colour alone
    assert '<span class="st st-off_track">Chậm tiến độ</span>' in html
    css = c.get(re.search(r'href="(/static/app.css\?v=\w+)"', html).group(1)).get_data(as_text=True)
    css = re.sub(r"\s+", "", css)  # the stylesheet is written to be read: compare its rules
    assert "@page{size:A4" in css and ".st,.spark,.muted{color:#000" in css


# ---------------------------------------------------------------- both databases

def test_the_dashboard_reads_the_same_on_sqlite_and_postgresql(any_app, login):
    today = vn_today()
    with any_app.app_context():
        seed_figures()
        ended = today - timedelta(days=12)
        period = add_period("month", 11, ended - timedelta(days=30), ended,
                            deadline=today - timedelta(days=3), units=("ban-mau-01", "ban-mau-02"))
        add_report("ban-mau-01", period, "returned", reviewed_at=datetime.now(timezone.utc))
        asked = add_comment("mttq", "ban-mau-02", "Đề nghị làm rõ.")
        add_comment("mttq", "ban-mau-01", "Đã trả lời chưa?")
        add_comment("ban02", "ban-mau-02", "Đã làm rõ.", reply_to=asked.id, kind="reply")
        db.session.commit()
    c = login("chutich", on=any_app)
    html = body(c.get("/dashboard"))
    assert "Lũy kế <b>30</b> / 323 lao động · 9,3%" in item(html, "III.2-08")
    assert "Hiện ở mức <b>19</b> / tối đa 16,90 %" in item(html, "III.3-06")
    assert "Đã gửi 0/2 đơn vị (0%)" in html
    comments = re.search(r'<section id="comments".*?</section>', html, re.S).group(0)
    assert "Đã trả lời chưa?" in comments and "Đề nghị làm rõ." not in comments
    returned = re.search(r'<section id="returned".*?</section>', html, re.S).group(0)
    assert "Bản mẫu 01 · Tháng 11/2026" in returned
    part = c.get("/dashboard?status=off_track", headers={"HX-Request": "true",
                                                          "HX-Target": "indicators"})
    assert "III.3-06" in body(part) and "III.2-08" not in body(part)
    ind_id = None
    with any_app.app_context():
        ind_id = indicator("III.2-08").id
    assert "Lũy kế <b>30</b>" in body(c.get(f"/indicators/{ind_id}"))
    assert c.get("/dashboard/print").status_code == 200


# ---------------------------------------------------------------- the trend drawing itself

def test_a_sparkline_is_small_self_describing_svg_without_inline_style():
    from app.dashboard.trend import sparkline
    pts = [(date(2026, 1, 14), Decimal("10")), (date(2026, 2, 14), Decimal("35.5"))]
    svg = str(sparkline(pts, year=2026, semantics="sum_flow", target=Decimal(323),
                        status="on_track", label="Xu hướng <b>"))
    assert svg.startswith('<svg class="spark st-on_track" viewBox="0 0 96 24"')
    assert "<title>Xu hướng &lt;b&gt;: 14/01: 10; 14/02: 35,5; mục tiêu 323</title>" in svg
    assert "style=" not in svg and "<script" not in svg and len(svg) < 600
    # a level's target is a flat dashed line; one point is a dot
    flat = str(sparkline(pts[:1], year=2026, semantics="at_least", target=Decimal("58.39"),
                         status="at_risk"))
    line = re.search(r'<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"', flat)
    assert line.group(2) == line.group(4) and "<polyline" not in flat and "<circle" in flat
    # nothing to draw
    assert str(sparkline([], year=2026, semantics="sum_flow", target=Decimal(1),
                         status="no_data")) == ""
    assert str(sparkline(pts, year=2026, semantics="yes_no", target=Decimal(1),
                         status="on_track")) == ""
    # a delta that went the wrong way stays inside the box
    neg = str(sparkline([(date(2026, 3, 14), Decimal("-0.5"))], year=2026,
                        semantics="reduce_by", target=Decimal("1.2"), status="off_track"))
    cy = float(re.search(r'cy="([\d.]+)"', neg).group(1))
    assert 0 <= cy <= 24


def test_a_remembered_line_follows_every_change_to_what_it_shows(app, login):
    """The dashboard remembers each target's line (issue 33); a new figure, a renamed
    target, a new target and another language are each seen on the very next view."""
    c = login("chutich")
    assert "Chưa có số liệu" in item(body(c.get("/dashboard")), "III.2-08")
    with app.app_context():
        jan = add_period("month", 1)
        add_value("III.2-08", jan, "ban-mau-01", "30")
        db.session.commit()
    assert "Lũy kế <b>30</b> / 323 lao động" in item(body(c.get("/dashboard")), "III.2-08")
    with app.app_context():
        ind = indicator("III.2-08")
        ind.name, ind.target = "Việc làm mới cho lao động", Decimal(400)
        db.session.commit()
    jobs = item(body(c.get("/dashboard")), "III.2-08")
    assert "Việc làm mới cho lao động" in jobs and "Lũy kế <b>30</b> / 400 lao động" in jobs
    c.get("/lang/en")
    assert "Cumulative <b>30</b> / 400" in item(body(c.get("/dashboard")), "III.2-08")
